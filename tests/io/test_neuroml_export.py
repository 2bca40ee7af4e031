"""NeuroML2 export and import: every example network is written as valid NeuroML (XML and
HDF5), jNeuroML accepts it, and importing it gives back the same network; what NeuroML says
by itself (without neuroloom's annotation) is the same model; bad files are refused with
the file, line and element."""
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from helpers import built_network as built, tutorial_specs
from neuroloom.errors import FormatError
from neuroloom.exporters.neuroml import export
from neuroloom.importers import neuroml

EXAMPLES = ["tut1", "tut2", "tut3", "tut4", "tut5", "tut6", "tut7"]
PARTS = ("cells", "conns", "stims", "pops", "cell_types", "syn_mechs", "stim_sources",
         "section_names", "conn_rules", "stim_rules", "size", "spike_trains", "stim_trains")


def strip_annotation(path, to):
    text = re.sub(r'\s*<property tag="neuroloom" value="[^"]*"/>', "", path.read_text())
    to.write_text(text)
    return to


@pytest.mark.parametrize("fmt", ["xml", "hdf5"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_network_comes_back_equal(name, fmt, tmp_path):
    network, cfg = built(name)
    path, lems = export(network, name, tmp_path, cfg, format=fmt)
    assert path.name == f"{name}.net.{'nml' if fmt == 'xml' else 'h5'}"
    assert lems.name == f"LEMS_{name}.xml" and path.name in lems.read_text()
    for model in (neuroml.load(path), neuroml.load(lems)):
        assert model.exact
        for part in PARTS:
            assert getattr(model.network, part) == getattr(network, part), part
    assert (model.sim_config.duration, model.sim_config.dt) == (cfg.duration, cfg.dt)
    assert model.sim_config.seeds == cfg.seeds


@pytest.mark.java
def test_jneuroml_validates_the_exports(tmp_path):
    files = [str(export(*built(name)[:1], name, tmp_path, built(name)[1])[0])
             for name in ("tut2", "tut3", "tut4", "tut5", "tut6")]
    pynml = str(Path(sys.executable).parent / "pynml")
    result = subprocess.run([pynml, "-validate", *files], capture_output=True, text=True,
                            timeout=300, cwd=tmp_path)
    out = result.stdout + result.stderr
    assert f"Validated {len(files)} files: All valid and no warnings" in out, out[-3000:]


def test_ids_are_valid_neuroml_ids(tmp_path):
    network, cfg = built("tut6")  # labels such as 'Input_1->S' and 'Input_3->M1'
    text = export(network, "tut6", tmp_path, cfg)[0].read_text()
    ids = re.findall(r' id="([^"]*)"', text)
    assert ids and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*|\d+", i) for i in ids)


def test_what_neuroml_itself_says_is_the_model(tmp_path):
    """Tutorial 3 read without neuroloom's annotation: two compartments, a 150 x 5 um
    dendrite, hh and pas with their exact conductances, synapses on dend(1.0)."""
    network, cfg = built("tut3")
    path = export(network, "tut3", tmp_path, cfg)[0]
    model = neuroml.load(strip_annotation(path, tmp_path / "plain.net.nml"))
    assert not model.exact
    net = model.network
    (cell,) = net.cell_types
    soma, dend = cell.sections
    assert (soma.name, dend.name, dend.parent, dend.parent_x) == ("soma", "dend", "soma", 1.0)
    length = np.linalg.norm(np.diff(np.array(dend.pt3d)[:, :3], axis=0), axis=1).sum()
    assert length == pytest.approx(150.0, abs=1e-12) and {p[3] for p in dend.pt3d} == {5.0}
    assert dict(dend.mechs) == {"pas": (("g", 3.57e-05), ("e", -70.0))}
    assert dict(soma.mechs)["hh"] == (("gnabar", 0.12), ("gkbar", 0.036), ("gl", 0.003),
                                      ("el", -70.0))
    assert (soma.Ra, dend.Ra, dend.cm, soma.nseg) == (123.0, 150.0, 1.0, 1)
    assert net.syn_mechs[0].mod == "Exp2Syn" and dict(net.syn_mechs[0].params) == {
        "tau1": 1.0, "tau2": 5.0, "e": 0.0}
    c = net.conns
    assert len(c) == len(network.conns)
    assert {net.section_names[s] for s in c.sec} == {"dend"} and set(c.loc) == {1.0}
    np.testing.assert_array_equal(c.weight, network.conns.weight)
    np.testing.assert_array_equal(c.pre_gid, network.conns.pre_gid)
    np.testing.assert_array_equal(net.cells.x, network.cells.x)


def test_an_edited_file_is_read_as_it_is(tmp_path):
    network, cfg = built("tut3")
    path = export(network, "tut3", tmp_path, cfg)[0]
    path.write_text(path.read_text().replace('condDensity="3.57e-05 S_per_cm2"',
                                             'condDensity="4e-05 S_per_cm2"'))
    with pytest.warns(UserWarning, match="cell PYR was changed"):
        model = neuroml.load(path)
    assert not model.exact
    dend = model.network.cell_types[0].section("dend")
    assert dict(dict(dend.mechs)["pas"])["g"] == 4e-05


def test_hdf5_opens_in_libneuroml(tmp_path):
    from neuroml.loaders import read_neuroml2_file

    network, cfg = built("tut5")
    path = export(network, "tut5", tmp_path, cfg, format="hdf5")[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = read_neuroml2_file(str(path))
    net = doc.networks[0]
    assert sorted(p.id for p in net.populations) == sorted(p.label for p in network.pops)
    assert sum(len(p.connection_wds) for p in net.projections) == len(network.conns)


# -- bad files -------------------------------------------------------------------------------
@pytest.fixture
def tut2_file(tmp_path):
    network, cfg = built("tut2")
    return export(network, "tut2", tmp_path, cfg)[0]


def edit(path, old, new, count=1):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, count))
    return path


def line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_unknown_attribute_names_line_and_element(tut2_file):
    edit(tut2_file, '<connectionWD id="0"', '<connectionWD id="0" wieght="2"')
    line = line_of(tut2_file, 'wieght="2"')
    with pytest.raises(FormatError, match=rf"tut2.net.nml:{line}: <connectionWD id=\"0\">: "
                                          r"unknown attribute\(s\) wieght"):
        neuroml.load(tut2_file)


def test_dangling_synapse_reference(tut2_file):
    edit(tut2_file, 'synapse="exc">', 'synapse="inh">')
    line = line_of(tut2_file, 'synapse="inh">')
    with pytest.raises(FormatError, match=rf"tut2.net.nml:{line}: <projection id=\"S__M_S_M_exc\""
                                          r">: synapse 'inh' is not defined"):
        neuroml.load(tut2_file)


def test_dangling_cell_reference(tut2_file):
    edit(tut2_file, 'component="PYR" size="20"', 'component="PYRR" size="20"')
    with pytest.raises(FormatError, match=r"<population id=\"S\">: component 'PYRR' is not "
                                          "defined"):
        neuroml.load(tut2_file)


def test_unknown_component_type(tut2_file):
    edit(tut2_file, "<cell id=", '<fooCell id="x"/>\n    <cell id=')
    line = line_of(tut2_file, "fooCell")
    with pytest.raises(FormatError, match=rf":{line}: <fooCell id=\"x\">: unknown component "
                                          "type 'fooCell'"):
        neuroml.load(tut2_file)


def test_cell_index_out_of_range_and_broken_xml(tut2_file, tmp_path):
    edit(tut2_file, 'postCellId="../M/', 'postCellId="../M/7', 1)
    with pytest.raises(FormatError, match=r"projection id=\"S__M_S_M_exc\">: cell \d+ of "
                                          r"population 'M' \(20 cells\)"):
        neuroml.load(tut2_file)
    broken = tmp_path / "broken.nml"
    broken.write_text('<neuroml id="x">\n  <cell id="a">\n</neuroml>\n')
    with pytest.raises(FormatError, match=r"broken.nml:3: not well-formed XML"):
        neuroml.load(broken)


def test_a_failed_export_leaves_nothing(tmp_path):
    network, cfg = built("tut2")
    from dataclasses import replace

    syn = replace(network.syn_mechs[0], mod="MySyn")
    with pytest.raises(FormatError, match="synMech 'exc': MySyn has no NeuroML form"):
        export(replace(network, syn_mechs=(syn,)), "tut2", tmp_path, cfg)
    assert list(tmp_path.iterdir()) == []


def test_export_through_the_facade(tmp_path):
    from neuroloom import sim
    from neuroloom.sim import state

    net, cfg = tutorial_specs("tut2")
    cfg.saveFolder = str(tmp_path)
    sim.initialize(netParams=net, simConfig=cfg)
    sim.net.createPops()
    try:
        path, lems = sim.exportNeuroML2("tut2", connections=False, format="hdf5")
        assert (path, lems) == (tmp_path / "tut2.net.h5", tmp_path / "LEMS_tut2.xml")
        back = neuroml.load(lems).network
        assert len(back.conns) == 0 and back.cells == state.current().network.cells
        assert len(back.stims) == len(state.current().network.stims)
    finally:
        state.peek().clear()


def test_an_izhikevich_celltype_neuroml_lacks_is_written_as_netpyne_writes_it(tmp_path):
    """M1's export.py: its FS cells (Izhi2007b celltype 5) become izhikevich2007Cells, as
    NetPyNE writes them, with a warning that their own terms are lost; neuroloom's own
    reading of the file keeps the celltype."""
    from neuroloom.builder import network_from_specs

    net, cfg = tutorial_specs("tut4")
    izhi = net.cellParams['PYR_Izhi']['secs']['soma']['pointps']['Izhi']
    izhi['celltype'] = 5
    network = network_from_specs(net, cfg)
    with pytest.warns(UserWarning, match=r"cell type 'PYR_Izhi': Izhi2007b celltype 5 \(FS: "
                                         r"u follows a cubic of v above d\) is written as "
                                         r"NeuroML's izhikevich2007Cell"):
        path, _ = export(network, "fs", tmp_path, cfg)
    assert '<izhikevich2007Cell id=' in path.read_text()
    assert neuroml.load(path).network.cell_types == network.cell_types
