"""Running under MPI: find the MPI library NEURON needs, and refuse to run when NEURON did
not join the MPI job.

NEURON loads MPI dynamically and does not find the pip `mpich` wheel's library by itself;
when it cannot load one it silently runs every process as an independent serial copy
(nhost 1, exit code 0): N copies of the whole model, each writing the same files. So, when
this process was started by an MPI launcher (mpiexec/mpirun/srun set the variables below),
neuroloom points NEURON at the wheel's library (MPI_LIB_NRN_PATH, unless you set it) before
NEURON starts, initialises MPI, and checks that NEURON sees as many processes as the
launcher started. ``nrniv -python -mpi script.py`` initialises MPI before Python starts,
so MPI_LIB_NRN_PATH (and, with more ranks than cores, YIELDING's variables) must already
be in its environment; without the library nrniv stops with exit code 1.
`python -c "from neuroloom.engine import mpi; print(mpi.wheel_library())"` prints it.
``nrniv -python script.py`` (no -mpi) needs neither: neuroloom starts MPI there. The same
check applies to both.
"""
from __future__ import annotations

import atexit
import ctypes
import os
import sys
import time
from importlib import metadata
from pathlib import Path

from ..errors import MPIError

#: (rank, size) variables of the launchers: MPICH/Hydra (PMI), Open MPI, Slurm
LAUNCHER_VARIABLES = (("PMI_RANK", "PMI_SIZE"), ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
                      ("SLURM_PROCID", "SLURM_NTASKS"))


def launched_size() -> int:
    """How many processes the MPI launcher started (1 when there is no launcher)."""
    for _, size in LAUNCHER_VARIABLES:
        if os.environ.get(size, "").isdigit():
            return int(os.environ[size])
    return 1


def launched_rank() -> int:
    """This process's rank as the MPI launcher numbered it (0 without a launcher): known
    before NEURON starts MPI."""
    for rank, _ in LAUNCHER_VARIABLES:
        if os.environ.get(rank, "").isdigit():
            return int(os.environ[rank])
    return 0


def wheel_library() -> Path | None:
    """The `mpich` wheel's libmpi.so.<n> (its libmpi.so is a linker script NEURON cannot
    load)."""
    try:
        dist = metadata.distribution("mpich")
    except Exception:  # noqa: BLE001 - no mpich wheel: the system's MPI may be found
        return None
    for file in dist.files or ():
        if Path(str(file)).name.startswith("libmpi.so."):
            path = Path(dist.locate_file(file)).resolve()
            if path.exists():
                return path
    return None


def prepare() -> bool:
    """Before NEURON is imported: whether this is an MPI job, with MPI_LIB_NRN_PATH set to
    the wheel's library when it is and you did not set it."""
    if launched_size() <= 1 and "-mpi" not in sys.argv:
        return False
    if not os.environ.get("MPI_LIB_NRN_PATH"):
        library = wheel_library()
        if library is not None:
            os.environ["MPI_LIB_NRN_PATH"] = str(library)
    if oversubscribed():
        os.environ.update({**YIELDING, **os.environ})
    return True


#: MPICH (ch4) settings read at MPI_Init: a rank waiting for the others sleeps 1 us after
#: 16 empty polls instead of spinning. With more ranks than cores a spinning rank holds the
#: core the rank it waits for needs: tutorial 5 on 3 ranks, 2 cores simulates in 0.7 s
#: instead of 106 s. Only then: MPICH's default elsewhere (no difference measured at 2
#: ranks on 2 cores; on a cluster's network the sleeps could add latency).
YIELDING = {"MPIR_CVAR_CH4_PROGRESS_THROTTLE": "1",
            "MPIR_CVAR_CH4_PROGRESS_THROTTLE_NO_PROGRESS_COUNT": "16"}


def oversubscribed() -> bool:
    """More ranks on this node than it has cores (Hydra's MPI_LOCALNRANKS; without it,
    all the launched ranks)."""
    local = os.environ.get("MPI_LOCALNRANKS", "")
    ranks = int(local) if local.isdigit() else launched_size()
    return ranks > (os.cpu_count() or 1)


def initialise(h) -> None:
    """Start MPI in NEURON (a no-op if it runs already) and check it joined the job."""
    h.nrnmpi_init()
    pc = h.ParallelContext()
    check(int(pc.nhost()))
    atexit.register(finish, pc)
    if pc.nhost() > 1:
        sys.excepthook = _aborting(sys.excepthook)
        note_exit_status()
        # from now on the ranks go through the model's steps together: NEURON starts at
        # sim.initialize (the mechanisms are checked there), so a rank leaving after it
        # leaves the others waiting in the next collective step
        collective_steps(True)


_NOT_CALLED = object()
_exit_status = _NOT_CALLED  # what sys.exit was called with, for the early-exit message


