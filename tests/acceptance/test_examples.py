"""The examples gallery runs: every script in examples/ that the tutorial tests do not
already run, in a fresh folder, with the outputs it announces. (tut1-tut6: test_tutorials;
tut7: tests/engine/test_tutorial7; tut8: tests/batch; lfp_cell, lfp_net:
tests/engine/test_lfp.)"""
import subprocess
import sys

import h5py
import pytest

from helpers import EXAMPLES

COVERED = {"tut1", "tut2", "tut3", "tut4", "tut5", "tut6", "tut7", "HHTut", "tut8_batch",
           "tut8_cfg", "tut8_init", "tut8_netParams", "tut8_analysis", "lfp_cell", "lfp_net"}
COVERED |= {"rxd_net"}  # tests/engine/test_rxd.py runs it, serially and on 2 MPI ranks


def run(name, folder):
    done = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py")], cwd=folder,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_every_example_is_run_by_some_test():
    names = {p.stem for p in EXAMPLES.glob("*.py")}
    untested = names - COVERED - set(GALLERY)
    assert not untested, f"examples no test runs: {sorted(untested)}"


def neuroml_import(folder, out):
    assert "spikes per cell: {0: 4, 1: 4, 2: 4, 3: 2, 4: 1}" in out
    assert (folder / "izh_chain_raster.png").exists()


def sonata_import(folder, out):
    assert "cortex: 20 cells" in out and "thalamus: 10 cells, 150 spikes" in out
    with h5py.File(folder / "tiny_sonata" / "output" / "spikes.h5") as f:
        # the simulated population only, as BMTK writes it (virtual inputs when asked)
        assert set(f["spikes"]) == {"cortex"}
        assert len(f["spikes/cortex/timestamps"]) > 100


def convert_round_trip(folder, out):
    assert out.count("identical to the original's") == 2
    assert (folder / "round_trip" / "tut2.net.h5").exists()


def rxd_buffering(folder, out):
    line = next(line for line in out.splitlines() if line.startswith("equilibrium:"))
    numbers = [float(word.strip("(),")) for word in line.split() if word[:1].isdigit()]
    ca, ca_run, cabuf, cabuf_run = numbers
    assert ca_run == pytest.approx(ca, rel=1e-6) and cabuf_run == pytest.approx(cabuf, rel=1e-6)
    assert (folder / "rxd_buffering_rxd_concentration.png").exists()


GALLERY = {"neuroml_import": neuroml_import, "sonata_import": sonata_import,
           "convert_round_trip": convert_round_trip, "rxd_buffering": rxd_buffering}
NEEDS_JAVA = {"neuroml_import"}  # its Izhikevich cells run on jNeuroML's mechanisms


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.java)
                                  if name in NEEDS_JAVA else name for name in sorted(GALLERY)])
def test_gallery_example(name, tmp_path):
    GALLERY[name](tmp_path, run(name, tmp_path))
