"""A circuit BMTK's own tools wrote, with the features its NetworkBuilder emits for
biophysical cells: rotations (BioNetBuilder's rotation_angle_yaxis/zaxis), a population of
two node groups (one without positions), a ``tuning_angle`` and the built-in weight
function ``gaussianLL`` with an edge-type ``weight_sigma``, synapses placed beforehand with
its swc_reader, ``exp2syn`` and ``expsyn`` (BMTK's JSON names the time constant ``tau1``),
and build_env_bionet's configs (``${configdir}``, ``report_nodes``) plus a report of every
section. BMTK 1.2.0 and ``neuroloom run`` fire the same spikes and write the same v."""
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from helpers import run_bmtk, shared, sonata_spikes

pytestmark = pytest.mark.slow
COMPONENTS = shared("sonata-examples", "shared_components")

BUILD = """
import json
import numpy as np
import pandas
pandas.set_option('future.infer_string', False)  # BMTK 1.2.0 with pandas 3 (see README)
from bmtk.builder import NetworkBuilder
from bmtk.builder.bionet.swc_reader import get_swc
from bmtk.utils.reports.spike_trains import PoissonSpikeGenerator
from bmtk.utils.sim_setup import build_env_bionet

MORPHOLOGIES = sys.argv[1]
np.random.seed(40)
cortex = NetworkBuilder('cortex')
cortex.add_nodes(N=2, model_type='biophysical', model_template='ctdb:Biophys1.hoc',
                 model_processing='aibs_perisomatic', model_name='Scnn1a', ei='e',
                 morphology='Scnn1a_473845048_m.swc', dynamics_params='472363762_fit.json',
                 x=[0.0, 50.0], y=[0.0, 10.0], z=[0.0, -20.0],
                 rotation_angle_yaxis=np.random.uniform(0, 2 * np.pi, 2),
                 rotation_angle_zaxis=[3.646878266, 3.646878266], tuning_angle=[0.0, 90.0])
cortex.add_nodes(N=1, model_type='biophysical', model_template='ctdb:Biophys1.hoc',
                 model_processing='aibs_perisomatic', model_name='PV1', ei='i',
                 morphology='Pvalb_470522102_m.swc', dynamics_params='472912177_fit.json',
                 tuning_angle=45.0)
cortex.build()
cortex.save(output_dir='network')


def place(source, target):
    swc = get_swc(target, morphology_dir=MORPHOLOGIES, use_cache=True)
    sec_ids, sec_xs = swc.choose_sections(['somatic', 'basal', 'apical'], [0.0, 200.0], 1)
    return int(sec_ids[0]), float(sec_xs[0])


lgn = NetworkBuilder('lgn')
lgn.add_nodes(N=8, model_type='virtual', tuning_angle=np.linspace(0, 180, 8))
onto_e = lgn.add_edges(source=lgn.nodes(), target=cortex.nodes(ei='e'),
                       connection_rule=lambda s, t: np.random.randint(2, 5),
                       syn_weight=5e-3, weight_function='gaussianLL', weight_sigma=50.0,
                       delay=2.0, dynamics_params='AMPA_ExcToExc.json',
                       model_template='exp2syn')
onto_i = lgn.add_edges(source=lgn.nodes(), target=cortex.nodes(ei='i'),
                       connection_rule=lambda s, t: np.random.randint(2, 5),
                       syn_weight=2e-2, delay=2.0, dynamics_params='expsyn_exc.json',
                       model_template='expsyn')
for edges in (onto_e, onto_i):
    edges.add_properties(['afferent_section_id', 'afferent_section_pos'], rule=place,
                         dtypes=[np.int32, np.float32])
lgn.build()
lgn.save(output_dir='network')
trains = PoissonSpikeGenerator(population='lgn', seed=9)
trains.add(node_ids=list(range(8)), firing_rate=25.0, times=(0.0, 0.3))
trains.to_sonata('lgn_spikes.h5')
build_env_bionet(base_dir='.', network_dir='network', tstop=300.0, dt=0.025,
                 report_vars=['v'], report_nodes='cortex',
                 spikes_inputs=[('lgn', 'lgn_spikes.h5')],
                 include_examples=True, compile_mechanisms=True, config_file='config.json')
with open('components/synaptic_models/expsyn_exc.json', 'w') as f:
    json.dump({'level_of_detail': 'expsyn', 'tau1': 2.0, 'erev': 0.0}, f)
with open('simulation_config.json') as f:
    simulation = json.load(f)
simulation['reports']['v_all_sections'] = {
    'cells': {'population': 'cortex', 'node_ids': [0]}, 'variable_name': 'v',
    'module': 'membrane_report', 'sections': 'all', 'file_name': 'v_all.h5'}
with open('simulation_config.json', 'w') as f:
    json.dump(simulation, f, indent=2)
"""


@pytest.fixture(scope="module")
def circuit(tmp_path_factory):
    """The circuit and configs BMTK's tools wrote, BMTK's outputs (in output_bmtk) and
    those of ``neuroloom run config.json`` (in output)."""
    folder = tmp_path_factory.mktemp("builder_bionet")
    bin_dir = Path(sys.executable).parent
    # build_env_bionet compiles the mechanisms with the nrnivmodl it finds on PATH
    env = {**os.environ, "PATH": os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")])}
    built = subprocess.run([sys.executable, "-c", "import sys\n" + BUILD,
                            str(COMPONENTS / "morphologies")], cwd=folder, env=env,
                           capture_output=True, text=True, timeout=900, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    run_bmtk(folder, config="config.json")
    (folder / "output").rename(folder / "output_bmtk")
    ran = subprocess.run([str(bin_dir / "neuroloom"), "run", "config.json"], cwd=folder,
                         capture_output=True, text=True, timeout=900, check=False)
    assert ran.returncode == 0, ran.stderr[-3000:]
    return folder


def test_the_builder_wrote_what_this_test_is_about(circuit):
    with h5py.File(circuit / "network" / "cortex_nodes.h5") as f:
        groups = sorted(k for k in f["nodes/cortex"] if k.isdigit())
        assert groups == ["0", "1"]
        assert "rotation_angle_yaxis" in f["nodes/cortex/0"]
        assert "x" not in f["nodes/cortex/1"]
    types = (circuit / "network" / "lgn_cortex_edge_types.csv").read_text()
    assert "gaussianLL" in types and "expsyn" in types
    assert "${configdir}" in (circuit / "circuit_config.json").read_text()


def test_spikes_equal_bmtk(circuit):
    theirs = sonata_spikes(circuit / "output_bmtk" / "spikes.h5", ["cortex"])
    assert len(theirs) > 10
    assert {node for _, node, _ in theirs} == {0, 1, 2}  # every cell fires
    assert sonata_spikes(circuit / "output" / "spikes.h5", ["cortex", "lgn"]) == theirs


@pytest.mark.parametrize("report, elements", [("v_report.h5", 3), ("v_all.h5", None)])
def test_v_equals_bmtk_to_float32_rounding(circuit, report, elements):
    with h5py.File(circuit / "output_bmtk" / report) as f:
        ref = f["report/cortex/data"][()]
        ref_ids = f["report/cortex/mapping/element_ids"][()]
    with h5py.File(circuit / "output" / report) as f:
        ours = f["report/cortex/data"][()].astype(np.float64)
        assert f["report/cortex/mapping/element_ids"][()].tolist() == ref_ids.tolist()
    assert ours.shape == ref.shape
    assert ref.shape[1] == (elements or ref.shape[1]) and ref.shape[1] > 2
    assert np.abs(ours - ref).max() < 4e-6  # half a float32 step at |v| < 128 mV
