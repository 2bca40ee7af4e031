"""A GHK channel read from NeuroML exports back (issue 18, item 3): Ex18_GHK's
<channelDensityGHK permeability="2.5e-7 m_per_s" ionChannel="ca_chan" ion="ca"> becomes the
generated mechanism's `permeability` (cm/s); the export writes it as the channelDensityGHK it
was, validates, re-imports exactly to the same spikes and runs in jNeuroML the same."""
from __future__ import annotations

import json
import re
import shutil
import warnings

import numpy as np
import pytest
from helpers import PYNML_VALID, ROOT, corpus_lems, jneuroml_neuron, pynml_validate
from helpers import run_neuroml_file as _run

from neuroloom.exporters.neuroml import export

pytestmark = [pytest.mark.java, pytest.mark.slow]  # jNeuroML generates the file's code


def test_a_ghk_channel_density_comes_back(tmp_path):
    spikes, gids, model = _run(corpus_lems("Ex18_GHK"))
    assert len(spikes) == 2
    path, lems = export(model.network, "ex18", tmp_path / "export", model.sim_config)
    text = path.read_text()
    # 2.5e-7 m/s is 2.5e-5 cm/s (to the float noise of the unit conversion)
    ghk = re.search(r'<channelDensityGHK id="ca_chan_\w+" ionChannel="ca_chan" '
                    r'permeability="([0-9.e-]+) cm_per_s" [^>]*ion="ca"', text)
    assert ghk, text
    assert float(ghk.group(1)) == pytest.approx(2.5e-5, rel=1e-12)
    assert not re.search(r'<channelDensity [^>]*ionChannel="ca_chan"', text)
    assert PYNML_VALID in pynml_validate(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again_spikes, again_gids, again = _run(lems)
    assert again.exact
    # the same sections and values; the generated mechanisms' names end in a hash of the
    # document they were read from, which the export changes
    assert _unhashed(again.network.cell_types) == _unhashed(model.network.cell_types)
    np.testing.assert_array_equal(again_spikes, spikes)
    np.testing.assert_array_equal(again_gids, gids)
    fresh = tmp_path / "fresh"
    shutil.copytree(path.parent, fresh)
    rows = jneuroml_neuron(fresh / lems.name)
    # jNeuroML runs the export as it runs the corpus file (its stored NEURON-export spikes);
    # neuroloom's own run uses NEURON's hh, 0.01 ms from jNeuroML's HH channels
    reference = json.loads((ROOT / "tests/data/neuroml_reference/Ex18_GHK.json").read_text())
    np.testing.assert_allclose(rows[:, 1], reference["spikes"]["times"]["pop[0]"], atol=1e-5)
    np.testing.assert_allclose(rows[:, 1], np.sort(spikes), atol=0.01)


def _unhashed(cell_types) -> str:
    return re.sub(r"(nml_\w+?)_[0-9a-f]{8}'", r"\1'", repr(cell_types))