def note_exit_status() -> None:
    """Have sys.exit note its status (once per process)."""
    if getattr(sys.exit, "_neuroloom_notes", False):
        return
    sys.exit = _noting_status(sys.exit)
    sys.exit._neuroloom_notes = True


def _noting_status(exit_):
    """sys.exit, noting its status: SystemExit never reaches sys.excepthook, and the
    message of a rank that exits early (``_finish``) names it."""
    def exit(status=None):
        global _exit_status
        _exit_status = status
        exit_(status)
    return exit


def _aborting(hook):
    """An uncaught error on one rank ends the job: the other ranks would wait for it in the
    next collective step (or at the exit barrier) forever."""
    def excepthook(kind, value, traceback):
        hook(kind, value, traceback)
        sys.stderr.flush()
        # Hydra drops output it has not forwarded yet when a rank aborts: without a pause
        # an error every rank raises at once (a bad spec) reached nobody
        time.sleep(0.5)
        from neuron import nrn_dll_sym  # NEURON is imported by the engine only when used

        nrn_dll_sym("nrnmpi_abort")(1)
    return excepthook


#: whether this rank is between the collective steps of a model (created, its run not
#: gathered yet): the other ranks may then be waiting for it in one of them
_steps_pending = False
#: how long (s) a rank that exits between collective steps waits for the others at the
#: exit before it ends the job: long enough for ranks that all stop there (a script that
#: only builds), short enough that a job whose other ranks wait in a collective step for
#: the one that left ends instead of hanging
EARLY_EXIT_WAIT = 10.0


def collective_steps(pending: bool) -> None:
    """Say whether this rank is between collective steps (see ``_finish``): True when a
    model is instantiated or run on several ranks, False once its run is gathered or its
    results are being saved (then only rank 0 works: the others wait for it)."""
    global _steps_pending
    _steps_pending = pending


_finished = False


def finish(pc) -> None:
    """At exit, once: see ``_finish``."""
    global _finished
    if not _finished:
        _finished = True
        _finish(pc)


def _finish(pc) -> None:
    """At exit: wait for every rank (rank 0 may still save and plot), then finalise MPI.
    NEURON under `python` never calls MPI_Finalize, and Hydra SIGKILLs the ranks still
    running when one exits unfinalised (exit code 9, seen on 3 ranks on 2 cores).

    A rank that exits between collective steps (``sys.exit`` after sim.create, before
    sim.simulate) bypasses sys.excepthook; the others wait for it in the next collective
    step, and a blocking barrier here would wait for them: the job would hang. So such a
    rank waits for the others with a non-blocking barrier for EARLY_EXIT_WAIT seconds and
    then aborts the job, naming itself. A rank that exits after its run was gathered waits
    as long as rank 0 saves and plots."""
    from neuron import nrn_dll_sym  # NEURON is imported by the engine only when used

    if not nrn_dll_sym("nrnmpi_use", ctypes.c_int).value:
        return  # the script ended MPI itself (h.quit())
    finalise = "mpi4py.MPI" not in sys.modules  # mpi4py finalises at exit after its users
    if not (_steps_pending and pc.nhost() > 1 and _others_reach_exit(pc)):
        pc.barrier()
    if finalise:
        nrn_dll_sym("nrnmpi_terminate")()


def _others_reach_exit(pc) -> bool:
    """Wait up to EARLY_EXIT_WAIT s for every rank at a non-blocking barrier; True when
    they came. Else end the job with a message naming this rank (never returns)."""
    try:
        from mpi4py import MPI  # optional here: MPI's non-blocking barrier
    except ImportError:
        return False
    request, start = MPI.COMM_WORLD.Ibarrier(), time.monotonic()
    while not request.Test():
        if time.monotonic() - start > EARLY_EXIT_WAIT:
            _abort_early_exit(int(pc.id()))
        time.sleep(0.01)
    return True


def _abort_early_exit(rank: int) -> None:
    from neuron import nrn_dll_sym  # NEURON is imported by the engine only when used

    how = "its script ended" if _exit_status is _NOT_CALLED else f"SystemExit {_exit_status}"
    sys.stderr.write(f"neuroloom: rank {rank} exited ({how}) while the other ranks were "
                     "still running the model (they wait for it in the next collective "
                     "step: sim.simulate, sim.gatherData); aborting the job\n")
    sys.stderr.flush()
    time.sleep(0.5)  # Hydra drops output it has not forwarded yet when a rank aborts
    nrn_dll_sym("nrnmpi_abort")(1)


def check(nhost: int) -> None:
    size = launched_size()
    if size != nhost:
        library = os.environ.get("MPI_LIB_NRN_PATH", "(not set)")
        raise MPIError(
            f"the MPI launcher started {size} processes but NEURON runs {nhost}: NEURON could "
            f"not load the MPI library (MPI_LIB_NRN_PATH={library}) and would run {size} "
            "independent copies of the model. Install the `mpich` wheel in this environment "
            "or point MPI_LIB_NRN_PATH at your MPI's libmpi.so")
