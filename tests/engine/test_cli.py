"""The `neuroloom` command: convert in every direction with identical spikes, validate with
locations and exit codes, info, mechs build, batch, help and errors."""
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES, built_network
from neuroloom.sim.sources import open_model

NEUROLOOM = str(Path(sys.executable).parent / "neuroloom")


def neuroloom(*args, cwd=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([NEUROLOOM, *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("name", ["tut3", "tut5"])
def test_convert_round_trips_neuroml_sonata_neuroml(name, tmp_path):
    first, circuit, back = tmp_path / f"{name}.net.nml", tmp_path / "circuit", \
        tmp_path / "back.net.h5"
    for source, target in ((EXAMPLES / f"{name}.py", first), (first, circuit),
                           (circuit, back)):
        done = neuroloom("convert", source, target, "--check", cwd=tmp_path)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert "check: spikes identical" in done.stdout
        assert " 0 spikes" not in done.stdout
    assert (circuit / "simulation_config.json").exists() and back.exists()
    network, _ = built_network(name)
    assert open_model(first).network == network
    assert open_model(circuit).network == network
    assert open_model(back).network == network


def test_convert_says_rxd_travels_only_with_neuroloom(tmp_path):
    done = neuroloom("convert", EXAMPLES / "rxd_net.py", tmp_path / "net.net.nml", "--check",
                     "--duration", "50")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "note: NeuroML2 has no reaction-diffusion" in done.stdout
    assert "check: spikes identical" in done.stdout
    assert open_model(tmp_path / "net.net.nml").network.rxd is not None


def test_convert_to_a_saved_run_and_back(tmp_path):
    done = neuroloom("convert", EXAMPLES / "tut2.py", tmp_path / "tut2.json")
    assert done.returncode == 0, done.stderr[-2000:]
    model = open_model(tmp_path / "tut2.json")
    assert model.network == built_network("tut2")[0]
    assert model.net_params.popParams["S"]["numCells"] == 20


def test_validate_reports_every_problem_with_its_location(tmp_path):
    good = neuroloom("validate", EXAMPLES / "tut2.py")
    assert good.returncode == 0 and "valid script (40 cells" in good.stdout
    bad = tmp_path / "bad.py"
    bad.write_text((EXAMPLES / "tut2.py").read_text()
                   .replace("'probability': 0.5,", "'probabilty': 0.5,")
                   .replace("'synMech': 'exc'}               # synaptic mechanism",
                            "'synMech': 'exc2'}"))
    done = neuroloom("validate", bad)
    assert done.returncode == 1
    assert ("connParams['S->M'].probabilty: unknown key 'probabilty'; did you mean "
            "'probability'?") in done.stdout
    assert "connParams['S->M'].synMech: unknown synMech 'exc2'; did you mean 'exc'?" \
        in done.stdout
    assert "2 problems" in done.stdout


def test_validate_finds_a_damaged_sonata_edge_file(tmp_path):
    circuit = tmp_path / "circuit"
    assert neuroloom("convert", EXAMPLES / "tut2.py", circuit).returncode == 0
    assert neuroloom("validate", circuit).returncode == 0
    edges = circuit / "network" / "S_to_M_edges.h5"
    edges.write_bytes(edges.read_bytes()[: edges.stat().st_size // 2])
    done = neuroloom("validate", circuit)
    assert done.returncode == 1
    assert f"{edges}: a damaged HDF5 file" in done.stdout


def test_validate_finds_a_dangling_neuroml_reference(tmp_path):
    assert neuroloom("convert", EXAMPLES / "tut2.py", tmp_path / "tut2.net.nml").returncode == 0
    text = (tmp_path / "tut2.net.nml").read_text()
    assert 'synapse="exc"' in text
    (tmp_path / "dangling.net.nml").write_text(text.replace('synapse="exc"', 'synapse="exc9"',
                                                            1))
    done = neuroloom("validate", tmp_path / "dangling.net.nml")
    assert done.returncode == 1
    assert "dangling.net.nml:" in done.stdout and "exc9" in done.stdout


def test_info_summarises_a_network():
    done = neuroloom("info", EXAMPLES / "tut5.py")
    assert done.returncode == 0, done.stderr
    network, _ = built_network("tut5")
    assert "cells: 300 in 6 populations" in done.stdout
    assert "  E2: 50 cells (E)" in done.stdout
    assert f"connections: {len(network.conns)}" in done.stdout
    assert "synaptic mechanisms: exc (Exp2Syn), inh (Exp2Syn)" in done.stdout
    assert "stimuli: 300" in done.stdout and "MB in the network's tables" in done.stdout


def test_mechs_build_compiles_into_the_cache(tmp_path):
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / "leak.mod").write_text(
        "NEURON { SUFFIX cli_leak NONSPECIFIC_CURRENT i RANGE g }\n"
        "PARAMETER { g = 0.001 (S/cm2) }\nASSIGNED { v (mV) i (mA/cm2) }\n"
        "BREAKPOINT { i = g * (v + 65) }\n")
    done = neuroloom("mechs", "build", tmp_path / "mods")
    assert done.returncode == 0, done.stdout + done.stderr
    library = Path(done.stdout.strip().split(" -> ")[-1]) / "x86_64" / "libnrnmech.so"
    assert "cli_leak (NEURON)" in done.stdout and library.exists()
    broken = neuroloom("mechs", "build", tmp_path / "nowhere")
    assert broken.returncode == 1 and "does not exist" in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1  # one line, no traceback
    traced = neuroloom("mechs", "build", tmp_path / "nowhere", "--debug")
    assert "Traceback" in traced.stderr


@pytest.mark.slow
def test_help_version_and_usage_errors():
    for command in ("run", "batch", "convert", "validate", "info"):
        done = neuroloom(command, "--help")
        assert done.returncode == 0 and "usage: neuroloom " + command in done.stdout
    assert neuroloom("mechs", "build", "--help").returncode == 0
    assert neuroloom("--version").stdout.startswith("neuroloom ")
    assert neuroloom("frobnicate").returncode == 2
    assert neuroloom("convert", "x.py").returncode == 2
    missing = neuroloom("info", "nowhere.nml")
    assert missing.returncode == 1 and "'nowhere.nml' does not exist" in missing.stderr


def test_batch_runs_a_batch_script(tmp_path):
    sys.path.insert(0, str(Path(__file__).parents[1] / "batch"))
    from test_batch_runs import tutorial8

    folder = tutorial8(tmp_path / "b", **{
        "params['synMechTau2'] = [3.0, 5.0, 7.0]": "params['synMechTau2'] = [3.0]",
        "params['connWeight'] = [0.005, 0.01, 0.15]": "params['connWeight'] = [0.01]",
        "b.run()": "b.initCfg = {'duration': 100}\n    b.run()"})
    done = neuroloom("batch", "tut8_batch.py", cwd=folder)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (folder / "tut8_data" / "tauWeight_0_0.json").exists()


@pytest.mark.java
def test_the_shared_reference_models(tmp_path):
    """The official SONATA example and a NeuroML2 example: info, validate, convert."""
    from helpers import shared

    circuit = shared("sonata-examples", "300_intfire", "config.json")
    info = neuroloom("info", circuit)
    assert info.returncode == 0, info.stderr
    assert "cells: 420 in 3 populations" in info.stdout and "connections: 87720" in info.stdout
    assert "  v1_to_v1: 61560" in info.stdout
    done = neuroloom("convert", circuit, tmp_path / "intfire.json", "--check", "--duration", 300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "check: spikes identical (171 spikes in 300 ms)" in done.stdout
    hh = shared("neuroml-examples", "examples", "NML2_SingleCompHHCell.nml")
    valid = neuroloom("validate", hh)
    assert valid.returncode == 0 and "valid NeuroML2 (1 cells" in valid.stdout
