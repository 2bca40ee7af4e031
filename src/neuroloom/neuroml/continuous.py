"""NeuroML2's continuous connections as the reader keeps them.

A ``<continuousProjection>`` couples two cells without events: each of its connections
names a component on the presynaptic cell (``preComponent``, often a ``silentSynapse``) and
one on the postsynaptic cell (``postComponent``: ``gradedSynapse``,
``linearGradedSynapse``...), and each reads the other cell's membrane potential (in
jNeuroML's NEURON export: a POINTER ``vpeer`` set to the peer's v). Connections come as
``continuousConnection`` (cells by index), ``continuousConnectionInstance`` (cells by
reference, ``../pop/i/cell``) and ``continuousConnectionInstanceW`` (with a weight, which
jNeuroML sets on both components). The reader keeps them as a projection of kind
``continuousProjection`` whose columns add the two component ids per connection (in
libNeuroML's HDF5 layout, one pair for the whole projection).
"""
from __future__ import annotations

from ..errors import FormatError

#: the connection elements of a continuousProjection
CONNECTIONS = ("continuousConnection", "continuousConnectionInstance",
               "continuousConnectionInstanceW")
#: what they have besides the cells and segments of every connection
ATTRIBUTES = frozenset({"preComponent", "postComponent"})
#: columns of a continuous projection besides those of every projection (strings)
COLUMNS = ("pre_component", "post_component")


def read_components(attrs, columns, where) -> None:
    """Append a continuous connection's two components to the projection's columns."""
    missing = [name for name in sorted(ATTRIBUTES) if not attrs.get(name)]
    if missing:
        raise FormatError(f"{where}: missing attribute(s) {', '.join(missing)}")
    columns["pre_component"].append(attrs["preComponent"])
    columns["post_component"].append(attrs["postComponent"])


def hdf5_components(pre: str, post: str, n: int) -> dict:
    """The component columns of a continuous projection in libNeuroML's HDF5 layout, which
    keeps one preComponent and one postComponent per projection (group attributes)."""
    return {"pre_component": [pre] * n, "post_component": [post] * n}
