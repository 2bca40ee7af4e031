"""Gap junctions in a NeuroML export: ``<electricalProjection>`` with one
``<electricalConnectionInstance>`` per junction (``...InstanceW`` where its weight is not 1).

A gap junction read from NeuroML runs as the mechanism jNeuroML generates for its
``<gapJunction>`` (a pointer synMech, vpeer following the other cell's v, both ways) and keeps
the component beside it (neuroml/channels.py); an export writes that component back and each
connection as one junction: pre and post cells, segments and fractions where each side sits,
the weight (NeuroML's conductance multiplier). Continuous connections read from NeuroML are
exporters/neuroml_continuous.py's. Other pointer synMechs (a NetPyNE gap junction or graded
synapse written for NEURON) have no NeuroML form here: FormatError naming them.
"""
from __future__ import annotations

from ..errors import FormatError
from .neuroml_continuous import is_continuous
from .neuroml_network_xml import cell_refs, instance_xml, post_sites


def check_pointers(network, kept: dict) -> None:
    """Refuse pointer synMechs that were not read from a NeuroML ``<gapJunction>``."""
    missing = [m.label for m in network.syn_mechs
               if m.pointer is not None and not _is_gap_junction(m, kept)
               and not _is_continuous_end(m, kept)]
    if missing:
        raise FormatError(f"gap junctions and graded synapses (synMechs {missing}) have no "
                          "NeuroML form here: only gap junctions and continuous connections "
                          "read from NeuroML (<gapJunction>, <continuousProjection>) are "
                          "exported")


def _is_gap_junction(syn, kept: dict) -> bool:
    form = kept.get(syn.mod)
    return (form is not None and type(form).__name__ == "GapJunction" and not syn.params
            and syn.pointer.bidirectional)


def _is_continuous_end(syn, kept: dict) -> bool:
    """One end of a continuous connection read from NeuroML (exporters/neuroml_continuous.py):
    the component kept, its vpeer one way."""
    return syn.mod in kept and not syn.params and is_continuous(syn)


def is_electrical(syn) -> bool:
    """Whether a synMech's connections are written as an electrical projection."""
    return syn.pointer is not None and not is_continuous(syn)


def electrical_projection_xml(f, plan, proj) -> None:
    """One ``<electricalProjection>`` of an export plan (exporters/neuroml.py)."""
    c, rows = plan.net.conns, proj.rows
    extra = c.extra
    if "pre_sec" not in extra or "pre_loc" not in extra:
        raise FormatError(f"projection {proj.id}: gap junctions without their presynaptic "
                          "site (pre_sec, pre_loc)")
    f.write(f'        <electricalProjection id="{proj.id}" presynapticPopulation="{proj.pre}" '
            f'postsynapticPopulation="{proj.post}">\n')
    pre_ref, post_ref = cell_refs(plan, c.pre_gid[rows]), cell_refs(plan, c.post_gid[rows])
    pre_seg, pre_frac = post_sites(plan, c.pre_gid[rows], extra["pre_sec"][rows].astype(int),
                              extra["pre_loc"][rows])
    post_seg, post_frac = post_sites(plan, c.post_gid[rows], c.sec[rows], c.loc[rows])
    for k, row in enumerate(rows.tolist()):
        f.write(instance_xml("electricalConnection", row,
                             (pre_ref[k], pre_seg[k], pre_frac[k]),
                             (post_ref[k], post_seg[k], post_frac[k]), float(c.weight[row]),
                             f'synapse="{proj.synapse}"'))
    f.write("        </electricalProjection>\n")
