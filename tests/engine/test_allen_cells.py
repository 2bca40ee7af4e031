"""SONATA biophysical cells (Allen NeuroML templates and perisomatic JSON fits) imported as
cellParams build the same cells as BMTK itself: same sections in BMTK's order, geometry,
mechanisms and reversal potentials, and the same soma voltage under current injection."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from helpers import shared
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.errors import FormatError

EXAMPLES = shared("sonata-examples")
SHARED = EXAMPLES / "shared_components"
MORPHOLOGIES = SHARED / "morphologies"
TEMPLATES = SHARED / "biophysical_neuron_templates"
DL, THRESHOLD = 20.0, -15.0  # 9_cells' run.dL and run.spike_threshold
AMP, DELAY, DUR, TSTOP = 0.3, 100.0, 500.0, 700.0

NML_CASES = [  # the 9_cells node types, and the two Pvalb templates with their morphologies
    ("Cell_472363762.cell.nml", "Scnn1a_473845048_m.swc"),
    ("Cell_473863510.cell.nml", "Rorb_325404214_m.swc"),
    ("Cell_473863035.cell.nml", "Nr5a1_471087815_m.swc"),
    ("Cell_472912177.cell.nml", "Pvalb_470522102_m.swc"),
    ("Cell_473862421.cell.nml", "Pvalb_469628681_m.swc"),
]
FIT_CASES = [  # ctdb:Biophys1 + aibs_perisomatic; BMTK accepts any morphology with any fit
    ("472363762_fit.json", "Scnn1a_473845048_m.swc"),
    ("472912177_fit.json", "Pvalb_470522102_m.swc"),
    ("473863035_fit.json", "Pvalb_469628681_m.swc"),
]


@pytest.fixture(scope="module")
def bmtk():
    """NEURON with the Allen mechanisms, and BMTK's cell builders and Biophys1 template."""
    import importlib.util

    from neuroloom.engine.modfiles import load

    h = neuron_h()
    root = Path(importlib.util.find_spec("bmtk").origin).parent
    load(root / "utils" / "scripts" / "bionet" / "mechanisms" / "modfiles")
    from bmtk.simulator.bionet.default_setters import cell_models
    from bmtk.simulator.bionet.morphology import Morphology

    h.load_file("import3d.hoc")
    h.load_file(str(root / "simulator" / "bionet" / "default_templates" / "Biophys1.hoc"))
    return cell_models, Morphology


@pytest.fixture
def clean_neuron():
    yield
    assert list(neuron_h().allsec()) == [], "a test left NEURON sections behind"


class _Node:
    """What BMTK's cell builders read of a SONATA node (and of its network)."""

    def __init__(self, morphology):
        self.morphology_file = str(morphology)
        self.network = self

    def get_component(self, name):
        assert name == "biophysical_neuron_models_dir"
        return str(TEMPLATES)


def build_bmtk(bmtk, morphology, model_template, model_processing, dynamics_params):
    """The hoc object BMTK's BioNode.load_cell + BioCell.build_morphology make."""
    cell_models, Morphology = bmtk
    node = _Node(morphology)
    directive, name = model_template.split(":")
    if directive == "nml":
        hobj = cell_models.NMLLoad(node, name, dynamics_params)
    else:
        hobj = cell_models.Biophys1(node, name, dynamics_params)
    for step in (model_processing.split(",") if model_processing else []):
        assert step == "aibs_perisomatic"
        hobj = cell_models.aibs_perisomatic(hobj, node, dynamics_params)
    Morphology(hobj=hobj).set_segment_dl(DL)
    return hobj


def build_ours(morphology, model_template, model_processing, dynamics_params):
    from neuroloom.engine.cells import CellInstance
    from neuroloom.engine.bmtk_cells import bmtk_biophysical_cell, section_names
    from neuroloom.validate.cells import cell_type
    from neuroloom.validate.checker import Checker

    before = len(list(neuron_h().allsec()))
    params = bmtk_biophysical_cell(morphology=morphology, model_template=model_template,
                                   model_processing=model_processing,
                                   dynamics_params=dynamics_params, templates_dir=TEMPLATES,
                                   dL=DL)
    assert len(list(neuron_h().allsec())) == before  # the import leaves nothing behind
    json.dumps(params)  # plain data
    check = Checker()
    ct = cell_type("C", params, "cellParams['C']", THRESHOLD, check)
    check.raise_if_any()
    assert (ct.spike_sec, ct.spike_loc, ct.threshold) == ("soma_0", 0.5, THRESHOLD)
    cell = CellInstance(neuron_h(), 0, ct, position=(0.0, 0.0, 0.0))
    return params, cell, section_names(params)


