"""Issue 17: synapses BMTK places at run time (BMTK's NetworkBuilder default: edge types with
target_sections and distance_range, per-edge nsyns, no section ids) are placed at import as
BMTK 1.2.0 places them: the same segments (the geometry BMTK computes in NEURON, here
without it), the same sections and positions, the same spikes; an export of the placed
circuit runs on BMTK with them too."""
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest
from helpers import shared

from neuroloom import sim
from neuroloom.errors import FormatError
from neuroloom.exporters.sonata import export
from neuroloom.importers import sonata
from neuroloom.sim import state
from neuroloom.sonata.bmtk_cells import BmtkCell
from neuroloom.sonata.bmtk_placement import cell_segments
from neuroloom.sonata.layout import NodeLayout

pytestmark = pytest.mark.slow
COMPONENTS = shared("sonata-examples", "shared_components")

BUILD = """
import numpy as np
import pandas
pandas.set_option('future.infer_string', False)  # BMTK 1.2.0 with pandas 3 (see README)
from bmtk.builder import NetworkBuilder

rng = np.random.RandomState(4)
cells = [('Scnn1a_473845048_m.swc', '472363762_fit.json', 'e'),
         ('Rorb_325404214_m.swc', '473863510_fit.json', 'e'),
         ('Pvalb_470522102_m.swc', '472912177_fit.json', 'i')]
cortex = NetworkBuilder('cortex')
for morphology, fit, ei in cells:
    cortex.add_nodes(N=1, model_type='biophysical', model_template='ctdb:Biophys1.hoc',
                     model_processing='aibs_perisomatic', ei=ei, morphology=morphology,
                     dynamics_params=fit, x=[0.0], y=[0.0], z=[0.0])
cortex.add_edges(source={'ei': 'e'}, target={'ei': 'i'},
                 connection_rule=lambda s, t: int(rng.randint(2, 5)),
                 syn_weight=2e-4, delay=2.0, weight_function='wmax',
                 target_sections=['somatic', 'basal'], distance_range=[0.0, 1e20],
                 dynamics_params='AMPA_ExcToInh.json', model_template='exp2syn')
cortex.add_edges(source={'ei': 'i'}, target={'ei': 'e'}, connection_rule=3,
                 syn_weight=3e-4, delay=2.0, target_sections=['somatic'],
                 distance_range=[0.0, 50.0], dynamics_params='GABA_InhToExc.json',
                 model_template='exp2syn')
cortex.build()
cortex.save(output_dir='network')
thalamus = NetworkBuilder('thalamus')
thalamus.add_nodes(N=6, model_type='virtual', ei='e')
thalamus.add_edges(source=thalamus.nodes(), target=cortex.nodes(ei='e'),
                   connection_rule=lambda s, t: int(rng.randint(3, 8)),
                   syn_weight=6e-4, delay=2.0, target_sections=['basal', 'apical'],
                   distance_range=[30.0, 150.0], dynamics_params='AMPA_ExcToExc.json',
                   model_template='exp2syn')
thalamus.add_edges(source=thalamus.nodes(), target=cortex.nodes(ei='i'),
                   connection_rule=lambda s, t: int(rng.randint(2, 5)),
                   syn_weight=4e-4, delay=2.0, target_sections=['somatic', 'basal'],
                   distance_range=[0.0, 1e20], dynamics_params='AMPA_ExcToInh.json',
                   model_template='exp2syn')
thalamus.build()
thalamus.save(output_dir='network')
"""

# BMTK builds and runs the circuit, then says where it put each synapse and what segments
# each cell has (the seg_props its placement chose among)
RUN_BMTK = """
import json, sys
import pandas
pandas.set_option('future.infer_string', False)  # BMTK 1.2.0 with pandas 3 (see README)
from neuroloom.engine.modfiles import load
load(sys.argv[1])
from bmtk.simulator import bionet
conf = bionet.Config.from_json('simulation_config.json', validate=True)
conf.build_env()
network = bionet.BioNetwork.from_config(conf)
simulation = bionet.BioSimulator.from_config(conf, network=network)
out = {}
for gid, cell in network.get_local_cells().items():
    props = cell.morphology.seg_props
    synapses = []
    for c in cell.connections():
        segment = c._syn.get_segment()
        name = segment.sec.name().split('.')[-1].replace('[', '_').rstrip(']')
        source = 'thalamus' if c.is_virtual else c.source_node.population_name
        synapses.append([source, int(c.source_node.node_id), name, segment.x, c.syn_weight])
    out[int(cell.node_id)] = {'synapses': synapses, 'x': props.x.tolist(),
                         'length': props.length.tolist(), 'dist': props.dist.tolist(),
                         'type': props.type.tolist(), 'sec_id': props.sec_id.tolist()}
json.dump(out, open('bmtk_placement.json', 'w'))
simulation.run()
"""


