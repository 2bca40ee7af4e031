"""Inputs as BMTK's own tools write them, run on BMTK 1.2.0 and on neuroloom: the current
clamp build_env_bionet writes (node set ``all``, which holds virtual nodes too, and the
``gids`` key BMTK ignores) acts on the biophysical cells only, with BMTK's spikes and soma
v; virtual nodes replay a spike file written by BMTK's PoissonSpikeGenerator."""
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest

from helpers import run_bmtk, shared, sonata_spikes
from neuroloom.cli.run import run_sonata
from neuroloom.sim import state

pytestmark = pytest.mark.slow
COMPONENTS = shared("sonata-examples", "shared_components")

BUILD = """
import numpy as np
import pandas
pandas.set_option('future.infer_string', False)  # BMTK 1.2.0 with pandas 3 (see README)
from bmtk.builder import NetworkBuilder
from bmtk.utils.reports.spike_trains import PoissonSpikeGenerator
from bmtk.utils.sim_setup import build_env_bionet

cortex = NetworkBuilder('cortex')
cortex.add_nodes(N=1, model_type='biophysical', model_template='ctdb:Biophys1.hoc',
                 model_processing='aibs_perisomatic', model_name='Scnn1a', ei='e',
                 morphology='Scnn1a_473845048_m.swc', dynamics_params='472363762_fit.json',
                 x=[0.0], y=[0.0], z=[0.0])
cortex.add_nodes(N=1, model_type='biophysical', model_template='ctdb:Biophys1.hoc',
                 model_processing='aibs_perisomatic', model_name='PV2', ei='i',
                 morphology='Pvalb_469628681_m.swc', dynamics_params='473862421_fit.json',
                 x=[50.0], y=[0.0], z=[0.0])
cortex.build()
cortex.save(output_dir='network')
thalamus = NetworkBuilder('thalamus')
thalamus.add_nodes(N=4, model_type='virtual', ei='e')
edges = thalamus.add_edges(source=thalamus.nodes(), target=cortex.nodes(), connection_rule=1,
                           syn_weight=0.002, delay=2.0, model_template='exp2syn',
                           dynamics_params='AMPA_ExcToExc.json')
edges.add_properties(['sec_id', 'sec_x'], rule=lambda s, t: (0, 0.5),
                     dtypes=[np.int32, np.float64])
thalamus.build()
thalamus.save(output_dir='network')
trains = PoissonSpikeGenerator(population='thalamus', seed=1)
trains.add(node_ids=[0, 1, 2, 3], firing_rate=15.0, times=(0.0, 0.4))
trains.to_sonata('thalamus_spikes.h5')
build_env_bionet(base_dir='.', network_dir='network', tstop=400.0, dt=0.025,
                 report_vars=['v'], report_nodes='cortex',
                 current_clamp={'amp': 0.25, 'delay': 50.0, 'duration': 250.0},
                 spikes_inputs=[('thalamus', 'thalamus_spikes.h5')],
                 include_examples=True, compile_mechanisms=True, config_file='config.json')
"""



def spikes(path) -> list:
    return [row[1:] for row in sonata_spikes(path, ["cortex"])]


@pytest.fixture(scope="module")
def circuit(tmp_path_factory):
    """The circuit and configs BMTK's tools wrote, BMTK's outputs (in output_bmtk) and
    neuroloom's (in output)."""
    folder = tmp_path_factory.mktemp("env_bionet")
    # build_env_bionet compiles the mechanisms with the nrnivmodl it finds on PATH
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    built = subprocess.run([sys.executable, "-c", BUILD], cwd=folder, capture_output=True,
                           text=True, timeout=900, env={**os.environ, "PATH": path},
                           check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    run_bmtk(folder, config="config.json")
    (folder / "output").rename(folder / "output_bmtk")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_sonata(folder / "config.json")
    session = state.current()
    samples = session.recordings.reports["v_report"]
    v = np.column_stack([samples[g][0][:, 0] for g in (0, 1)])  # gids of cortex 0, 1
    state.peek().clear()
    return folder, [str(w.message) for w in caught], v


def test_the_written_clamp_is_on_all_with_gids(circuit):
    folder, _, _ = circuit
    text = (folder / "simulation_config.json").read_text()
    assert '"node_set": "all"' in text and '"gids": "all"' in text


def test_spikes_equal_bmtk_with_a_clamp_on_all(circuit):
    folder, caught, _ = circuit
    theirs = spikes(folder / "output_bmtk" / "spikes.h5")
    assert len(theirs) > 10 and {n for n, _ in theirs} == {0, 1}  # both cells fire
    assert spikes(folder / "output" / "spikes.h5") == theirs
    assert not [w for w in caught if "clamp" in w]  # gids 'all': nothing to warn about


def test_soma_v_equals_bmtk_to_float32_rounding(circuit):
    folder, _, v = circuit
    with h5py.File(folder / "output_bmtk" / "v_report.h5") as f:
        ref = f["report/cortex/data"][()]  # float64
    with h5py.File(folder / "output" / "v_report.h5") as f:
        ours = f["report/cortex/data"][()].astype(np.float64)
    assert ours.shape == ref.shape == (16000, 2)
    # ours is float32 (the SONATA type): half a float32 step at |v| < 128 mV is 3.8e-6
    assert np.abs(ours - ref).max() < 4e-6
    # in double: BMTK's cells to the last bit (the axon stubs laid out as define_shape
    # lays them out); what is left is NEURON's node order (see engine/bmtk_cells.py)
    print("max |v - BMTK's| in double:", np.abs(v[:len(ref)] - ref).max(axis=0))


# -- the cells these inputs act on: BMTK's axon stubs to the last bit ---------------------
STUBS = """
import json, sys
from neuron import h
from neuroloom.engine import bmtk_cells
h.load_file('import3d.hoc')
bmtk_cells._define_template(h)
def stubs(cell):
    return [(sec.L, sec(0.5).area(), sec(0.5).ri(), sec(0.5).diam) for sec in cell.axon]
ours = getattr(h, bmtk_cells._TEMPLATE)(sys.argv[1])
bmtk_cells._replace_axon(h, ours, sys.argv[1])
mine = stubs(ours)
theirs = getattr(h, bmtk_cells._TEMPLATE)(sys.argv[1])  # as BMTK's fix_axon_peri does
for sec in theirs.axon:
    h.delete_section(sec=sec)
h.execute('create axon[2]', theirs)
for sec in theirs.axon:
    sec.L, sec.diam = 30, 1
theirs.axon[0].connect(theirs.soma[0](0.5), 0)
theirs.axon[1].connect(theirs.axon[0](1), 0)
h.define_shape()
print(json.dumps({"ours": mine, "bmtk": stubs(theirs)}))
"""


def test_axon_stubs_have_bmtk_areas_and_resistances_to_the_last_bit():
    """BMTK lays its stubs out with define_shape(); ours get those points (the last moved
    so that NEURON's arcs are define_shape's): same L, area, ri, bit for bit."""
    swc = COMPONENTS / "morphologies" / "Scnn1a_473845048_m.swc"
    ran = subprocess.run([sys.executable, "-c", STUBS, str(swc)], capture_output=True,
                         text=True, timeout=300, check=False)
    assert ran.returncode == 0, ran.stderr[-3000:]
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert result["ours"] == result["bmtk"]
    assert [stub[0] for stub in result["ours"]] == [30.0, 30.0]
