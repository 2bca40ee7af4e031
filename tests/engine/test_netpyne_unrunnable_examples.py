"""The examples NetPyNE 1.1.1 cannot run on NEURON 9 (issue 16: LFPrecording,
dipoleRecording, netClamp, NeuroMLImport) run on neuroloom with only their imports
changed, and what they compute agrees with a computation made here, independently of
neuroloom's own code for it:

- LFP: the line-source potential (Holt & Koch; NetPyNE's formula, sigma = 0.3 S/m) of
  every segment's membrane current, the currents recorded here from NEURON during the
  example's run, the segments laid out from the cell rule's 3D points (the JSON file the
  example loads) moved to the cell's position as NetPyNE moves them (x, -y, z);
- current dipole: the sum over segments of membrane current times segment midpoint;
- netClamp: the synaptic conductance the clamped cell receives is the sum of Exp2Syn
  kernels at the saved spike times (model_output.json) plus each connection's delay, with
  the connection's weight; the clamped cell fires the spikes the original network run
  (NetPyNE's, saved in the same file) gave it;
- NeuroMLImport: cells, positions, connections and inputs as libNeuroML reads the file.

Each example is copied to a temporary folder, its netpyne import lines made neuroloom's
(the conformance harness's rewriting), its mod folder compiled (in neuroloom's cache, then
placed as nrnivmodl leaves it), and run in its own process by this file's ``--drive`` mode,
which records NEURON's membrane currents and synaptic conductances as the run starts.
"""
from __future__ import annotations

import importlib.util
import json
import math
import os
import pickle
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SIGMA = 0.3  # S/m: the extracellular conductivity NetPyNE (and neuroloom) use


def _harness():
    """bench/netpyne_examples.py, loaded as tests/acceptance/test_netpyne_examples.py
    loads it (one module object per process)."""
    name = "netpyne_examples_harness"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" /
                                                      "netpyne_examples.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses resolve their module through sys.modules
        spec.loader.exec_module(module)
    return sys.modules[name]


# -- the driver: runs in the example's process ---------------------------------------------
def _plain(value):
    """Spec dicts, numpy arrays and NEURON vectors as plain picklable data."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "as_numpy"):
        return np.array(value.as_numpy())
    if isinstance(value, np.ndarray):
        return np.array(value)
    return value


def _record_membranes(h, sim, step):
    """Every segment's membrane current (nA) of every compartmental cell, sampled every
    ``step`` ms, and each section's 3D points as NEURON holds them."""
    h.cvode.use_fast_imem(1)
    cells = []
    for cell in sim.net.cells:
        sections = []
        for name, sec in cell.secs.items():
            hsec = sec["hObj"]
            vectors = []
            for seg in hsec:
                vector = h.Vector()
                vector.record(seg._ref_i_membrane_, step)
                vectors.append(vector)
            points = [[hsec.x3d(i), hsec.y3d(i), hsec.z3d(i), hsec.diam3d(i)]
                      for i in range(int(hsec.n3d()))]
            sections.append({"name": name, "nseg": int(hsec.nseg), "points": points,
                             "currents": vectors})
        if sections:
            cells.append({"gid": int(cell.gid), "tags": dict(cell.tags),
                          "sections": sections})
    t = h.Vector()
    t.record(h._ref_t, step)
    return {"cells": cells, "t_membrane": t}


def _record_synapses(h):
    """Every Exp2Syn's conductance (uS) each time step, and every NetCon onto a target:
    its source's firing times, delay and weight."""
    synapses = {}
    for syn in h.List("Exp2Syn"):
        g = h.Vector()
        g.record(syn._ref_g)
        synapses[syn.hname()] = {"tau1": syn.tau1, "tau2": syn.tau2, "e": syn.e, "g": g}
    netcons = []
    for nc in h.List("NetCon"):
        target = nc.syn()
        if target is None:
            continue
        fired = h.Vector()
        nc.record(fired)
        netcons.append({"target": target.hname(), "delay": nc.delay,
                        "weight": nc.weight[0], "fired": fired})
    t = h.Vector()
    t.record(h._ref_t)
    return {"synapses": synapses, "netcons": netcons, "t_synapses": t}


