"""Issue 17: BMTK 1.2.0 runs neuroloom's exports unmodified, NetStim backgrounds included
(written as the trains the NetStims fire), with neuroloom's spikes."""
import json
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from helpers import run_bmtk, shared, sonata_spikes, tutorial_specs
from neuroloom.exporters.netstim_trains import netstim_train
from neuroloom.exporters.sonata import SPEC_SIMULATION, export
from neuroloom.results.sonata_spikes import write_spikes
from neuroloom.sonata.layout import NodeLayout




def test_netstim_trains_are_neurons_to_the_bit():
    from neuroloom.engine.neuron_env import neuron_h  # NEURON starts on first use
    h = neuron_h()
    cases = [(100.0, 1e9, 0.0, 0.5, (5, 123456789, 1)), (25.0, 1e9, 10.0, 1.0, (0, 2**32 - 5, 7)),
             (10.0, 5, 3.0, 0.0, (2, 3, 4)), (50.0, 1e9, 20.0, 0.2, (99, 17, 31415))]
    kept = []
    for interval, number, start, noise, ids in cases:
        stim = h.NetStim()
        stim.interval, stim.number, stim.start, stim.noise = interval, number, start, noise
        stim.noiseFromRandom123(*ids)
        times = h.Vector()
        netcon = h.NetCon(stim, None)
        netcon.record(times)
        kept.append((stim, netcon, times))
    h.dt = 0.025
    h.finitialize(-65)
    h.continuerun(1000)
    for (interval, number, start, noise, ids), (_, _, times) in zip(cases, kept):
        ours = netstim_train(interval, number, start, noise, ids, 1000.0)
        assert len(ours) > 0
        np.testing.assert_array_equal(ours, np.asarray(times))




@pytest.mark.slow
@pytest.mark.parametrize("name", ["tut2", "HHTut", "tut3", "tut6"])
def test_bmtk_runs_an_export_with_netstims(name, tmp_path, run_session):
    # tut3: soma + dendrite cells, kept segmented by run.dL; tut6: current clamps of one
    # amplitude per target (its VClamp and AlphaSynapse have no SONATA form: left out)
    net, cfg = tutorial_specs(name)
    if name == "tut6":
        del net.stimTargetParams["Input_2->S"], net.stimTargetParams["Input_3->M1"]
    cfg.analysis, cfg.saveJson, cfg.savePickle = {}, False, False
    if name != "tut6":  # tut6's NetStims start at 600 ms
        cfg.duration = min(cfg.duration, 500.0)
    ours = run_session(net, cfg)
    layout = NodeLayout(ours.network.pops)
    pop_of, node_of = layout.locate(ours.recordings.spike_gid)
    expected = sorted((layout.populations[p].name, int(n), float(t)) for p, n, t in zip(
        pop_of, node_of, ours.recordings.spike_t))
    folder = tmp_path / "circuit"
    export(ours.network_with_sections(), folder, cfg)
    # no BMTK vecevent.mod: the export brings neuroloom's own VecStim
    mods = folder / "components" / "mechanisms" / "modfiles"
    assert [p.name for p in mods.glob("*.mod")] == ["vecstim.mod"]
    run_bmtk(folder, mechanisms=mods, timeout=900)
    theirs = sonata_spikes(folder / "output" / "spikes.h5", [p.label for p in ours.network.pops])
    assert len(expected) > 50
    assert theirs == expected
    # the specification's twin of the config passes the checker, with neuroloom's spike
    # file as the run's output (BMTK's is compressed with a filter libsonata lacks)
    write_spikes(folder / "output" / "spikes.h5", ours.recordings.spike_t,
                 ours.recordings.spike_gid, layout, ours.network.provenance)
    checked = subprocess.run([sys.executable, str(shared("tools", "validate_sonata.py")),
                              str(folder / "circuit_config.json"), "--simulation-config",
                              str(folder / SPEC_SIMULATION)],
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-2000:]


@pytest.mark.slow
def test_convert_to_sonata_says_what_sonata_cannot_hold(tmp_path):
    from helpers import EXAMPLES

    out = tmp_path / "tut6"
    done = subprocess.run([str(Path(sys.executable).parent / "neuroloom"), "convert",
                           str(EXAMPLES / "tut6.py"), "--to", "sonata", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    # VClamp and AlphaSynapse have no SONATA form: a warning each, never silent
    assert "Input_2->S" in done.stderr and "Input_3->M1" in done.stderr
    simulation = json.loads((out / "simulation_config.json").read_text())
    assert simulation["inputs"]["Input_2->S"]["input_type"] == "neuroloom"
    assert sum(k.startswith("Input_1->S[") for k in simulation["inputs"]) == 15
    assert (out / SPEC_SIMULATION).is_file()
    assert (out / "components/mechanisms/modfiles/vecstim.mod").is_file()


@pytest.mark.slow
def test_bmtk_runs_the_export_of_imported_biophysical_cells(tmp_path):
    # 9_cells: SWC, NeuroML templates, Allen fits and the mechanisms are copied into the
    # export; BMTK runs it with its own reference spikes (78, on NEURON 9)
    import shutil

    from neuroloom.importers import sonata

    corpus = shared("sonata-examples")
    for part in ("9_cells", "shared_components"):
        shutil.copytree(corpus / part, tmp_path / part)
    original = sonata.load(tmp_path / "9_cells" / "config.json")
    folder = tmp_path / "export"
    export(original.network, folder, original.sim_config)
    mods = folder / "components" / "mechanisms" / "modfiles"
    assert (folder / "components" / "morphologies").is_dir()
    run_bmtk(folder, mechanisms=mods, timeout=1200)
    reference = corpus / "9_cells" / "output_bmtk_neuron9" / "spikes.h5"
    with h5py.File(reference, "r") as f:
        names = list(f["spikes"])
    theirs = sonata_spikes(folder / "output" / "spikes.h5", names)
    assert len(theirs) == 78
    assert theirs == sonata_spikes(reference, names)
