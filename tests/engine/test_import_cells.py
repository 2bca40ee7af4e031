"""importCellParams: hoc templates, Python classes and SWC morphologies become plain
cellParams that instantiate into the same sections as the source."""
import numpy as np
import pytest

from helpers import ROOT
from neuroloom import specs
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.errors import FormatError

DATA = ROOT / "tests" / "data" / "cells"
SWC = ROOT / "tests" / "data" / "morphology" / "Pvalb_469628681_m.swc"


def describe(sections, names):
    """What must be equal: length, nseg, Ra, per-segment diam and cm, mechanism values."""
    out = {}
    for sec in sections:
        mechs = {}
        for mech, values in sec.psection()["density_mechs"].items():
            mechs[mech] = {k: [round(v, 12) for v in vs] for k, vs in values.items()
                           if not k.startswith(("i", "m_", "h_", "n_"))}
        parent = sec.parentseg()
        out[names[sec]] = dict(L=round(sec.L, 9), nseg=sec.nseg, Ra=sec.Ra,
                               diam=[round(seg.diam, 9) for seg in sec],
                               cm=[seg.cm for seg in sec], mechs=mechs,
                               parent=(names[parent.sec], parent.x) if parent else None)
    return out


def instantiated(net_params, label):
    from neuroloom.sim import Session
    net_params.popParams['P'] = {'cellType': label, 'numCells': 1}
    cfg = specs.SimConfig()
    cfg.saveJson = cfg.saveSpikesSonata = False
    session = Session(net_params, cfg, echo=None)
    session.create()
    cell = session.model.cells[0]
    return session, cell


@pytest.fixture
def clean_neuron():
    yield
    assert list(neuron_h().allsec()) == []


@pytest.mark.parametrize("file_name, cell_name, args", [
    ("pyr_template.hoc", "PyrTemplate", None),
    ("pyr_class.py", "PyrCell", {"dend_length": 300}),
])
def test_template_and_class_import_reproduce_the_source(file_name, cell_name, args,
                                                        clean_neuron):
    from neuroloom.engine import introspect
    cell, sections = introspect.instantiate(str(DATA / file_name), cell_name, args, False)
    names = introspect.section_names(sections, cell)
    expected = describe(sections, names)
    del cell
    introspect.discard(None, sections)
    del sections
    assert list(neuron_h().allsec()) == []

    net = specs.NetParams()
    params = net.importCellParams('C', str(DATA / file_name), cell_name, cellArgs=args)
    assert list(neuron_h().allsec()) == []  # the import leaves nothing behind
    assert set(params['secs']) == set(expected)
    session, cell = instantiated(net, 'C')
    try:
        got = describe(list(cell.secs.values()), {s: n for n, s in cell.secs.items()})
        assert got == expected
    finally:
        session.clear()


def test_template_section_lists_and_synapses():
    net = specs.NetParams()
    params = net.importCellParams('C', str(DATA / "pyr_template.hoc"), "PyrTemplate",
                                  importSynMechs=True)
    assert params['secLists'] == {'all': ['soma', 'dend_0', 'dend_1'],
                                  'basal': ['dend_0', 'dend_1'], 'somatic': ['soma']}
    assert net.synMechParams['PyrTemplate_ExpSyn'] == {'mod': 'ExpSyn', 'e': 0.0, 'tau': 0.1}
    # somaAtOrigin: dend_0's points are shifted so the soma's middle point is the origin;
    # this soma has no 3D points, so nothing moves
    assert params['secs']['dend_0']['geom']['pt3d'][2] == [0.0, 200.0, 0.0, 1.0]
    assert params['secs']['dend_0']['topol'] == {'parentSec': 'soma', 'parentX': 1.0,
                                                 'childX': 0.0}