def _network(sim) -> list:
    """Each cell's tags, incoming connections and stimuli, through the tutorial's
    ``sim.net.cells`` (NEURON objects left out)."""
    keep = ("preGid", "sec", "loc", "synMech", "weight", "delay", "label", "source", "type")
    return [{"gid": int(cell.gid), "tags": dict(cell.tags),
             "conns": [{k: v for k, v in conn.items() if k in keep} for conn in cell.conns],
             "stims": [{**{k: v for k, v in stim.items() if k in keep},
                        **_netstim(stim.get("hObj"))} for stim in cell.stims]}
            for cell in sim.net.cells]


def _netstim(source) -> dict:
    """A NetStim's parameters as NEURON holds them."""
    if source is None or not source.hname().startswith("NetStim"):
        return {}
    return {"netstim": {k: getattr(source, k) for k in ("interval", "number", "start",
                                                         "noise")}}


def drive(script: str, out: str, what: str) -> None:
    """Run ``script`` as ``python script`` would; as its run starts, record what ``what``
    names ('membranes', 'synapses'); then write that, simData and the script's specs."""
    from neuron import h  # started by neuroloom (headless) before the run

    from neuroloom import sim
    from neuroloom.sim.session import Session

    recorded = {}
    run_sim = Session.run_sim

    def recording_run_sim(self, *args, **kwargs):
        if "membranes" in what:
            recorded.update(_record_membranes(h, sim, float(self.sim_config.recordStep)))
        if "synapses" in what:
            recorded.update(_record_synapses(h))
        return run_sim(self, *args, **kwargs)

    Session.run_sim = recording_run_sim
    sys.argv = [script]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    scope = runpy.run_path(script, run_name="__main__")
    net_params = scope.get("netParams")
    result = {
        **_plain(recorded),
        "simData": _plain(dict(sim.allSimData)),
        "cfg": {k: _plain(getattr(sim.cfg, k)) for k in (
            "duration", "dt", "recordStep", "recordLFP", "filename")},
        "netParams": None if net_params is None else {
            k: _plain(dict(getattr(net_params, k))) for k in (
                "popParams", "connParams", "synMechParams")},
        "pops": {label: [int(g) for g in pop.cellGids] for label, pop in sim.net.pops.items()},
        "network": _plain(_network(sim)) if "network" in what else None,
    }
    with open(out, "wb") as fh:
        pickle.dump(result, fh)


# -- preparing and running an example -------------------------------------------------------
def prepare(example: str, tmp_path: Path) -> Path:
    """A copy of the example with its imports made neuroloom's and its mod folder compiled
    (the compiled library placed in the copy's x86_64/, as nrnivmodl leaves it)."""
    from neuroloom.engine import modfiles

    harness = _harness()
    folder = tmp_path / example
    shutil.copytree(harness.corpus() / example, folder)
    for py in folder.rglob("*.py"):
        text = py.read_text(errors="surrogateescape")
        py.write_text(harness.neuroloom_imports(text), errors="surrogateescape")
    mods = harness.mod_folder(folder)
    if mods is not None and example != "NeuroMLImport":  # its mechanisms come from jNeuroML
        compiled = modfiles.compiled(folder / mods)
        (folder / "x86_64").symlink_to(compiled / "x86_64")
    return folder