def _close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def _local(sec):
    base, index = sec.name().split(".")[-1].rstrip("]").split("[")
    return f"{base}_{index}"


def assert_same_cells(hobj, cell, names, params):
    from neuroloom.engine.mechanisms import parameters

    theirs = list(hobj.all)
    ours = [cell.secs[name] for name in names]
    assert names == [_local(sec) for sec in theirs]  # BMTK's hobj.all order, named alike
    assert list(params["secs"]) == names
    assert names[-2:] == ["axon_0", "axon_1"]  # the stubs, at the end
    for key in ("somatic", "basal", "apical", "axonal"):
        assert params["secLists"].get(key, []) == [_local(s) for s in getattr(hobj, key)]
    for a, b in zip(theirs, ours):
        where = _local(a)
        assert a.nseg == b.nseg, where
        assert _close(a.L, b.L), where
        assert a.Ra == b.Ra, where
        for sa, sb in zip(a, b):
            assert _close(sa.diam, sb.diam) and _close(sa.area(), sb.area()), where
            assert sa.cm == sb.cm, where
        pa, pb = a.parentseg(), b.parentseg()
        assert (pa is None) == (pb is None), where
        if pa is not None:
            assert (_local(pa.sec), pa.x) == (names[ours.index(pb.sec)], pb.x), where
        mechs_a = set(a.psection()["density_mechs"])
        assert mechs_a == set(b.psection()["density_mechs"]), where
        for mech in mechs_a:
            for param in parameters(mech):
                va = [getattr(getattr(seg, mech), param) for seg in a]
                vb = [getattr(getattr(seg, mech), param) for seg in b]
                assert va == vb, (where, mech, param)
        for ion in ("na", "k"):
            assert hasattr(a(0.5), f"e{ion}") == hasattr(b(0.5), f"e{ion}"), where
            if hasattr(a(0.5), f"e{ion}"):
                assert getattr(a, f"e{ion}") == getattr(b, f"e{ion}"), (where, ion)


def assert_same_voltage(hobj, cell):
    """The same IClamp in both somas; soma voltages and spikes must match."""
    h = neuron_h()
    probes = []
    for soma in (hobj.soma[0], cell.secs["soma_0"]):
        stim = h.IClamp(soma(0.5))
        stim.amp, stim.delay, stim.dur = AMP, DELAY, DUR
        v, spikes = h.Vector().record(soma(0.5)._ref_v), h.Vector()
        nc = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
        nc.threshold = THRESHOLD
        nc.record(spikes)
        probes.append((stim, v, spikes, nc))
    del soma
    h.cvode_active(0)
    h.celsius, h.dt = 34.0, 0.025
    h.finitialize(-80.0)
    h.continuerun(TSTOP)
    (_, va, sa, _), (_, vb, sb, _) = probes
    dv = float(np.max(np.abs(np.array(va) - np.array(vb))))
    counts = (len(sa), len(sb))
    dt = float(np.max(np.abs(np.array(sa) - np.array(sb)))) if counts[0] == counts[1] else None
    del probes, va, vb, sa, sb
    return dv, counts, dt


def compare(bmtk, morphology, model_template, model_processing, dynamics_params):
    hobj = build_bmtk(bmtk, morphology, model_template, model_processing, dynamics_params)
    params, cell, names = build_ours(morphology, model_template, model_processing,
                                     dynamics_params)
    try:
        assert_same_cells(hobj, cell, names, params)
        dv, counts, dt = assert_same_voltage(hobj, cell)
    finally:
        del cell, hobj
    assert counts[0] == counts[1] and counts[0] > 0, counts
    assert dv < 1e-6, dv
    assert dt < 1e-6, dt
    return dv


@pytest.mark.parametrize("template, swc", NML_CASES, ids=[c[0][5:14] for c in NML_CASES])
def test_nml_templates_match_bmtk(bmtk, clean_neuron, template, swc):
    # as in 9_cells: aibs_perisomatic without dynamics_params does nothing
    compare(bmtk, MORPHOLOGIES / swc, f"nml:nml/{template}", "aibs_perisomatic", None)


