"""neuroloom's annotation of an exported NeuroML network is used only when the whole document,
inputs included, is what neuroloom wrote; any other file is read as it is, with a warning."""
from __future__ import annotations

import re
import warnings

import h5py
import numpy as np
import pytest

from helpers import built_network as built, tutorial_specs
from neuroloom.builder import network_from_specs
from neuroloom.exporters.neuroml import export
from neuroloom.importers import neuroml


def load_quietly(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an exact import warns about nothing
        return neuroml.load(path)


def test_deleting_every_input_list_gives_a_network_without_inputs(tmp_path):
    network, cfg = built("tut3")
    path = export(network, "tut3", tmp_path, cfg)[0]
    text = path.read_text()
    assert load_quietly(path).exact
    edited, n = re.subn(r"\s*<inputList .*?</inputList>", "", text, flags=re.S)
    assert n == 2 and len(network.stims) == 40
    path.write_text(edited)
    with pytest.warns(UserWarning, match=r"\(its input lists were changed\); it is read as it is"):
        model = neuroml.load(path)
    assert not model.exact
    assert len(model.network.stims) == 0 and len(model.network.conns) == len(network.conns)


def test_editing_one_weight_gives_the_files_weight(tmp_path):
    network, cfg = built("tut3")
    path = export(network, "tut3", tmp_path, cfg)[0]
    text = path.read_text()
    first = re.search(r'<connectionWD id="(\d+)"[^>]* weight="([^"]*)"', text)
    row, weight = int(first.group(1)), float(first.group(2))
    assert network.conns.weight[row] == weight
    path.write_text(text.replace(first.group(0), first.group(0).replace(
        f'weight="{first.group(2)}"', 'weight="0.5"'), 1))
    with pytest.warns(UserWarning, match="its projections were changed"):
        model = neuroml.load(path)
    assert not model.exact
    weights = model.network.conns.weight
    assert np.count_nonzero(weights == 0.5) == 1
    assert np.count_nonzero(weights == weight) == np.count_nonzero(
        network.conns.weight == weight) - 1


def test_editing_one_weight_in_hdf5(tmp_path):
    network, cfg = built("tut3")
    path = export(network, "tut3", tmp_path, cfg, format="hdf5")[0]
    assert load_quietly(path).exact
    with h5py.File(path, "r+") as f:
        (name,) = [k for k in f["neuroml/network"] if k.startswith("projection_")]
        table = f["neuroml/network"][name][name[len("projection_"):]]
        data = table[()]
        data[0, 7] = 0.5  # column 7: weight
        table[...] = data
    with pytest.warns(UserWarning, match="its projections were changed"):
        model = neuroml.load(path)
    assert not model.exact and np.count_nonzero(model.network.conns.weight == 0.5) == 1


def _with_spike_trains():
    """Tutorial 3 with a VecStim cell (its train a spikeArray) driving M."""
    net, cfg = tutorial_specs("tut3")
    net.popParams["VS"] = {"cellModel": "VecStim", "numCells": 1,
                           "spkTimes": [10.0, 25.0, 40.0]}
    net.connParams["VS->M"] = {"preConds": {"pop": "VS"}, "postConds": {"pop": "M"},
                               "weight": 0.01, "delay": 2, "synMech": "exc"}
    return network_from_specs(net, cfg), cfg


def test_moving_every_spike_time_gives_the_files_times(tmp_path):
    network, cfg = _with_spike_trains()
    path = export(network, "vs", tmp_path, cfg)[0]
    text = path.read_text()
    assert load_quietly(path).exact
    edited, n = re.subn(r'<spike id="(\d+)" time="[^"]*"/>', r'<spike id="\1" time="999ms"/>',
                        text)
    assert n == 3
    path.write_text(edited)
    with pytest.warns(UserWarning, match="its components were changed"):
        model = neuroml.load(path)
    assert not model.exact
    trains = model.network.spike_trains
    assert len(trains.gids) == 1 and set(trains.times.tolist()) == {999.0}


def test_the_same_content_laid_out_differently_is_still_exact(tmp_path):
    """Another layout of the same document (attribute order, indentation), or libNeuroML's
    rewrite of it (positions to 16 digits), still says what neuroloom wrote."""
    from neuroml.loaders import read_neuroml2_file  # libNeuroML: optional, slow to import
    from neuroml.writers import NeuroMLWriter

    network, cfg = built("tut3")
    path = export(network, "tut3", tmp_path, cfg)[0]
    text = path.read_text()
    moved = re.sub(r'<population id="(\w+)" component="(\w+)"',
                   r'<population component="\2" id="\1"', text)
    moved = moved.replace("\n            <instance", "\n<instance")
    assert moved != text
    path.write_text(moved)
    model = load_quietly(path)
    assert model.exact and model.network.stims == network.stims
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libNeuroML's own warnings
        rewritten = tmp_path / "rewritten.net.nml"
        NeuroMLWriter.write(read_neuroml2_file(str(path)), str(rewritten))
    assert rewritten.read_text().count("<instance") == 40
    assert load_quietly(rewritten).exact


def test_an_annotation_without_digest_is_not_trusted(tmp_path):
    network, cfg = built("tut3")
    path = export(network, "tut3", tmp_path, cfg)[0]
    path.write_text(re.sub(r'(<property tag="neuroloom" value=")[0-9a-f.]+:', r"\1",
                           path.read_text()))
    with pytest.warns(UserWarning, match="carries no digest"):
        assert not neuroml.load(path).exact
