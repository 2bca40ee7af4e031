"""Continuous connections in a NeuroML export: ``<continuousProjection>`` with one
``<continuousConnectionInstance>`` per connection (``...InstanceW`` where its weight is not 1).

A continuous connection read from NeuroML (importers/neuroml_projections.py) is two
connection rows, one after the other: the presynaptic component on the presynaptic cell
(its vpeer following the postsynaptic cell's v), then the postsynaptic component on the
postsynaptic cell (its vpeer following the presynaptic cell's v), both with the connection's
weight. An export pairs the rows back into one connection: cells, segments and fractions of
both ends, the two components (written as the file defined them, neuroml/channels.py) and
the weight. Rows that do not pair so (a one-way pointer synMech made otherwise) are a
FormatError naming the row.
"""
from __future__ import annotations

import numpy as np

from ..errors import FormatError
from .neuroml_network_xml import cell_refs, instance_xml, post_sites


def is_continuous(syn) -> bool:
    """Whether a synMech is one end of a continuous connection (a one-way vpeer pointer)."""
    return (syn.pointer is not None and not syn.pointer.bidirectional
            and syn.pointer.target_var == "vpeer")


def pair_rows(conns, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(presynaptic-component rows, postsynaptic-component rows) of the continuous
    connections among ``rows`` (ascending connection rows whose synMech is_continuous).

    Raises
    ------
    FormatError
        A row without its partner: the next row, on the same rule, with the two cells
        swapped and the same weight.
    """
    rows = np.asarray(rows, dtype=np.int64)
    first, second = rows[0::2], rows[1::2]
    if len(first) != len(second):
        raise FormatError(f"connection {int(first[-1])}: one end of a continuous connection "
                          "without the other")
    bad = ((second != first + 1) | (conns.pre_gid[first] != conns.post_gid[second])
           | (conns.post_gid[first] != conns.pre_gid[second])
           | (conns.rule[first] != conns.rule[second])
           | (conns.weight[first] != conns.weight[second]))
    if np.any(bad):
        row = int(first[np.flatnonzero(bad)[0]])
        raise FormatError(f"connections {row} and {row + 1}: not the two ends of one "
                          "continuous connection (rows one after the other, cells swapped, "
                          "one rule and one weight), so they have no NeuroML form")
    return first, second


def continuous_projection_xml(f, plan, proj) -> None:
    """One ``<continuousProjection>`` of an export plan (exporters/neuroml.py):
    ``proj.rows`` are its rows, each connection's presynaptic component's row first."""
    c = plan.net.conns
    first, second = proj.rows[0::2], proj.rows[1::2]
    pre_gid, post_gid = c.pre_gid[second], c.post_gid[second]
    f.write(f'        <continuousProjection id="{proj.id}" presynapticPopulation="{proj.pre}" '
            f'postsynapticPopulation="{proj.post}">\n')
    pre_ref, post_ref = cell_refs(plan, pre_gid), cell_refs(plan, post_gid)
    pre_seg, pre_frac = post_sites(plan, pre_gid, c.sec[first], c.loc[first])
    post_seg, post_frac = post_sites(plan, post_gid, c.sec[second], c.loc[second])
    for k, (a, b) in enumerate(zip(first.tolist(), second.tolist())):
        f.write(instance_xml("continuousConnection", a,
                             (pre_ref[k], pre_seg[k], pre_frac[k]),
                             (post_ref[k], post_seg[k], post_frac[k]), float(c.weight[b]),
                             f'preComponent="{plan.synapses[int(c.syn_mech[a])]}" '
                             f'postComponent="{plan.synapses[int(c.syn_mech[b])]}"'))
    f.write("        </continuousProjection>\n")


def check_one_use(net, synapses: dict) -> None:
    """Refuse a component written for both a continuous connection's end and another
    synMech (a gapJunction of an electrical projection and of a continuous one, Ex19-like):
    the annotation maps each component id to one synMech, so the re-import would give both
    the same one. ``synapses``: synMech code -> the id written."""
    kinds: dict = {}
    for code, comp_id in synapses.items():
        kinds.setdefault(comp_id, set()).add(is_continuous(net.syn_mechs[code]))
    shared = sorted(comp_id for comp_id, seen in kinds.items() if len(seen) > 1)
    if shared:
        raise FormatError(f"{', '.join(shared)}: used both by continuous connections and by "
                          "other connections, which a NeuroML export of neuroloom cannot "
                          "tell apart on re-import yet")