def run_example(folder: Path, script: str, what: str = "") -> dict:
    """Run the example's script in its own process (this file's --drive mode)."""
    out = folder / f"driven_{script.replace('/', '_')}.pkl"
    python = Path(sys.executable)
    done = subprocess.run([str(python), __file__, "--drive", script, str(out), what],
                          cwd=folder, env=_harness().side_env(python), capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    with open(out, "rb") as fh:
        return pickle.load(fh)



@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """example name -> its prepared copy (made once per module)."""
    made = {}

    def get(name: str) -> Path:
        if name not in made:
            made[name] = prepare(name, tmp_path_factory.mktemp(name))
        return made[name]
    return get


# -- the independent computations -----------------------------------------------------------
def segment_ends(points, nseg: int):
    """(start, end) points of a section's ``nseg`` segments: equal lengths along the path
    through its 3D points (as NEURON divides a section)."""
    points = np.asarray(points, dtype=float)[:, :3]
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    at = np.linspace(0.0, arc[-1], nseg + 1)
    ends = np.column_stack([np.interp(at, arc, points[:, k]) for k in range(3)])
    return ends[:-1], ends[1:]


def cell_segments(cell: dict, rule: dict):
    """(start, end, currents) of a recorded cell's segments, laid out from the cell rule's
    3D points moved to the cell's position as NetPyNE moves them (x, -y, z: y is depth,
    NEURON's y points up). Also the largest distance (um) between those points and the
    ones NEURON holds."""
    tags = cell["tags"]
    offset = np.array([tags["x"], -tags["y"], tags["z"]])
    starts, ends, currents, deviation = [], [], [], 0.0
    for sec in cell["sections"]:
        geom = rule["secs"][sec["name"]]["geom"]
        points = np.asarray(geom["pt3d"], dtype=float)[:, :3] + offset
        deviation = max(deviation, float(np.abs(points - np.asarray(sec["points"])[:, :3]).max()))
        assert sec["nseg"] == geom.get("nseg", 1), sec["name"]
        start, end = segment_ends(points, sec["nseg"])
        starts.append(start)
        ends.append(end)
        currents.extend(sec["currents"])
    return np.vstack(starts), np.vstack(ends), np.vstack(currents), deviation


def line_source(start, end, electrodes) -> np.ndarray:
    """Electrodes x segments transfer resistances (MOhm): the potential (mV) at each
    electrode of 1 nA spread evenly along each segment, in an infinite ohmic medium of
    conductivity SIGMA: ln((u + sqrt(u^2 + d^2)) / (l + sqrt(l^2 + d^2))) / (4 pi sigma L),
    u and l the distances along the segment's axis to its far and near ends, d the distance
    from the axis."""
    axis = end - start
    length = np.linalg.norm(axis, axis=1)
    unit = axis / length[:, None]
    middle = (start + end) / 2
    out = np.empty((len(electrodes), len(start)))
    for j, electrode in enumerate(electrodes):
        rel = electrode - middle
        along = np.abs(np.einsum("ij,ij->i", rel, unit))
        across2 = np.maximum(np.einsum("ij,ij->i", rel, rel) - along ** 2, 0.0)
        far, near = along + length / 2, along - length / 2
        out[j] = np.log((far + np.sqrt(far ** 2 + across2))
                        / (near + np.sqrt(near ** 2 + across2))) / length
    return out / (4 * math.pi * SIGMA)  # 1 / (S/m * um) = 1e6 Ohm: MOhm, and nA * MOhm = mV


def signals(run: dict, rule: dict, electrodes=None):
    """Per cell (gid -> (pop, LFP samples x electrodes or None, dipole samples x 3)),
    computed here from the recorded currents, and the largest geometry deviation."""
    out, deviation = {}, 0.0
    if electrodes is not None:
        electrodes = np.asarray(electrodes, dtype=float) * [1.0, -1.0, 1.0]  # depth -> y
    for cell in run["cells"]:
        start, end, currents, off = cell_segments(cell, rule)
        deviation = max(deviation, off)
        lfp = None if electrodes is None else (line_source(start, end, electrodes)
                                                @ currents).T
        dipole = currents.T @ ((start + end) / 2)  # nA um
        out[cell["gid"]] = (cell["tags"]["pop"], lfp, dipole)
    return out, deviation


def relative_error(got, expected) -> float:
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    assert got.shape == expected.shape
    return float(np.abs(got - expected).max() / np.abs(expected).max())


def load_rule(folder: Path, name: str) -> dict:
    return json.loads((folder / "cells" / name).read_text())


# 3D points are float32 in NEURON: the rule's points, moved to the cell, differ from NEURON's
# by up to ~1e-4 um, which changes the signals by ~1e-6 of their range.
GEOMETRY_UM = 1e-3
SIGNAL_REL = 1e-5


# -- LFPrecording ------------------------------------------------------------------------------
@pytest.mark.slow
def test_lfprecording_cell_lfp_is_the_line_source_sum_of_its_membrane_currents(example):
    folder = example("LFPrecording")
    run = run_example(folder, "src/cell/init.py", "membranes")
    assert [len(run["cells"]), run["pops"]] == [1, {"E": [0]}]
    assert sum(s["nseg"] for s in run["cells"][0]["sections"]) == 706  # 174 sections
    mine, deviation = signals(run, load_rule(folder, "PT5B_full_cellParams.json"),
                              run["cfg"]["recordLFP"])
    assert deviation < GEOMETRY_UM
    lfp = np.asarray(run["simData"]["LFP"])
    assert lfp.shape == (50, 10)  # 50 ms sampled every 1 ms, 10 electrodes
    assert np.abs(lfp).max() > 1e-3  # mV: the cell fired (one spike at the input)
    assert len(run["simData"]["spkt"]) == 1
    assert relative_error(lfp, mine[0][1]) < SIGNAL_REL
    for name in ("cell_lfp_data.json", "cell_lfp_LFPTimeSeries.png",
                 "cell_lfp_LFPLocations.png"):
        assert (folder / name).is_file(), name


@pytest.mark.slow
def test_lfprecording_net_lfp_and_population_lfps_after_saving_in_nodes(example):
    """src/net/init.py saves each rank's data in node files and merges them
    (saveDataInNodes, gatherDataFromFiles): the merged LFP and saveLFPPops are the
    line-source sums of all 120 cells and of populations I2 and E4."""
    folder = example("LFPrecording")
    run = run_example(folder, "src/net/init.py", "membranes")
    assert len(run["cells"]) == 120
    mine, deviation = signals(run, load_rule(folder, "IT2_reduced_cellParams.json"),
                              run["cfg"]["recordLFP"])
    assert deviation < GEOMETRY_UM
    data = run["simData"]
    assert np.asarray(data["LFP"]).shape == (1000, 4)
    assert relative_error(data["LFP"], sum(lfp for _, lfp, _ in mine.values())) < SIGNAL_REL
    assert sorted(data["LFPPops"]) == ["E4", "I2"]
    for pop, signal in data["LFPPops"].items():
        assert relative_error(signal, sum(lfp for p, lfp, _ in mine.values()
                                          if p == pop)) < SIGNAL_REL
    assert (folder / "net_lfp_data.pkl").is_file()
    assert (folder / "net_lfp_LFPTimeSeries.png").is_file()


# -- dipoleRecording ---------------------------------------------------------------------------
@pytest.mark.slow
def test_dipolerecording_cell_dipole_is_the_sum_of_currents_times_positions(example):
    folder = example("dipoleRecording")
    run = run_example(folder, "src/init_cell.py", "membranes")
    mine, deviation = signals(run, load_rule(folder, "PT5B_full_cellParams.json"))
    assert deviation < GEOMETRY_UM
    data = run["simData"]
    expected = mine[0][2]
    assert np.abs(expected).max() > 100.0  # nA um: the cell fired
    assert relative_error(data["dipoleSum"], expected) < SIGNAL_REL
    assert relative_error(data["dipolePops"]["E"], expected) < SIGNAL_REL
    assert relative_error(data["dipoleCells"][0], expected) < SIGNAL_REL


@pytest.mark.slow
def test_dipolerecording_net_dipoles_of_every_cell_and_population(example):
    folder = example("dipoleRecording")
    run = run_example(folder, "src/init_net.py", "membranes")
    mine, deviation = signals(run, load_rule(folder, "IT2_reduced_cellParams.json"))
    assert deviation < GEOMETRY_UM
    data = run["simData"]
    assert relative_error(data["dipoleSum"], sum(d for _, _, d in mine.values())) < SIGNAL_REL
    assert sorted(data["dipolePops"]) == ["E2", "I2"]
    for pop, signal in data["dipolePops"].items():
        assert relative_error(signal, sum(d for p, _, d in mine.values() if p == pop)) \
            < SIGNAL_REL
    assert sorted(data["dipoleCells"]) == list(range(120))  # saveDipoleCells = ['all']
    assert max(relative_error(data["dipoleCells"][gid], d)
               for gid, (_, _, d) in mine.items()) < SIGNAL_REL


# -- netClamp ----------------------------------------------------------------------------------
def exp2syn(tau1: float, tau2: float):
    """NEURON's Exp2Syn conductance (uS) at s ms after an event of weight 1 (peak 1)."""
    peak = tau1 * tau2 / (tau2 - tau1) * math.log(tau2 / tau1)
    factor = 1.0 / (math.exp(-peak / tau2) - math.exp(-peak / tau1))

    def kernel(s):
        s = np.maximum(s, 0.0)
        return np.where(s > 0, factor * (np.exp(-s / tau2) - np.exp(-s / tau1)), 0.0)
    return kernel


def test_netclamp_cell_receives_the_saved_spikes_and_fires_as_in_the_network(example):
    """src/init.py rebuilds cell 5 of a saved network run (model_output.json, NetPyNE's)
    alone, its inputs replayed from the saved spike times (VecStim cellsList with
    spkTimes, a 'bkg' VecStim population, preConds by cellLabel, loc given as '0.5').
    Computed here from the file and the connection rules the script made: every input
    arrives at spike time + delay with its weight, and each synapse's conductance is the
    sum of Exp2Syn kernels of its arrivals; the clamped cell fires the spikes cell 5 fired
    in the saved network run."""
    folder = example("netClamp")
    run = run_example(folder, "src/init.py", "synapses")
    saved = json.loads((folder / "model_output.json").read_text())
    spkt = np.asarray(saved["simData"]["spkt"])
    spkid = np.asarray(saved["simData"]["spkid"])
    stims = saved["simData"]["stims"]["cell_5"]
    rules, mechs = run["netParams"]["connParams"], run["netParams"]["synMechParams"]
    dt = run["cfg"]["dt"]
    assert run["pops"]["E2_netClamp"] == [0]
    # what the script asks for: per rule, the saved spikes of its presynaptic cell
    expected = []  # (arrival ms, weight, synMech)
    for rule in rules.values():
        pre = rule["preConds"]
        times = spkt[spkid == pre["cellLabel"]] if "cellLabel" in pre else \
            np.asarray(stims[pre["pop"]])
        assert len(times) > 0
        expected += [(t + rule["delay"], rule["weight"], rule["synMech"]) for t in times]
    assert len(rules) == 35 and len(expected) > 600
    # what NEURON delivered: each NetCon's source firings, plus its delay
    by_e = {}
    for name, syn in run["synapses"].items():
        label = next(m for m, p in mechs.items() if p["e"] == syn["e"])
        by_e[name] = label
        assert (syn["tau1"], syn["tau2"]) == (mechs[label]["tau1"], mechs[label]["tau2"])
    delivered = sorted((round(t + nc["delay"], 9), round(nc["weight"], 12), by_e[nc["target"]])
                       for nc in run["netcons"] for t in nc["fired"])
    assert delivered == sorted((round(t, 9), round(w, 12), m) for t, w, m in expected)
    # the conductances: fixed-step NEURON delivers an event at the step boundary within
    # dt/2 of it, and a synapse's g is computed (BREAKPOINT) before its state advances,
    # so the recorded g lags the state by one step
    t = np.asarray(run["t_synapses"])
    for label, params in mechs.items():
        kernel = exp2syn(params["tau1"], params["tau2"])
        predicted = np.zeros_like(t)
        for arrival, weight, mech in expected:
            if mech == label:
                delivered_at = np.ceil((arrival - dt / 2) / dt - 1e-9) * dt
                predicted += weight * kernel(t - dt - delivered_at)
        got = sum(np.asarray(syn["g"]) for name, syn in run["synapses"].items()
                  if by_e[name] == label)
        assert predicted.max() > 0
        assert relative_error(got, predicted) < 1e-6, label
    # the network clamp reproduces the cell's spikes in the saved network run
    data = run["simData"]
    mine = np.sort(np.asarray(data["spkt"])[np.asarray(data["spkid"]) == 0])
    original = np.sort(spkt[spkid == 5])
    assert len(mine) == len(original) == 21
    assert np.abs(mine - original).max() <= dt + 1e-9
    assert (folder / "model_output_netClamp_data.json").is_file()


# -- NeuroMLImport -----------------------------------------------------------------------------
@pytest.mark.java
@pytest.mark.skipif(shutil.which("java") is None, reason="jNeuroML needs Java (17)")
def test_neuromlimport_network_is_the_file_as_libneuroml_reads_it(example):
    """SimpleNet_import.py (sim.importNeuroML2SimulateAnalyze, 1 ms): the cells, their
    positions, the connections and inputs are the file's, as libNeuroML reads it; weights
    are conductances (the NeuroML weight times the synapse's gbase, in uS); the cells,
    started at the Izhikevich cell's resting point (v0 = vr, u = 0) and given no input in
    that millisecond, stay at v0."""
    # libNeuroML and pyNeuroML: the independent reader (imported by the tests that use it)
    from neuroml.loaders import read_neuroml2_file
    from pyneuroml.pynml import convert_to_units

    folder = example("NeuroMLImport")
    run = run_example(folder, "SimpleNet_import.py", "network,synapses")
    doc = read_neuroml2_file(str(folder / "SimpleNet.net.nml"), include_includes=True)
    (network,) = doc.networks
    (pop,) = network.populations
    (syn,) = doc.exp_two_synapses
    (poisson,) = doc.poisson_firing_synapses
    (izh,) = doc.izhikevich2007_cells
    gbase = convert_to_units(syn.gbase, "uS")
    assert run["pops"] == {pop.id: list(range(int(pop.size)))}
    cells = {cell["gid"]: cell for cell in run["network"]}
    for instance in pop.instances:
        tags = cells[int(instance.id)]["tags"]
        location = instance.location
        assert (tags["x"], tags["y"], tags["z"]) == pytest.approx(
            (float(location.x), float(location.y), float(location.z)))
    (projection,) = network.projections
    expected = sorted((c.get_pre_cell_id(), c.get_post_cell_id(), float(c.weight) * gbase,
                       convert_to_units(c.delay, "ms"), projection.synapse)
                      for c in projection.connection_wds)
    got = sorted((conn["preGid"], gid, conn["weight"], conn["delay"], conn["synMech"])
                 for gid, cell in cells.items() for conn in cell["conns"]
                 if conn["preGid"] != "NetStim")  # the input list's, below
    assert len(got) == len(expected) == 2
    for mine, theirs in zip(got, expected):
        assert mine[:2] == theirs[:2] and mine[4] == theirs[4]
        assert mine[2:4] == pytest.approx(theirs[2:4], rel=1e-12)
    (inputs,) = network.input_lists
    assert sorted(cells) == sorted(i.get_target_cell_id() for i in inputs.input)
    interval = 1000.0 / convert_to_units(poisson.average_rate, "Hz")
    for cell in cells.values():
        (stim,) = cell["stims"]
        assert stim["synMech"] == poisson.synapse
        assert stim["weight"] == pytest.approx(gbase)  # an input's weight is 1
        assert stim["netstim"]["interval"] == pytest.approx(interval)
        assert stim["netstim"]["noise"] == 1.0  # Poisson
    for mech in run["synapses"].values():
        assert (mech["tau1"], mech["tau2"], mech["e"]) == pytest.approx(
            (convert_to_units(syn.tau_rise, "ms"), convert_to_units(syn.tau_decay, "ms"),
             convert_to_units(syn.erev, "mV")))
    # the run: no input arrives within its millisecond, so every cell rests at v0
    duration = run["cfg"]["duration"]
    assert duration == 1
    assert all(t + nc["delay"] > duration for nc in run["netcons"] for t in nc["fired"])
    assert convert_to_units(izh.v0, "mV") == convert_to_units(izh.vr, "mV")
    traces = run["simData"]["Vsoma"]
    assert sorted(traces) == ["cell_0", "cell_1", "cell_2"]
    for trace in traces.values():
        assert len(trace) == 10
        np.testing.assert_allclose(trace, convert_to_units(izh.v0, "mV"), rtol=0, atol=1e-9)
    assert len(run["simData"]["spkt"]) == 0
    assert (folder / "SimpleNet_data.json").is_file()
    assert any("Vsoma" in path.name for path in folder.glob("*.dat"))  # saveDat



@pytest.mark.java
@pytest.mark.skipif(shutil.which("java") is None, reason="jNeuroML needs Java (17)")
def test_import_neuroml2_returns_netpynes_gids_by_population(example):
    """NetPyNE's sim.importNeuroML2 returns population id -> gids; its
    return_net_params_also=True (the netParams NetPyNE builds) is refused with a reason."""
    from neuroloom import sim, specs
    from neuroloom.sim import state

    nml = example("NeuroMLImport") / "SimpleNet.net.nml"
    cfg = specs.SimConfig()
    cfg.duration, cfg.saveJson, cfg.saveSpikesSonata = 1, False, False
    try:
        gids = sim.importNeuroML2(str(nml), cfg, simulate=False, analyze=False)
        assert dict(gids) == {"RS_pop": [0, 1, 2]}
        assert gids["RS_pop"] == [0, 1, 2] and list(gids) == ["RS_pop"]
        assert gids.network.num_cells == 3
        with pytest.raises(NotImplementedError, match="return_net_params_also"):
            sim.importNeuroML2(str(nml), cfg, False, False, True)
    finally:
        if state.peek() is not None:
            state.peek().clear()



def test_lfp_and_dipole_saved_in_nodes_merge_into_the_gathered_signals(tmp_path,
                                                                       monkeypatch):
    """What LFPrecording's network script does (saveDataInNodes, gatherDataFromFiles),
    on two small cells: the merged LFP, LFPPops and dipole are the gathered ones."""
    from neuroloom import sim, specs
    from neuroloom.sim import state

    monkeypatch.chdir(tmp_path)
    net = specs.NetParams()
    net.cellParams["P"] = {"secs": {
        "soma": {"geom": {"diam": 20, "L": 20}, "mechs": {"hh": {}}},
        "dend": {"geom": {"pt3d": [[0, 0, 0, 2], [0, 200, 0, 2]], "nseg": 5},
                 "topol": {"parentSec": "soma", "parentX": 1, "childX": 0},
                 "mechs": {"pas": {"g": 1e-4, "e": -65}}}}}
    net.popParams["P"] = {"cellType": "P", "numCells": 2}
    net.synMechParams["exc"] = {"mod": "Exp2Syn", "tau1": 0.5, "tau2": 3, "e": 0}
    net.stimSourceParams["in"] = {"type": "NetStim", "interval": 5, "number": 3, "start": 2}
    net.stimTargetParams["in->P"] = {"source": "in", "conds": {"pop": "P"}, "sec": "dend",
                                     "weight": 0.05, "delay": 1, "synMech": "exc"}
    cfg = specs.SimConfig()
    cfg.duration, cfg.recordStep = 20, 0.5
    cfg.recordLFP = [[50, 100, 0], [-50, 300, 20]]
    cfg.saveLFPPops, cfg.recordDipole = ["P"], True
    cfg.saveJson, cfg.savePickle, cfg.saveSpikesSonata = False, True, False
    try:
        sim.create(net, cfg)
        sim.runSim()
        sim.saveDataInNodes()
        sim.gatherData()
        gathered = {k: np.array(sim.allSimData[k]) for k in ("LFP", "dipoleSum")}
        gathered["P"] = np.array(sim.allSimData["LFPPops"]["P"])
        merged = sim.gatherDataFromFiles()
        assert np.abs(gathered["LFP"]).max() > 0 and np.abs(gathered["dipoleSum"]).max() > 0
        assert merged["LFP"].shape == (40, 2)
        np.testing.assert_array_equal(merged["LFP"], gathered["LFP"])
        np.testing.assert_array_equal(merged["LFPPops"]["P"], gathered["P"])
        np.testing.assert_array_equal(merged["dipoleSum"], gathered["dipoleSum"])
    finally:
        if state.peek() is not None:
            state.peek().clear()


if __name__ == "__main__" and len(sys.argv) >= 4 and sys.argv[1] == "--drive":
    drive(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
