"""A stimulus rule aimed at a population the network lacks targets no cells, with a
warning, as NetPyNE's evolCell example needs (its IClamp names pop 'ITS4')."""
import pytest

from helpers import tutorial_specs
from neuroloom import sim
from neuroloom.sim import state


def test_a_stimulus_at_a_missing_population_targets_nothing_with_a_warning(tmp_path,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.duration, cfg.analysis, cfg.saveJson = 20, {}, False
    net.stimSourceParams["ic"] = {"type": "IClamp", "del": 5, "dur": 10, "amp": 0.5}
    net.stimTargetParams["ic->X"] = {"source": "ic", "sec": "soma", "loc": 0.5,
                                     "conds": {"pop": ["M", "Mx"]}}
    with pytest.warns(UserWarning, match=r"stimTargetParams\['ic->X'\]\.conds\.pop: the "
                                         r"network has no pop 'Mx' \(did you mean 'M'\?\)"):
        sim.createSimulate(netParams=net, simConfig=cfg)
    clamps = [s for cell in sim.net.cells for s in cell.stims if s["source"] == "ic"]
    assert len(clamps) == 20  # the M cells, and nothing for 'Mx'
    state.peek().clear()
