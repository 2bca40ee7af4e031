"""Shared test helpers."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def shared(*parts) -> Path:
    """A path in the shared reference data: ../shared beside the project, or the
    machine's /work/shared (a clean clone may live elsewhere)."""
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        if base.is_dir():
            return base.joinpath(*parts)
    raise FileNotFoundError("the shared reference data (../shared) is not on this machine")


def tutorial_specs(name: str):
    """(netParams, simConfig) of an example script, without running it: the script stops
    at its call to sim.createSimulateAnalyze (or sim.initialize)."""
    from neuroloom.sim.sources import specs_of_script

    return specs_of_script(EXAMPLES / f"{name}.py")


def jneuroml_neuron(lems: Path) -> np.ndarray:
    """(gid, t ms) rows of jNeuroML's NEURON export run of our LEMS file."""
    (lems.parent / "results").mkdir(exist_ok=True)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "NEURON_HOME": str(bin_dir.parent),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run([str(bin_dir / "pynml"), lems.name, "-neuron", "-run", "-nogui"],
                         cwd=lems.parent, env=env, capture_output=True, text=True, timeout=600)
    name = f"{lems.stem[len('LEMS_'):]}.spikes"
    # beside the LEMS file (neuroloom's exports), else in results/ (the test files')
    spikes = lems.parent / name if (lems.parent / name).exists() else \
        lems.parent / "results" / name
    assert spikes.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    rows = np.loadtxt(spikes, ndmin=2)
    return np.column_stack([rows[:, 0], rows[:, 1] * 1000.0])  # seconds -> ms


def bench_module(name: str):
    """bench/<name>.py (a harness) as a module, loaded once per process."""
    import importlib.util

    key = f"bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "bench" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module  # dataclasses resolve their module through sys.modules
        spec.loader.exec_module(module)
    return sys.modules[key]


def neuroml_reference_as_run(reference: dict) -> dict:
    """Stored jNeuroML figures (bench/neuroml_conformance.py) dressed as a neuroloom record:
    traces at the stored samples, v in mV."""
    import copy

    traces = {q: {"t": tr["t_ms"], "y": [v * (1000.0 if q.endswith("/v") else 1.0)
                                         for v in tr["values"]]}
              for q, tr in reference["traces"].items()}
    return {"ok": True, "spikes": copy.deepcopy(reference["spikes"]["times"]),
            "traces": traces}


#: what `pynml -validate` prints for a document it accepts
PYNML_VALID = "Validated 1 files: All valid and no warnings"


def corpus_lems(name: str) -> Path:
    """The NeuroML corpus's LEMS example LEMS_NML2_<name>.xml."""
    return shared("neuroml-examples", "LEMSexamples", f"LEMS_NML2_{name}.xml")


def pynml_validate(path: Path) -> str:
    """What `pynml -validate` prints for a NeuroML document (run in its folder)."""
    pynml = str(Path(sys.executable).parent / "pynml")
    result = subprocess.run([pynml, "-validate", path.name], capture_output=True, text=True,
                            timeout=300, cwd=path.parent)
    return result.stdout + result.stderr


def run_neuroml_file(path, duration=None, dt=None):
    """(spike times, gids, model) of a NeuroML or LEMS file run in neuroloom: as its LEMS
    file says, or for ``duration`` ms at ``dt``; nothing saved or plotted."""
    from neuroloom import sim
    from neuroloom.importers import neuroml
    from neuroloom.sim import state

    model = neuroml.load(path)
    cfg = model.sim_config
    if duration is not None:
        cfg.duration, cfg.dt = duration, dt or cfg.dt
    cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = {}, False, False
    try:
        sim.importNeuroML2(str(path), cfg, analyze=False)
        return (np.array(sim.allSimData["spkt"]), np.array(sim.allSimData["spkid"]), model)
    finally:
        state.peek().clear()


def built_network(name):
    """(network, simConfig) of an example, built without NEURON."""
    from neuroloom.builder import network_from_specs as build_network

    net, cfg = tutorial_specs(name)
    return build_network(net, cfg), cfg


#: BMTK 1.2.0's bionet on a simulation config, in a child process (BMTK keeps NEURON state).
#: argv: the config, then optionally a folder of mod files to load first (BMTK feeds
#: virtual nodes through a VecStim it never compiles itself).
_RUN_BMTK = """
import sys
import pandas
pandas.set_option('future.infer_string', False)  # BMTK 1.2.0 with pandas 3 (see README)
if len(sys.argv) > 2:
    from neuroloom.engine.modfiles import load
    load(sys.argv[2])
from bmtk.simulator import bionet
conf = bionet.Config.from_json(sys.argv[1], validate=True)
conf.build_env()
network = bionet.BioNetwork.from_config(conf)
bionet.BioSimulator.from_config(conf, network=network).run()
"""


def run_bmtk(folder: Path, config: str = "simulation_config.json", mechanisms=None,
             timeout: float = 900) -> None:
    """Run BMTK's bionet on ``folder/config`` (outputs where the config says); fails the
    test with BMTK's own error when it does not run."""
    argv = [sys.executable, "-c", _RUN_BMTK, config] + ([str(mechanisms)] if mechanisms else [])
    ran = subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=timeout,
                         check=False)
    assert ran.returncode == 0, ran.stderr[-3000:]


def sonata_spikes(path: Path, populations) -> list:
    """Sorted (population, node id, time) rows of a SONATA spike file; a population that
    never fired has no group and no rows."""
    rows = []
    with h5py.File(path, "r") as f:
        for name in populations:
            if name not in f["spikes"]:
                continue
            group = f["spikes"][name]
            rows += zip([name] * len(group["node_ids"]), group["node_ids"][()].tolist(),
                        group["timestamps"][()].tolist())
    return sorted(rows)


def writable_copy(source: Path, target: Path) -> Path:
    """A writable copy of a corpus folder (the corpus is read-only), without its outputs."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("output*"),
                    copy_function=shutil.copyfile)
    for folder in [target, *target.rglob("*")]:
        if folder.is_dir():
            folder.chmod(0o755)
    return target


def run_imported_sonata(model) -> list:
    """Run a circuit read by importers.sonata.load as sim.importSONATA does (its own
    session, outputs where its config says); the files written."""
    from neuroloom.sim import state
    from neuroloom.sim.session import Session
    from neuroloom.specs import NetParams

    session = Session(NetParams(), model.sim_config, network=model.network, sonata=model,
                      echo=None)
    state.replace(session)
    try:
        session.create()
        session.run_sim()
        session.gather_data()
        return session.save_data()
    finally:
        session.clear()
