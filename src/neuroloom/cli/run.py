"""`neuroloom run` and `neuroloom batch`: a script, serially or under MPI; `run` also runs
a SONATA circuit.

`-n N` starts the script under the mpiexec installed beside this Python (the `mpich`
wheel's), so the MPI library NEURON loads is the one the launcher speaks to.

A SONATA circuit (its config .json, or a folder holding simulation_config.json, config.json
or circuit_config.json) is imported, simulated and its outputs written where the simulation
config says: the spike file (simulated populations only, BMTK's sort order and attributes),
membrane reports, extracellular (ecp) reports. A .json is never executed.

A NeuroML2 file runs as jNeuroML runs it (`pynml FILE -neuron -run`): a LEMS simulation
(.xml) builds the network its Simulation targets, runs for its length and step, and writes
its OutputFiles and EventOutputFiles where it says (folders created), in jNeuroML's format
and SI units (results/lems_outputs.py). A NeuroML2 document (.nml, or NeuroML HDF5 .h5)
has no simulation: its network runs for NEURON's defaults (1000 ms, dt 0.025 ms, the
network's temperature or 6.3 degC) and the spikes of every cell are written beside it, to
<name>.spikes (ID_TIME: gid, time in s; what neuroloom's exported LEMS file records).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path


from .. import sim
from ..errors import FormatError
from ..neuroml.conventions import MECHANISM_READINGS
from ..results import lems_outputs
from ..sim import state

SCRIPT_SUFFIX = ".py"
# a circuit folder's config, in BMTK's order: run_bionet.py runs config.json (naming
# circuit and simulation); a simulation config runs on its own when it names the network
FOLDER_CONFIGS = ("config.json", "simulation_config.json", "circuit_config.json")
SONATA_SUFFIX = ".json"
LEMS_SUFFIX = ".xml"
NEUROML_SUFFIXES = (LEMS_SUFFIX, ".nml", ".h5")
# the command line again, in the Python mpiexec starts (a SONATA run has no script)
RUN_AGAIN = "import sys; from neuroloom.cli import main; sys.exit(main(sys.argv[1:]))"


def add_commands(commands, parents) -> None:
    for name, text in (("run", "run a model script, serially or under MPI (the tutorial's "
                               "runsim), a SONATA circuit (its config .json or folder), or a "
                               "NeuroML2 LEMS file or document as jNeuroML runs it"),
                       ("batch", "run a batch script (tutorial 8); -n N for an MPI pool")):
        command = commands.add_parser(name, help=text, description=text, parents=parents)
        command.add_argument("-n", "--processes", type=int, default=1,
                             help="number of MPI processes (default 1: serial)")
        if name == "run":
            command.add_argument("--mod", action="append", default=[], metavar="DIR",
                                 help="an NMODL folder a SONATA circuit needs besides its "
                                      "mechanisms_dir (repeatable)")
            command.add_argument("--signs", choices=("sonata", "bmtk"), default="sonata",
                                 help="a SONATA circuit's synapse signs into point cells: "
                                      "as SONATA means (default) or as BMTK 1.2.0 reads "
                                      "them (see sim.importSONATA)")
            command.add_argument("--mechanisms", choices=MECHANISM_READINGS, default="neuron",
                                 help="a NeuroML2 file's channels and synapses that are "
                                      "exactly NEURON's hh, pas, ExpSyn, Exp2Syn: as those "
                                      "(default) or as jNeuroML's NEURON export runs them "
                                      "(see sim.importNeuroML2)")
        command.add_argument("script", help="the script (.py)" + (
            ", or a SONATA circuit's config (.json) or folder, or a NeuroML2 LEMS file (.xml) "
            "or document (.nml, .h5)" if name == "run" else ""))
        command.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
        command.set_defaults(handler=run)


def run(options, parser) -> int:
    target = Path(options.script)
    if options.processes < 1:
        parser.error("-n must be at least 1")
    if options.command == "run" and (target.is_dir()
                                     or target.suffix.lower() == SONATA_SUFFIX):
        return _sonata(options, parser, target)
    if options.command == "run" and target.suffix.lower() in NEUROML_SUFFIXES:
        return _neuroml(options, parser, target)
    if not target.is_file():
        parser.error(f"no script {target}")
    if target.suffix.lower() != SCRIPT_SUFFIX:
        parser.error(f"{target} is not a Python script (.py)"
                     + (" nor a SONATA circuit (.json or folder) nor a NeuroML2 file "
                        "(.xml, .nml, .h5)"
                        if options.command == "run" else ""))
    _exec([sys.executable, str(target), *options.args], options.processes, parser)
    return 0  # not reached


def _exec(command, processes, parser) -> None:
    if processes > 1:
        launcher = mpiexec()
        if launcher is None:
            parser.error("no mpiexec found: install the `mpich` wheel in this environment")
        command = [launcher, "-n", str(processes), *command]
    sys.stdout.flush()
    os.execv(command[0], command)  # the command's exit code is ours


def _sonata(options, parser, target: Path) -> int:
    if options.args:
        parser.error(f"a SONATA circuit takes no arguments (got {' '.join(options.args)})")
    if not target.exists():
        parser.error(f"no SONATA circuit {target}")
    if options.processes > 1:
        mods = [arg for folder in options.mod for arg in ("--mod", folder)]
        _exec([sys.executable, "-c", RUN_AGAIN, "run", *mods, "--signs", options.signs,
               str(target)], options.processes, parser)
    try:
        for path in run_sonata(target, options.mod, options.signs):
            print(path)
    finally:
        sim.clearAll()  # the command's model: nothing of it stays in NEURON
    return 0


def _neuroml(options, parser, target: Path) -> int:
    if options.args:
        parser.error(f"a NeuroML2 file takes no arguments (got {' '.join(options.args)})")
    if not target.is_file():
        parser.error(f"no NeuroML2 file {target}")
    if options.processes > 1:
        mods = [arg for folder in options.mod for arg in ("--mod", folder)]
        _exec([sys.executable, "-c", RUN_AGAIN, "run", *mods, "--mechanisms",
               options.mechanisms, str(target)], options.processes, parser)
    try:
        for path in run_neuroml(target, options.mod, options.mechanisms):
            print(path)
    finally:
        sim.clearAll()  # the command's model: nothing of it stays in NEURON
    return 0


def run_neuroml(path, mod_folders=(), mechanisms: str = "neuron") -> list[Path]:
    """Run a LEMS simulation or NeuroML2 document as jNeuroML's NEURON run does and write
    its outputs.

    Parameters
    ----------
    path : str or pathlib.Path
        A LEMS file (its Simulation's target network runs for its length and step; its
        OutputFiles and EventOutputFiles are written where it says, relative to its folder)
        or a NeuroML2 document (.nml, .h5: its network runs 1000 ms at dt 0.025 ms and
        every cell's spikes go to ``<name>.spikes`` beside it, gid and time in s).
    mod_folders : sequence of paths, optional
        NMODL folders of channels you supply as mechanisms.
    mechanisms : {'neuron', 'jneuroml'}
        How components that are exactly NEURON built-ins run (``sim.importNeuroML2``).

    Returns
    -------
    list of pathlib.Path
        The files written (on MPI rank 0; other ranks write none).

    Raises
    ------
    FormatError
        What the file gets wrong, naming the file, line and element; an OutputFile column
        neuroloom does not record (importers/neuroml_outputs.py), before the run.
    """
    path = Path(path)
    model = sim.importNeuroML2(str(path), simulate=False, analyze=False,
                               modFolders=mod_folders, mechanisms=mechanisms)
    if model.outputs.refused:
        raise FormatError("the LEMS simulation asks for outputs neuroloom does not record:\n"
                          + "\n".join(model.outputs.refused))
    session = state.current()
    session.simulate()
    if not session.is_root:
        return []
    outputs = model.outputs
    if not outputs and path.suffix.lower() != LEMS_SUFFIX:
        name = path.name.split(".")[0]
        gids = range(len(model.network.cells))
        outputs = lems_outputs.LemsOutputs(events=(lems_outputs.EventFile(
            "spikes", path.resolve().parent / f"{name}.spikes", "ID_TIME",
            tuple((str(g), g) for g in gids), str(path)),))
    return lems_outputs.write(outputs, session.recordings)


def run_sonata(path, mod_folders=(), signs: str = "sonata") -> list[Path]:
    """Run a SONATA circuit as its simulation config says and write its outputs there.

    Parameters
    ----------
    path : str or pathlib.Path
        The simulation config, the top-level config naming circuit and simulation, or a
        folder holding one.
    mod_folders : sequence of paths, optional
        NMODL folders the circuit needs besides its mechanisms_dir.
    signs : {'sonata', 'bmtk'}
        How synapse signs into point cells are read (``sim.importSONATA``).

    Returns
    -------
    list of pathlib.Path
        The files written (on MPI rank 0; other ranks write none).

    Raises
    ------
    FormatError
        What the circuit or config gets wrong, naming the file and config key.
    """
    config = sonata_config(path)
    model = sim.importSONATA(config, modFolders=mod_folders, signs=signs)
    if model.config.simulation is None:
        raise FormatError(f"{config}: names no simulation config (run, output): nothing to "
                          "run")
    sim.simulate()
    session = state.current()
    paths = list(session.save_data())  # the spike file and reports as the config says
    return paths if session.is_root else []


def sonata_config(path) -> Path:
    """The config to run for a SONATA path: the path itself, or a folder's config.json
    (BMTK's top-level config), else its simulation_config.json when that names the
    network, else its circuit_config.json, else its only config.<name>.json."""
    path = Path(path)
    if not path.is_dir():
        return path
    for name in FOLDER_CONFIGS:
        candidate = path / name
        if not candidate.is_file():
            continue
        if name == "simulation_config.json":
            try:
                if "network" not in json.loads(candidate.read_text()):
                    continue
            except ValueError:
                pass  # the importer says what is wrong with it
        return candidate
    named = sorted(path.glob("config.*.json"))  # build_env_bionet's config_file='config.X.json'
    if len(named) == 1:
        return named[0]
    raise FormatError(f"{path}: holds no SONATA config ({', '.join(FOLDER_CONFIGS)}, or a "
                      "simulation_config.json naming its network)")


def mpiexec() -> str | None:
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")
