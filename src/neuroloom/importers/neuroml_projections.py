"""NeuroML2 connections beyond spike-driven projections and gap junctions, into the model:
continuous projections, and the weights of inputs onto current sources.

A continuous connection (neuroml/continuous.py) becomes two connection rows driven by the
other cell's voltage (``Pointer``, one way each, see engine/pointers.py), as jNeuroML's
NEURON export builds it: the presynaptic component on the presynaptic cell, its ``vpeer``
following the postsynaptic cell's v, then the postsynaptic component on the postsynaptic
cell, its ``vpeer`` following the presynaptic cell's v; each mechanism gets the
connection's weight (jNeuroML sets ``weight`` on both). A silentSynapse carries no current,
so its row only mirrors what jNeuroML makes. Both rows belong to the projection's rule.

An input's weight scales a current source as jNeuroML's mechanisms do (``i = weight *
amplitude``): a pulseGenerator read as an IClamp gets the amplitude times the weight for
that target, a source run as jNeuroML's own mechanism gets the weight set on it.
"""
from __future__ import annotations

import numpy as np

from ..errors import FormatError
from ..model.catalog import Pointer, SynMech
from ..model.stim_types import STIM_TYPES
from ..model.tables import ConnTable
from ..suggest import hint

CONTINUOUS = "continuousProjection"


def check_continuous(proj, components) -> None:
    """Every component a continuous projection's connections name is defined."""
    for end in ("pre", "post"):
        for k, comp_id in enumerate(proj.columns[f"{end}_component"]):
            if comp_id not in components:
                raise FormatError(f"{proj.where}: connection {int(proj.columns['id'][k])}: "
                                  f"{end}Component '{comp_id}' is not defined; "
                                  f"{hint(comp_id, components)}")


def peer_driven_mechanism(comp, info, labels) -> SynMech:
    """The synaptic mechanism of a component on one end of a continuous connection: the
    mechanism jNeuroML generates (``info``), its vpeer following the other cell's v.
    ``labels``: the synMech labels taken. A gap junction may also be an electrical
    projection's, made both ways under its own id: here it is ``<id>_continuous``."""
    if info.pointer != "vpeer":
        raise FormatError(f"{comp.where}: a {comp.type} cannot end a continuous connection "
                          "(it does not read the other cell's voltage; graded, linear "
                          "graded and silent synapses and gap junctions do)")
    label = f"{comp.id}_continuous" if comp.type == "gapJunction" or comp.id in labels \
        else comp.id
    return SynMech(label=label, mod=info.mechanism, params=(),
                   pointer=Pointer(target_var="vpeer", source_var="v", bidirectional=False))


def continuous_rows(proj, pre, post, pre_site, post_site, mechanism, rule) -> ConnTable:
    """The connection rows of a continuous projection.

    Parameters
    ----------
    proj : neuroml.reader.ProjectionData
        The projection as read (kind ``continuousProjection``).
    pre, post : numpy.ndarray
        The gids of each connection's presynaptic and postsynaptic cell.
    pre_site, post_site : tuple of numpy.ndarray
        (section codes, locations) of each connection on its two cells.
    mechanism : callable
        Component id -> the code of its synaptic mechanism (peer_driven_mechanism).
    rule : int
        The code of the projection's connectivity rule.

    Returns
    -------
    ConnTable
        Two rows per connection, the presynaptic component's first.
    """
    c = proj.columns
    for (sec, _), end in ((pre_site, "presynaptic"), (post_site, "postsynaptic")):
        if len(sec) and sec.min() < 0:
            raise FormatError(f"{proj.where}: a {end} cell is a spike source, which has no "
                              "membrane potential to couple")
    n = len(pre)
    codes = {end: np.array([mechanism(name) for name in c[f"{end}_component"]], dtype=np.int64)
             for end in ("pre", "post")}

    def interleave(first, second):
        out = np.empty(2 * n, dtype=np.result_type(first, second))
        out[0::2], out[1::2] = first, second
        return out

    weight = np.asarray(c["weight"], dtype=np.float64)
    return ConnTable(pre_gid=interleave(post, pre), post_gid=interleave(pre, post),
                     syn_mech=interleave(codes["pre"], codes["post"]),
                     weight=interleave(weight, weight), delay=np.zeros(2 * n),
                     sec=interleave(pre_site[0], post_site[0]),
                     loc=interleave(pre_site[1], post_site[1]), rule=np.full(2 * n, rule),
                     extra={"pre_sec": interleave(post_site[0], pre_site[0]).astype(np.float64),
                            "pre_loc": interleave(post_site[1], pre_site[1])})


def current_weights(comp, source, weights, settable: bool) -> dict:
    """Per-target parameters (StimTable extra columns) that scale a current source by its
    inputs' weights; none when every weight is 1. ``settable``: the source is a mechanism
    with a ``weight`` of its own (jNeuroML's)."""
    weights = np.asarray(weights, dtype=np.float64)
    if np.all(weights == 1.0):
        return {}
    if source.type == "IClamp":  # jNeuroML's pulseGenerator: i = weight * amplitude
        return {"amp": dict(source.params)["amp"] * weights}
    if source.type not in STIM_TYPES and settable:
        return {"weight": weights}
    raise FormatError(f"{comp.where}: inputs with weights other than 1 onto a {comp.type}, "
                      "which has no weight in neuroloom's form of it")