@pytest.mark.parametrize("fit, swc", FIT_CASES, ids=[c[0][:9] for c in FIT_CASES])
def test_perisomatic_fits_match_bmtk(bmtk, clean_neuron, fit, swc):
    dynamics = json.loads((TEMPLATES / "json" / fit).read_text())
    compare(bmtk, MORPHOLOGIES / swc, "ctdb:Biophys1", "aibs_perisomatic", dynamics)


def test_nml_template_then_perisomatic_fit_matches_bmtk(bmtk, clean_neuron):
    # the axon is replaced twice, the fit applied over the NeuroML biophysics
    dynamics = json.loads((TEMPLATES / "json" / "472363762_fit.json").read_text())
    compare(bmtk, MORPHOLOGIES / "Scnn1a_473845048_m.swc", "nml:nml/Cell_472363762.cell.nml",
            "aibs_perisomatic", dynamics)


def test_section_names_and_order(bmtk, clean_neuron):
    from neuroloom.engine.bmtk_cells import bmtk_biophysical_cell, section_names

    params = bmtk_biophysical_cell(morphology=MORPHOLOGIES / "Rorb_325404214_m.swc",
                                   model_template="nml:nml/Cell_473863510.cell.nml",
                                   model_processing=None, dynamics_params=None,
                                   templates_dir=TEMPLATES, dL=None)
    names = section_names(params)
    assert all(re.fullmatch(r"(soma|dend|apic|axon)_\d+", n) for n in names)
    rank = {"soma": 0, "dend": 1, "apic": 2, "axon": 3}
    key = [(rank[n.split("_")[0]], int(n.split("_")[1])) for n in names]
    assert key == sorted(key) and names[0] == "soma_0"
    assert params["secs"]["soma_0"]["spikeGenLoc"] == 0.5
    assert params["secs"]["axon_0"]["topol"] == {"parentSec": "soma_0", "parentX": 0.5,
                                                 "childX": 0.0}
    assert params["secs"]["axon_0"]["geom"]["L"] == 30.0
    assert all(s["geom"]["nseg"] == 1 for s in params["secs"].values())  # no dL
    soma = params["secs"]["soma_0"]
    assert soma["mechs"]["NaTs"]["gbar"] == 0.71282189194800005  # as written in the file
    assert soma["mechs"]["pas"] == {"g": 0.00092865666454699993, "e": -85.07815551757812}
    assert (soma["geom"]["Ra"], soma["geom"]["cm"]) == (35.64, 1.0)  # units ignored
    assert params["secs"]["dend_0"]["geom"]["cm"] == 2.19
    assert "NaTs" not in params["secs"]["dend_0"]["mechs"]
    assert soma["ions"]["na"] == {"e": 53.0} and soma["ions"]["k"] == {"e": -107.0}
    assert "ca" not in soma["ions"]  # eca is computed by NEURON (CaDynamics writes cai)
    assert set(soma["mechs"]["CaDynamics"]) >= {"gamma", "decay"}


def test_biophys1_without_fit_keeps_the_axon(bmtk, clean_neuron):
    """ctdb:Biophys1 alone (or aibs_perisomatic without dynamics_params): the bare
    morphology, axon included, in Import3d's order (soma, axon, dend, apic)."""
    from neuroloom.engine.bmtk_cells import section_names

    swc = MORPHOLOGIES / "Rorb_325404214_m.swc"
    hobj = build_bmtk(bmtk, swc, "ctdb:Biophys1", "aibs_perisomatic", None)
    params, cell, names = build_ours(swc, "ctdb:Biophys1", "aibs_perisomatic", None)
    try:
        assert names == [_local(sec) for sec in hobj.all]
        assert names[:2] == ["soma_0", "axon_0"] and "axon_0" in params["secLists"]["axonal"]
        assert section_names(params) == list(params["secs"])
        assert all(not s["mechs"] and s["geom"]["Ra"] == 35.4 for s in params["secs"].values())
        for a, b in zip(hobj.all, (cell.secs[n] for n in names)):
            assert a.nseg == b.nseg and _close(a.L, b.L)
            assert all(_close(sa.area(), sb.area()) for sa, sb in zip(a, b))
    finally:
        del cell, hobj