def test_swc_import_matches_neurons_own_reader(clean_neuron):
    h = neuron_h()
    h.load_file("import3d.hoc")
    reader = h.Import3d_SWC_read()
    reader.input(str(SWC))
    h.Import3d_GUI(reader, False).instantiate(None)
    sections = list(h.allsec())
    lengths = sorted(s.L for s in sections)
    total = sum(s.L for s in sections)
    for sec in sections:
        h.delete_section(sec=sec)
    net = specs.NetParams()
    params = net.importCellParams('M', str(SWC), somaAtOrigin=False)
    assert len(params['secs']) == len(sections) == 42
    assert set(params['secLists']) == {'all', 'somatic', 'axonal', 'basal'}  # interneuron
    session, cell = instantiated(net, 'M')
    try:
        # NEURON keeps 3D points in single precision: placing the cell at its position
        # changes lengths in the 7th digit
        got = sorted(s.L for s in cell.secs.values())
        assert np.allclose(got, lengths, rtol=1e-5, atol=1e-5)
        assert sum(s.L for s in cell.secs.values()) == pytest.approx(total)
    finally:
        session.clear()


def test_bad_imports():
    net = specs.NetParams()
    with pytest.raises(FormatError, match="does not exist"):
        net.importCellParams('X', 'nowhere.hoc', 'X')
    with pytest.raises(FormatError, match="defines no class 'Nope'"):
        net.importCellParams('X', str(DATA / "pyr_class.py"), 'Nope')
    with pytest.raises(FormatError, match="pyr_class.py"):
        net.importCellParams('X', str(DATA / "pyr_class.py"), 'PyrCell', cellArgs=[1, 2, 3, 4])


def test_neuroml_cell_import_instantiates_with_the_segments_lengths(clean_neuron):
    from neuroml.loaders import read_neuroml2_file
    path = ROOT / "tests" / "data" / "neuroml" / "NML2_SimpleMorphology.nml"
    cell = read_neuroml2_file(str(path)).cells[0]
    by_segment = {seg.id: cell.get_segment_length(seg.id) for seg in cell.morphology.segments}
    net = specs.NetParams()
    params = net.importCellParams('N', str(path), somaAtOrigin=False)
    assert list(params['secs']) == ['Soma', 'MainDendrite1', 'MainDendrite2', 'Spine']
    assert params['secLists']['spines'] == ['Spine']
    session, instance = instantiated(net, 'N')
    try:
        lengths = {name: sec.L for name, sec in instance.secs.items()}
        assert sum(lengths.values()) == pytest.approx(sum(by_segment.values()), rel=1e-6)
        assert instance.secs['Spine'].parentseg().x == pytest.approx(0.5)
    finally:
        session.clear()


def test_globals_a_cell_file_sets_are_kept_and_its_v_init_starts_every_section():
    # NetPyNE's importCellParams keeps them: PTcell.hoc starts at v_init -70.04 mV
    h = neuron_h()
    h.v_init, h.celsius = -65.0, 6.3
    net = specs.NetParams()
    rule = net.importCellParams('G', str(DATA / "globals_cell.hoc"), 'GlobalsCell')
    assert rule["globals"] == {"v_init": -72.5, "celsius": 30.0}
    assert rule["secs"]["soma"]["vinit"] == -72.5
    # a file that sets nothing new adds no globals
    again = net.importCellParams('G2', str(DATA / "pyr_class.py"), 'PyrCell')
    assert "globals" not in again


def test_a_class_whose_sections_have_no_owner_is_read_from_what_it_made(tmp_path):
    # NetPyNE's SPI6.py makes h.Section(name=...) without cell=self
    source = tmp_path / "unowned.py"
    source.write_text("from neuron import h\n"
                      "class Unowned:\n"
                      "    def __init__(self):\n"
                      "        self.soma = h.Section(name='soma')\n"
                      "        self.dend = h.Section(name='dend')\n"
                      "        self.dend.connect(self.soma)\n"
                      "        self.soma.L = self.soma.diam = 15\n")
    h = neuron_h()
    others = [h.Section(name="bystander")]  # made before: not the cell's
    net = specs.NetParams()
    rule = net.importCellParams('U', str(source), 'Unowned')
    assert sorted(rule["secs"]) == ["dend", "soma"]
    assert rule["secs"]["soma"]["geom"]["L"] == 15
    assert [str(s) for s in h.allsec()] == ["bystander"]
    del others
