"""Importing NEURON: headless, with the standard run system and, in an MPI job, MPI
(engine/mpi.py), once per process."""
from __future__ import annotations

import atexit
import importlib.util
import os

from . import mpi

_h = None


def neuron_h():
    """NEURON's ``h``, loaded headless with stdrun.hoc (``h.cvode`` needs it)."""
    global _h
    if _h is None:
        # without a display every `from neuron import h` prints warnings; -nogui silences
        # them and must be set before neuron is imported for the first time
        os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
        parallel = mpi.prepare()  # before NEURON starts: it reads MPI_LIB_NRN_PATH
        from neuron import h  # here and only here NEURON starts (see above)

        if parallel:
            mpi.initialise(h)
        h.load_file("stdrun.hoc")
        _h = h
    return _h


def installed() -> bool:
    """Whether NEURON can be imported here (found, not started)."""
    return importlib.util.find_spec("neuron") is not None


def parallel_context():
    """The process's ParallelContext (NEURON has one per process)."""
    h = neuron_h()
    return h.ParallelContext()


def _join_mpi_at_exit() -> None:
    """Under an MPI launcher, a process that ends without having started NEURON (a
    ``sys.exit`` before ``sim.create``) still joins MPI at its exit: the other ranks wait
    for it in MPI's start-up, and it then ends the job if they go on into the model's
    collective steps without it (engine/mpi.py ``_finish``)."""
    if _h is not None:
        return
    try:
        h = neuron_h()
    except Exception:  # noqa: BLE001 - no MPI to join: nothing waits for this process
        return
    mpi.collective_steps(True)
    mpi.finish(h.ParallelContext())


if mpi.launched_size() > 1:
    atexit.register(_join_mpi_at_exit)
    mpi.note_exit_status()