def test_bmtk_connection_order_makes_the_cell_bit_exact(bmtk, clean_neuron):
    """Sections connected in BMTK's order and stubs shaped by define_shape() as BMTK's are:
    the soma voltage is then identical to the last bit."""
    from neuroloom.engine.cells import CellInstance
    from neuroloom.engine.bmtk_cells import bmtk_biophysical_cell, section_names
    from neuroloom.validate.cells import cell_type
    from neuroloom.validate.checker import Checker

    swc, template = MORPHOLOGIES / "Nr5a1_471087815_m.swc", "nml:nml/Cell_473863035.cell.nml"
    hobj = build_bmtk(bmtk, swc, template, None, None)
    params = bmtk_biophysical_cell(morphology=swc, model_template=template,
                                   model_processing=None, dynamics_params=None,
                                   templates_dir=TEMPLATES, dL=DL, bmtk_connection_order=True)
    assert list(params["secs"]) != section_names(params)  # apic_0 among the dends
    assert sorted(params["secs"]) == sorted(section_names(params))
    assert section_names(params) == [_local(sec) for sec in hobj.all]
    check = Checker()
    cell = CellInstance(neuron_h(), 0, cell_type("C", params, "C", THRESHOLD, check), (0, 0, 0))
    check.raise_if_any()
    neuron_h().define_shape()  # what BMTK's fix_axon_peri does (global: test only)
    try:
        dv, counts, dt = assert_same_voltage(hobj, cell)
    finally:
        del cell, hobj
    assert dv == 0.0 and dt == 0.0 and counts[0] == counts[1] > 0


@pytest.mark.parametrize("kwargs, name", [
    (dict(model_template="python:foo"), "python:foo"),
    (dict(model_template="hoc:Foo"), "hoc:Foo"),
    (dict(model_template="nml:nml/Nope.cell.nml"), "Nope.cell.nml"),
    (dict(morphology=MORPHOLOGIES / "missing.swc"), "missing.swc"),
    (dict(model_processing="aibs_perisomatic,foo_bar"), "foo_bar"),
    (dict(model_processing="aibs_allactive"), "aibs_allactive"),
])
def test_unsupported_inputs_raise_format_error(bmtk, clean_neuron, kwargs, name):
    from neuroloom.engine.bmtk_cells import bmtk_biophysical_cell

    args = dict(morphology=MORPHOLOGIES / "Scnn1a_473845048_m.swc",
                model_template="nml:nml/Cell_472363762.cell.nml", model_processing=None,
                dynamics_params=None, templates_dir=TEMPLATES, dL=DL)
    args.update(kwargs)
    with pytest.raises(FormatError, match=re.escape(name)):
        bmtk_biophysical_cell(**args)


def test_unrepresentable_fit_entries_raise_format_error(bmtk, clean_neuron, tmp_path):
    from neuroloom.engine.bmtk_cells import bmtk_biophysical_cell

    fit = json.loads((TEMPLATES / "json" / "472363762_fit.json").read_text())
    fit["genome"].append({"section": "dend", "name": "diam", "value": 2.0, "mechanism": ""})
    with pytest.raises(FormatError, match=r"fit\.json.*genome\[\d+\] \(diam\)"):
        bmtk_biophysical_cell(morphology=MORPHOLOGIES / "Scnn1a_473845048_m.swc",
                              model_template="ctdb:Biophys1",
                              model_processing="aibs_perisomatic", dynamics_params=fit,
                              templates_dir=TEMPLATES, dL=DL, dynamics_params_file="fit.json")
    # an all-active fit (no passive.cm / e_pas, values as strings): BMTK fails on it too
    allactive = json.loads((TEMPLATES / "json" / "318331342_fit.json").read_text())
    with pytest.raises(FormatError, match=r"318331342_fit\.json.*e_pas"):
        bmtk_biophysical_cell(morphology=MORPHOLOGIES / "Rorb_325404214_m.swc",
                              model_template="ctdb:Biophys1",
                              model_processing="aibs_perisomatic", dynamics_params=allactive,
                              templates_dir=TEMPLATES, dL=DL,
                              dynamics_params_file=TEMPLATES / "json" / "318331342_fit.json")
    bad = tmp_path / "bad.cell.nml"
    text = (TEMPLATES / "nml" / "Cell_472363762.cell.nml").read_text()
    bad.write_text(text.replace('segmentGroup="apic"', 'segmentGroup="oblique"', 1))
    with pytest.raises(FormatError, match=r"bad\.cell\.nml.*oblique"):
        bmtk_biophysical_cell(morphology=MORPHOLOGIES / "Scnn1a_473845048_m.swc",
                              model_template="nml:bad.cell.nml", model_processing=None,
                              dynamics_params=None, templates_dir=tmp_path, dL=DL)
