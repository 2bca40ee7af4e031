"""Tutorials 1-3 run as scripts (`python examples/tutN.py`) and write their outputs."""
import json
import subprocess
import sys

import libsonata
import numpy as np
import pytest

from helpers import EXAMPLES

OUTPUTS = ("_data.json", "_spikes.h5", "_raster.png", "_traces.png", "_plot_2Dnet.png")


def run_example(name, folder):
    result = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py")], cwd=folder,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for name, filename in (("tut1", "HHTut"), ("tut2", "tut2"), ("tut3", "tut3"),
                           ("tut4", "tut4"), ("tut5", "tut5"), ("tut6", "tut6")):
        folder = tmp_path_factory.mktemp(name)
        stdout = run_example(name, folder)
        data = json.loads((folder / f"{filename}_data.json").read_text())
        out[name] = (folder, filename, stdout, data)
    return out


def pop_rates(data):
    gids = np.asarray(data["simData"]["spkid"])
    seconds = data["simConfig"]["duration"] / 1000
    return {p["label"]: np.count_nonzero((gids >= p["gid_start"]) &
                                         (gids < p["gid_start"] + p["size"])) / p["size"] / seconds
            for p in data["net"]["pops"]}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tut1", "tut2", "tut3", "tut4", "tut5", "tut6"])
def test_writes_every_output_and_says_where(runs, name):
    folder, filename, stdout, data = runs[name]
    for suffix in OUTPUTS if name != "tut6" else [o for o in OUTPUTS if o != "_plot_2Dnet.png"]:
        # plotTraces of several cells: a figure per cell, <filename>_traces__gid_<gid>_.png
        paths = ([folder / f"{filename}{suffix}"] if suffix != "_traces.png" else
                 sorted(folder.glob(f"{filename}_traces*.png")))
        assert paths, suffix
        for path in paths:
            assert path.stat().st_size > 1000, path
            assert f"Saved {path.name}" in stdout
    assert set(data) >= {"netParams", "simConfig", "net", "simData"}
    assert data["simConfig"]["filename"] == filename
    assert not list(folder.glob(".*"))  # no temporary files left


def test_tutorial2_rates_and_connectivity(runs):
    rates = pop_rates(runs["tut2"][3])
    assert 8 <= rates["S"] <= 13, rates  # NetPyNE 1.1.1: S 10.2 Hz
    assert rates["M"] > 2 * rates["S"], rates  # NetPyNE 1.1.1: M 36.5 Hz
    net = runs["tut2"][3]["net"]
    assert len(net["cells"]["pop"]) == 40
    assert 167 <= len(net["conns"]["pre_gid"]) <= 233  # 99.9% binomial interval, 400 pairs


def test_tutorial3_dendrite_lowers_the_motor_rate(runs):
    rates2, rates3 = pop_rates(runs["tut2"][3]), pop_rates(runs["tut3"][3])
    assert 0 < rates3["M"] < rates2["M"], (rates2, rates3)  # NetPyNE 1.1.1: 18.4 Hz
    sections = runs["tut3"][3]["net"]["sectionNames"]
    conns = runs["tut3"][3]["net"]["conns"]
    assert {sections[s] for s in conns["sec"]} == {"dend"}


def test_tutorial1_network(runs):
    data = runs["tut1"][3]
    assert len(data["net"]["cells"]["pop"]) == 200
    post = np.asarray(data["net"]["conns"]["post_gid"])
    assert np.all(np.bincount(post, minlength=200) == 8)
    assert pop_rates(data)["PYR"] > 5
    assert data["simData"]["Vsoma"]["cell_2"][0] == pytest.approx(-71)


@pytest.mark.parametrize("name", ["tut1", "tut2", "tut3", "tut4", "tut5", "tut6"])
def test_sonata_spikes_equal_simdata(runs, name):
    folder, filename, _, data = runs[name]
    reader = libsonata.SpikeReader(str(folder / f"{filename}_spikes.h5"))
    t, gid = [], []
    for pop in data["net"]["pops"]:
        for node, time in reader[pop["label"]].get():
            gid.append(pop["gid_start"] + node)
            t.append(time)
    order = np.lexsort((gid, t))
    assert np.array_equal(np.asarray(t)[order], data["simData"]["spkt"])
    assert np.array_equal(np.asarray(gid)[order], data["simData"]["spkid"])
    assert len(t) > 100


def test_tutorial5_layers_behave_as_the_tutorial_says(runs):
    folder, _, _, data = runs["tut5"]
    assert (folder / "tut5_plot_conn_pop_strength_matrix.png").stat().st_size > 1000
    rates = pop_rates(data)
    # NetPyNE 1.1.1: E2 23.3, E4 26.0, E5 18.3, I2 18.4, I4 7.4, I5 4.1 Hz
    assert rates["E5"] < rates["E2"] and rates["I5"] < rates["I2"], rates
    assert all(rate > 1 for rate in rates.values()), rates
    cells, conns = data["net"]["cells"], data["net"]["conns"]
    y = np.asarray(cells["y"])
    post = np.asarray(conns["post_gid"])
    assert y[post].min() >= 100  # E->all reaches only 100-1000 um; I->E only E cells


def test_tutorial4_hybrid_network_fires_as_netpyne(runs):
    """Izhikevich S and HH M cells, with no manual nrnivmodl (the mechanism ships with
    neuroloom and is compiled on first use)."""
    rates = pop_rates(runs["tut4"][3])
    assert rates["S"] == pytest.approx(51.9, rel=0.25), rates  # NetPyNE 1.1.1: S 51.9 Hz
    assert rates["M"] == pytest.approx(7.7, rel=0.25), rates  # NetPyNE 1.1.1: M 7.7 Hz


def test_tutorial6_saves_its_range_cell_list(runs):
    """cellList given as range(15) is saved as the list it stands for (NetPyNE 1.1.1 fails
    to save this script: range is not JSON serializable)."""
    data = runs["tut6"][3]
    conds = data["netParams"]["stimTargetParams"]["Input_1->S"]["conds"]
    assert conds["cellList"] == list(range(15))
