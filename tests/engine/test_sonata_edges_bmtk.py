"""A point-neuron circuit written by BMTK's own NetworkBuilder, run on BMTK 1.2.0 and on
neuroloom: edges with nsyns (BMTK's connection rules) and an inhibitory edge group made
with add_properties (no nsyns column), whose synapse sign BMTK does not apply.
``signs='bmtk'`` reproduces BMTK's spikes; the default (SONATA's meaning) warns and differs.
"""
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import bmtk
import h5py
import numpy as np
import pytest

from helpers import run_bmtk, shared, sonata_spikes
from neuroloom import sim
from neuroloom.sim import state

COMPONENTS = shared("sonata-examples", "shared_components")
BMTK_MODS = Path(bmtk.__file__).parent / "utils/scripts/bionet/mechanisms/modfiles"

BUILD = """
import numpy as np
import pandas
pandas.set_option('future.infer_string', False)  # BMTK 1.2.0 with pandas 3 (see README)
from bmtk.builder import NetworkBuilder

rng = np.random.RandomState(30)
net = NetworkBuilder('v1')
net.add_nodes(N=6, model_type='point_process', model_template='nrn:IntFire1',
              dynamics_params='IntFire1_exc_1.json', ei='e', pop_name='Exc')
net.add_nodes(N=3, model_type='point_process', model_template='nrn:IntFire1',
              dynamics_params='IntFire1_inh_1.json', ei='i', pop_name='Inh')
net.add_edges(source={'ei': 'e'}, target={'ei': 'i'},
              connection_rule=lambda s, t: int(rng.randint(1, 4)),
              syn_weight=0.15, delay=1.0, dynamics_params='instanteneousExc.json')
inh = net.add_edges(source={'ei': 'i'}, target={'ei': 'e'}, connection_rule=1, delay=1.0,
                    dynamics_params='instanteneousInh.json', model_template='exp2syn')
inh.add_properties('syn_weight', rule=lambda s, t: 0.3 + 0.05 * t.node_id, dtypes=np.float64)
net.build()
net.save(output_dir='network')
ext = NetworkBuilder('ext')
ext.add_nodes(N=8, model_type='virtual', ei='e')
ext.add_edges(source=ext.nodes(), target=net.nodes(ei='e'),
              connection_rule=lambda s, t: int(rng.randint(1, 3)),
              syn_weight=0.2, delay=2.0, dynamics_params='instanteneousExc.json')
ext.build()
ext.save(output_dir='network')
"""



def write_configs(folder: Path) -> None:
    trains = np.random.RandomState(7)
    ids, times = [], []
    for node in range(8):  # about 20 Hz for a second
        t = np.cumsum(trains.exponential(50.0, 40))
        t = t[t < 1000.0]
        ids += [node] * len(t)
        times += t.tolist()
    (folder / "inputs").mkdir()
    with h5py.File(folder / "inputs" / "ext_spikes.h5", "w") as f:
        f["spikes/ext/node_ids"] = np.array(ids, np.uint64)
        f["spikes/ext/timestamps"] = np.array(times)
        f["spikes/ext/timestamps"].attrs["units"] = "ms"
    circuit = {"components": {"point_neuron_models_dir": str(COMPONENTS /
                                                             "point_neuron_models_dir"),
                              "synaptic_models_dir": str(COMPONENTS / "synaptic_models")},
               "networks": {
                   "nodes": [{"nodes_file": f"network/{p}_nodes.h5",
                              "node_types_file": f"network/{p}_node_types.csv"}
                             for p in ("v1", "ext")],
                   "edges": [{"edges_file": f"network/{e}_edges.h5",
                              "edge_types_file": f"network/{e}_edge_types.csv"}
                             for e in ("v1_v1", "ext_v1")]}}
    simulation = {"network": "circuit_config.json",
                  "run": {"tstop": 1000.0, "dt": 0.1, "spike_threshold": -15.0,
                          "nsteps_block": 5000},
                  "conditions": {"celsius": 34.0, "v_init": -80.0},
                  "inputs": {"ext_spikes": {"input_type": "spikes", "module": "sonata",
                                            "input_file": "inputs/ext_spikes.h5",
                                            "node_set": "ext"}},
                  "node_sets": {"ext": {"population": "ext"}},
                  "output": {"output_dir": "output", "spikes_file": "spikes.h5"}}
    (folder / "circuit_config.json").write_text(json.dumps(circuit))
    (folder / "simulation_config.json").write_text(json.dumps(simulation))


def spikes(path) -> list:
    return [row[1:] for row in sonata_spikes(path, ["v1"])]


@pytest.fixture(scope="module")
def circuit(tmp_path_factory):
    """The circuit BMTK's builder wrote, and BMTK's spikes of it."""
    folder = tmp_path_factory.mktemp("builder_point")
    built = subprocess.run([sys.executable, "-c", BUILD], cwd=folder, capture_output=True,
                           text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    write_configs(folder)
    mods = folder / "vecevent"
    mods.mkdir()
    shutil.copy(BMTK_MODS / "vecevent.mod", mods)
    run_bmtk(folder, mechanisms=mods, timeout=600)
    return folder, spikes(folder / "output" / "spikes.h5")


def run_neuroloom(folder, out, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.importSONATA(folder / "simulation_config.json", saveFolder=out, **options)
    try:
        sim.simulate()
        sim.saveData()
    finally:
        state.peek().clear()
    return spikes(out / "spikes.h5"), [str(w.message) for w in caught]


def test_the_inhibitory_group_without_nsyns_as_bmtk_reads_it(circuit, tmp_path):
    folder, theirs = circuit
    with h5py.File(folder / "network" / "v1_v1_edges.h5", "r") as f:
        pop = f["edges/v1_to_v1"]
        assert sorted(pop["0"]) == ["nsyns", "syn_weight"] or "nsyns" in pop["0"]
        without = [g for g in pop if g.isdigit() and "nsyns" not in pop[g]]
        assert len(without) == 1  # add_properties wrote a group of its own
    assert len(theirs) > 100
    ours, caught = run_neuroloom(folder, tmp_path / "bmtk", signs="bmtk")
    assert not [c for c in caught if "edges into point cells" in c]
    assert [node for node, _ in ours] == [node for node, _ in theirs]
    ours_t, theirs_t = (np.array([t for _, t in s]) for s in (ours, theirs))
    # the same spikes; a few last bits differ where simultaneous events reach an IntFire1
    # in another order (floating-point sums)
    assert np.abs(ours_t - theirs_t).max() < 1e-9
    assert (ours_t == theirs_t).mean() > 0.5


def test_by_default_the_sign_counts_and_a_warning_says_bmtk_differs(circuit, tmp_path):
    folder, theirs = circuit
    ours, caught = run_neuroloom(folder, tmp_path / "sonata")
    warned = [c for c in caught if "edges into point cells" in c]
    assert len(warned) == 1 and "18 edges into point cells" in warned[0]  # 3 inh x 6 exc
    assert "signs='bmtk'" in warned[0]
    assert ours != theirs
    assert len(ours) < len(theirs) - 20  # inhibition where BMTK excites