def write_configs(folder: Path) -> None:
    trains = np.random.RandomState(11)
    ids, times = [], []
    for node in range(6):  # about 20 Hz
        t = np.cumsum(trains.exponential(50.0, 30))
        t = t[t < 400.0]
        ids += [node] * len(t)
        times += t.tolist()
    with h5py.File(folder / "thalamus_spikes.h5", "w") as f:
        f["spikes/thalamus/node_ids"] = np.array(ids, np.uint64)
        f["spikes/thalamus/timestamps"] = np.array(times)
        f["spikes/thalamus/timestamps"].attrs["units"] = "ms"
    circuit = {"components": {
        "morphologies_dir": str(COMPONENTS / "morphologies"),
        "biophysical_neuron_models_dir": str(COMPONENTS / "biophysical_neuron_templates"
                                             / "json"),
        "synaptic_models_dir": str(COMPONENTS / "synaptic_models"),
        "mechanisms_dir": str(COMPONENTS / "mechanisms")},
        "networks": {
            "nodes": [{"nodes_file": f"network/{p}_nodes.h5",
                       "node_types_file": f"network/{p}_node_types.csv"}
                      for p in ("cortex", "thalamus")],
            # the inputs' edges first: BMTK still connects the cells' own edges first
            "edges": [{"edges_file": f"network/{e}_edges.h5",
                       "edge_types_file": f"network/{e}_edge_types.csv"}
                      for e in ("thalamus_cortex", "cortex_cortex")]}}
    simulation = {"network": "circuit_config.json",
                  "run": {"tstop": 400.0, "dt": 0.025, "dL": 20.0, "spike_threshold": -15.0,
                          "nsteps_block": 5000},
                  "conditions": {"celsius": 34.0, "v_init": -80.0},
                  "inputs": {"thalamus_spikes": {"input_type": "spikes", "module": "sonata",
                                                 "input_file": "thalamus_spikes.h5",
                                                 "node_set": "thalamus"}},
                  "output": {"output_dir": "output", "spikes_file": "spikes.h5"}}
    (folder / "circuit_config.json").write_text(json.dumps(circuit))
    (folder / "simulation_config.json").write_text(json.dumps(simulation))


def spikes(path) -> list:
    with h5py.File(path, "r") as f:
        group = f["spikes/cortex"]
        return sorted(zip(group["node_ids"][()].tolist(), group["timestamps"][()].tolist()))


