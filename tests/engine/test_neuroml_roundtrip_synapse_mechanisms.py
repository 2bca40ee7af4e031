"""A blockingPlasticSynapse's mechanisms survive the export (issue 18, item 3: nothing dropped).
LEMS files write them as elements of their own type (<voltageConcDepBlockMechanism>,
<tsodyksMarkramDepMechanism>), which libNeuroML, reading by NeuroML's schema, dropped without
a word: Ex6's NMDA synapse was exported without its Mg block, Ex7's without depression. They
are written in the schema's form (<blockMechanism type=...>, <plasticityMechanism type=...>),
and jNeuroML's mechanism for the re-imported synapse has them."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from helpers import corpus_lems as _lems, pynml_validate as _validate

from neuroloom.errors import FormatError
from neuroloom.exporters.neuroml import export
from neuroloom.exporters.neuroml_kept_forms import checked_definitions
from neuroloom.importers import neuroml

pytestmark = [pytest.mark.java, pytest.mark.slow]  # jNeuroML generates each file's code


def _mechanism_text(model, synapse: str) -> str:
    mod = next(m.mod for m in model.network.syn_mechs if m.label == synapse)
    path = next(Path(f) / f"{mod}.mod" for f in model.network.mod_folders
                if (Path(f) / f"{mod}.mod").is_file())
    return path.read_text()


@pytest.mark.parametrize("name, synapse, element, mod_word", [
    ("Ex6_NMDA", "nmdaSyn1",
     (r'<blockMechanism type="voltageConcDepBlockMechanism" species="mg" '
      r'blockConcentration="1.2 mM" scalingConc="1.920544 mM" scalingVolt="16.129 mV"/>'),
     "blockConcentration"),
    ("Ex7_STP", "stpSynDepFac",
     (r'<plasticityMechanism type="tsodyksMarkramDepFacMechanism" initReleaseProb="0.5" '
      r'tauRec="300 ms" tauFac="200 ms"/>'), "tauFac"),
])
def test_the_synapse_mechanisms_are_exported(tmp_path, name, synapse, element, mod_word):
    model = neuroml.load(_lems(name))
    assert mod_word in _mechanism_text(model, synapse)
    path, lems = export(model.network, name.lower(), tmp_path, model.sim_config)
    assert re.search(element, path.read_text())
    assert "Validated 1 files: All valid and no warnings" in _validate(path)
    again = neuroml.load(lems)
    assert again.exact
    assert mod_word in _mechanism_text(again, synapse)
    assert len(again.network.conns) == len(model.network.conns)
    np.testing.assert_array_equal(again.network.conns.weight, model.network.conns.weight)


def test_what_libneuroml_would_drop_is_an_error(tmp_path):
    """A kept definition with a child NeuroML's schema has no place for (here a made-up one)
    is refused, naming it, rather than written without it."""
    (tmp_path / "nml_syn_0.nml").write_text(
        '<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="nml_syn_0">\n'
        '<expTwoSynapse id="syn" gbase="1nS" erev="0mV" tauRise="1ms" tauDecay="5ms">'
        '<madeUpMechanism id="m" tau="3ms"/></expTwoSynapse>\n</neuroml>\n')
    with pytest.raises(FormatError, match=r'nml_syn_0.nml: <expTwoSynapse id="syn">: '
                                          r"libNeuroML, .* has no form for <madeUpMechanism>"):
        checked_definitions([tmp_path], ["nml_syn_0"])
