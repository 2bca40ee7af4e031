"""Importing a SONATA circuit or a NeuroML2 file needs no NEURON: with NEURON made
unimportable, the shared 9_cells circuit (Allen biophysical cells whose sections BMTK's
procedure makes) and the Ex25 multi-compartment NeuroML2 example (channels jNeuroML writes
as NEURON mechanisms) import to the very network a normal import gives."""
import json
import shutil
import subprocess
import sys

import pytest

from helpers import shared
from neuroloom.importers import neuroml, sonata
from neuroloom.model.serialize import network_from_dict

NINE = shared("sonata-examples", "9_cells") / "config.json"
EX25 = shared("neuroml-examples", "LEMSexamples", "LEMS_NML2_Ex25_MultiComp.xml")

BLOCKED = """
import json, sys
sys.modules['neuron'] = None          # any `import neuron` now raises ImportError
from neuroloom.importers import neuroml, sonata
from neuroloom.model.serialize import network_to_dict
kind, path, out = sys.argv[1:]
model = (sonata if kind == 'sonata' else neuroml).load(path)
with open(out, 'w') as f:
    json.dump(network_to_dict(model.network), f)
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'neuron'
                        and sys.modules[m] is not None)))
"""


def import_blocked(kind, path, tmp_path):
    out = tmp_path / "network.json"
    done = subprocess.run([sys.executable, "-c", BLOCKED, kind, str(path), str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.splitlines()[-1]) == []  # no NEURON module was loaded
    return network_from_dict(json.loads(out.read_text()))


def test_a_sonata_circuit_with_biophysical_cells(tmp_path):
    blocked = import_blocked("sonata", NINE, tmp_path)
    normal = sonata.load(NINE).network
    assert blocked == normal and blocked.mod_folders == normal.mod_folders
    # BMTK's cells await their sections, which the engine makes; their names are known
    cortex = {normal.cell_types[t] for t in normal.cells.cell_type[:9].tolist()}
    assert all(t.awaits_sections and t.template.kind == "bmtk_biophysical" for t in cortex)
    assert all(t.section_names[0] == "soma_0" and t.section_names[-2:] == ("axon_0", "axon_1")
               for t in cortex)
    assert len(normal.conns) == 1289 and (normal.conns.sec >= 0).all()
    assert normal.mod_folders[0].endswith("mechanisms/modfiles")


@pytest.mark.java
@pytest.mark.skipif(shutil.which("java") is None, reason="jNeuroML needs Java (17)")
def test_a_neuroml_model_with_generated_channels(tmp_path):
    blocked = import_blocked("neuroml", EX25, tmp_path)
    normal = neuroml.load(EX25).network
    assert blocked == normal and blocked.mod_folders == normal.mod_folders
    cell = max(normal.cell_types, key=lambda t: len(t.sections))
    assert len(cell.sections) > 1  # the multi-compartment cell, read without NEURON
    generated = {m for s in cell.sections for m, _ in s.mechs if m.startswith("nml_")}
    assert generated  # channels jNeuroML wrote as mechanisms: compiled by the engine later
    assert len(normal.mod_folders) == 1