@pytest.fixture(scope="module")
def circuit(tmp_path_factory):
    """The circuit BMTK's builder wrote, BMTK's spikes of it and its placement."""
    folder = tmp_path_factory.mktemp("random_placement")
    built = subprocess.run([sys.executable, "-c", BUILD], cwd=folder, capture_output=True,
                           text=True, timeout=600, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    write_configs(folder)
    mods = COMPONENTS / "mechanisms" / "modfiles"
    ran = subprocess.run([sys.executable, "-c", RUN_BMTK, str(mods)], cwd=folder,
                         capture_output=True, text=True, timeout=600, check=False)
    assert ran.returncode == 0, ran.stderr[-3000:]
    placed = json.loads((folder / "bmtk_placement.json").read_text())
    return folder, spikes(folder / "output" / "spikes.h5"), placed


def _synapses(network) -> dict:
    """node id of each cortex cell -> sorted (source population, source node, section, x,
    weight) of its synapses."""
    pops = {p.name: p for p in NodeLayout(network.pops).populations}
    node_of = {g: (p.name, i) for p in pops.values() for i, g in enumerate(p.gids.tolist())}
    out = {}
    c = network.conns
    for pre, post, sec, x, w in zip(c.pre_gid.tolist(), c.post_gid.tolist(), c.sec.tolist(),
                                    c.loc.tolist(), c.weight.tolist()):
        out.setdefault(node_of[post][1], []).append(
            [*node_of[pre], network.section_names[sec], x, w])
    return {k: sorted(v) for k, v in out.items()}


def test_builder_writes_placement_rules_and_no_sections(circuit):
    folder, _, _ = circuit
    with h5py.File(folder / "network" / "cortex_cortex_edges.h5", "r") as f:
        group = f["edges/cortex_to_cortex/0"]
        assert "nsyns" in group and "afferent_section_id" not in group
    types = (folder / "network" / "cortex_cortex_edge_types.csv").read_text()
    assert "target_sections" in types and "distance_range" in types


def test_segments_are_bmtks_to_the_bit(circuit):
    folder, _, placed = circuit
    model = sonata.load(folder / "simulation_config.json")
    net = model.network
    for node, theirs in placed.items():
        cell_type = net.cell_types[net.cells.cell_type[int(node)]]
        ours = cell_segments(BmtkCell.from_template(cell_type.template))
        assert len(ours.x) == len(theirs["x"]) > 50
        for name in ("x", "length", "dist"):  # NEURON's own numbers, exactly
            assert getattr(ours, name).tolist() == theirs[name], (node, name)
        assert ours.swc_type.tolist() == theirs["type"]
        assert ours.section.tolist() == theirs["sec_id"]


def test_synapses_are_where_bmtk_puts_them(circuit):
    folder, _, placed = circuit
    model = sonata.load(folder / "simulation_config.json")
    ours = _synapses(model.network)
    theirs = {int(node): sorted(cell["synapses"]) for node, cell in placed.items()}
    assert sum(map(len, theirs.values())) > 60
    assert ours == theirs  # source, section, position and weight of every synapse
    apical = [s for s in ours[0] if s[2].startswith("apic")]
    assert apical and all(s[0] == "thalamus" for s in apical)  # only those reach it


def test_spikes_equal_bmtk(circuit, tmp_path):
    folder, theirs, _ = circuit
    assert len(theirs) >= 5 and len({n for n, _ in theirs}) >= 2
    sim.importSONATA(folder / "simulation_config.json", saveFolder=tmp_path)
    try:
        sim.simulate()
        sim.saveData()
    finally:
        state.peek().clear()
    assert spikes(tmp_path / "spikes.h5") == theirs


def test_bmtk_runs_the_export_with_the_same_spikes(circuit, tmp_path):
    folder, theirs, _ = circuit
    model = sonata.load(folder / "simulation_config.json")
    out = tmp_path / "export"
    export(model.network, out, model.sim_config)
    with h5py.File(out / "network" / "cortex_to_cortex_edges.h5", "r") as f:
        group = f["edges/cortex_to_cortex/0"]
        assert "afferent_section_id" in group and "afferent_section_pos" in group
    mods = out / "components" / "mechanisms" / "modfiles"
    ran = subprocess.run([sys.executable, "-c", RUN_BMTK, str(mods)], cwd=out,
                         capture_output=True, text=True, timeout=600, check=False)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert spikes(out / "output" / "spikes.h5") == theirs


def _copy_with_types(folder, tmp_path, edit) -> Path:
    """A copy of the circuit whose cortex_cortex edge types CSV ``edit`` rewrites."""
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("output*"))
    csv = copy / "network" / "cortex_cortex_edge_types.csv"
    csv.write_text(edit(csv.read_text()))
    return copy / "simulation_config.json"


def test_a_target_section_that_is_no_section_type(circuit, tmp_path):
    folder, _, _ = circuit
    config = _copy_with_types(folder, tmp_path, lambda t: t.replace("'basal'", "'basl'"))
    with pytest.raises(FormatError, match=r"cortex_cortex_edge_types.csv, edge_type_id "
                                          r"\d+ target_sections names 'basl'.*basal"):
        sonata.load(config)


def test_a_distance_range_no_segment_is_in(circuit, tmp_path):
    folder, _, _ = circuit
    # no soma segment lies 5000-6000 um from the soma: BMTK warns and makes no synapse
    config = _copy_with_types(folder, tmp_path,
                              lambda t: t.replace('"[0.0, 50.0]"', '"[5000.0, 6000.0]"'))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sonata.load(config)
    said = [str(w.message) for w in caught if "distance_range" in str(w.message)]
    # one edge from the PV cell onto each of the two other cells (of two cell types)
    assert len(said) == 2 and all("1 edge(s)" in w and "no synapse" in w for w in said)
    ours = _synapses(model.network)
    assert not [s for s in ours[0] + ours[1] if s[:2] == ["cortex", 2]]
    assert len(ours[2]) > 10  # the others are placed
