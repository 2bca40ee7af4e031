"""The one piece of module-level state: the tutorial facade's current Session."""
from __future__ import annotations

_current = None


class NoModelError(RuntimeError, AttributeError):
    """There is no current model. Also an AttributeError, so that ``sim.cfg`` and
    ``sim.net`` before any model behave as missing attributes (``getattr(sim, 'cfg',
    None)``, ``hasattr``), as in NetPyNE."""


def current():
    if _current is None:
        raise NoModelError("no model yet: call sim.createSimulateAnalyze(netParams, "
                           "simConfig) or sim.create(netParams, simConfig) first")
    return _current


def replace(session) -> None:
    """Make ``session`` current, releasing the NEURON objects of the previous one."""
    global _current
    if _current is not None and _current is not session:
        _current.clear()
    _current = session


def peek():
    return _current
