"""A cell with a calcium pool read from NeuroML exports back (issue 18, item 3): Ex15's
Granule_98 has <species id="ca" concentrationModel="Gran_CaPool" initialConcentration
initialExtConcentration>, which the importer reads as the pool's mechanism, the section's ca
concentrations and NEURON's cai0_ca_ion/cao0_ca_ion; the export writes the species and the
pool's element again, validates, re-imports exactly and runs in jNeuroML the same."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from helpers import jneuroml_neuron, shared, run_neuroml_file as _run

from neuroloom.errors import FormatError
from neuroloom.exporters.neuroml import export
from neuroloom.importers import neuroml

pytestmark = [pytest.mark.java, pytest.mark.slow]  # jNeuroML generates the file's code

LEMS = ("neuroml-examples", "LEMSexamples", "LEMS_NML2_Ex15_CaDynamics.xml")


def test_a_calcium_pool_and_its_species_come_back(tmp_path):
    spikes, gids, model = _run(shared(*LEMS))
    assert len(spikes) == 20
    path, lems = export(model.network, "ex15", tmp_path / "export", model.sim_config)
    text = path.read_text()
    assert re.search(r'<species id="ca" concentrationModel="Gran_CaPool" ion="ca" '
                     r'initialConcentration="7.55e-05mM" initialExtConcentration="2.4mM"/>',
                     text)
    assert '<decayingPoolConcentrationModel id="Gran_CaPool" ion="ca"' in text
    assert re.search(r'ionChannel="Gran_CaHVA_98" [^>]*erev="80.0 mV"[^>]*ion="ca"', text)
    assert re.search(r'ionChannel="Gran_H_98" [^>]*erev="-42.0 mV"[^>]*ion="h"', text)
    pynml = str(Path(sys.executable).parent / "pynml")
    check = subprocess.run([pynml, "-validate", path.name], capture_output=True, text=True,
                           timeout=300, cwd=path.parent)
    assert "Validated 1 files: All valid and no warnings" in check.stdout + check.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again_spikes, again_gids, again = _run(lems)
    assert again.exact
    assert again.network.cell_types[0].globals == model.network.cell_types[0].globals
    np.testing.assert_array_equal(again_spikes, spikes)
    np.testing.assert_array_equal(again_gids, gids)
    fresh = tmp_path / "fresh"
    shutil.copytree(path.parent, fresh)
    rows = jneuroml_neuron(fresh / lems.name)
    assert len(rows) == len(spikes)
    # jNeuroML saves seconds: the same steps, to the float noise of both sides' times
    np.testing.assert_allclose(rows[:, 1], np.sort(spikes), atol=1e-5)


def test_globals_other_than_the_species_start_have_no_neuroml_form(tmp_path):
    model = neuroml.load(shared(*LEMS))
    net = model.network
    cell = net.cell_types[0]
    changed = replace(cell, globals=(("cai0_ca_ion", 1e-4), ("cao0_ca_ion", 2.4)))
    net = replace(net, cell_types=(changed, *net.cell_types[1:]))
    with pytest.raises(FormatError, match=r"cell type 'Granule_98': NEURON globals "
                                          r"\(\{'cai0_ca_ion': 0.0001\}\) have no NeuroML form"):
        export(net, "ex15", tmp_path, model.sim_config)
