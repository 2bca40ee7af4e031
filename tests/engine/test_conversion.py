"""NetPyNE's conversion module as scripts import it: SONATAImporter (sonata_300_cells) and
createPythonScript (HHTut's export.py)."""
import shutil

import numpy as np
import pytest

from helpers import shared, tutorial_specs
from neuroloom import sim, specs
from neuroloom.conversion import createPythonNetParams, createPythonScript, sonataImport
from neuroloom.sim.sources import specs_of_script

INTFIRE = shared("sonata-examples", "300_intfire")


def test_sonata_importer_runs_a_circuit_as_a_netpyne_script_does(tmp_path):
    circuit = tmp_path / "300_intfire"  # the run writes its output beside the circuit
    shutil.copytree(INTFIRE, circuit)
    shutil.copytree(INTFIRE.parent / "shared_components", tmp_path / "shared_components")
    importer = sonataImport.SONATAImporter()
    importer.importNet(str(circuit / "config.json"), replaceAxon=True, setdLNseg=True)
    try:
        assert len(sim.net.cells) == 300 + 120  # v1 and its two virtual input populations
        sim.cfg.recordCells = [0, 1]  # set after the import, as sonata_300_cells does
        sim.cfg.recordTraces = {'m': {'var': 'm'}}  # IntFire1's state
        sim.setupRecording()
        sim.simulate()
        spkt, spkid = np.array(sim.simData['spkt']), np.array(sim.simData['spkid'])
        traces = sim.simData['m']
    finally:
        sim.clearAll()
    assert np.sum(spkid < 300) == 4322  # BMTK's v1 spikes (test_sonata_import.py)
    assert sorted(traces) == ['cell_0', 'cell_1'] and len(traces['cell_0']) > 100


def test_sonata_importer_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match=r"importNet\(replaceAxon=False\): neuroloom builds "
                                         r"SONATA cells as BMTK does"):
        sonataImport.SONATAImporter().importNet("config.json", replaceAxon=False)


def test_a_written_script_rebuilds_the_same_specs(tmp_path):
    net, cfg = tutorial_specs("tut2")
    cfg.duration = 123.0
    path = createPythonScript(str(tmp_path / "regen"), net, cfg)
    assert path == tmp_path / "regen.py"
    text = path.read_text()
    assert text.startswith("from neuroloom import specs, sim\n")
    assert "sim.createSimulateAnalyze(netParams=netParams, simConfig=simConfig)" in text
    assert "simConfig.duration = 123.0" in text
    assert "simConfig.dt = " not in text  # a default is not written
    got_net, got_cfg = specs_of_script(path)
    assert got_net.todict() == net.todict()
    assert got_cfg.todict() == cfg.todict()


def test_only_plain_data_is_written(tmp_path):
    net = specs.NetParams()
    net.popParams['E'] = {'cellType': 'PYR', 'numCells': 2, 'spkTimes': object()}
    with pytest.raises(ValueError, match=r"netParams\.popParams\['E'\]\['spkTimes'\]: a "
                                         r"object is not plain data"):
        createPythonNetParams(tmp_path / "net", net)
    assert not (tmp_path / "net.py").exists()
    net.popParams['E']['spkTimes'] = [1.0, float('nan')]
    with pytest.raises(ValueError, match=r"\['spkTimes'\]\[1\]: nan cannot be written"):
        createPythonNetParams(tmp_path / "net", net)

