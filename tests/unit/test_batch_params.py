"""What a batch explores: grid and list runs, grouped parameters, cfg values by name or
path, and the errors for misspelt names (no NEURON, no runs)."""
import pytest

from neuroloom import specs
from neuroloom.batch import Batch
from neuroloom.batch.params import apply, grid_runs, list_runs, parse_params
from neuroloom.errors import SpecError


def test_grid_runs_every_combination_in_order():
    params = parse_params(specs.ODict(tau=[3.0, 5.0, 7.0], weight=[0.005, 0.01]))
    runs = grid_runs("tw", params)
    assert [r.label for r in runs] == ["tw_0_0", "tw_0_1", "tw_1_0", "tw_1_1", "tw_2_0",
                                       "tw_2_1"]
    assert runs[3].as_dict() == {"tau": 5.0, "weight": 0.01}


def test_grouped_parameters_move_together():
    params = parse_params({"a": [1, 2], "b": [10, 20, 30], "c": [5, 6]}, grouped=["a", "c"])
    runs = grid_runs("g", params)
    assert len(runs) == 6
    assert runs[0].as_dict() == {"a": 1, "b": 10, "c": 5}
    assert runs[1].label == "g_0_1_0"
    assert runs[5].as_dict() == {"a": 2, "b": 30, "c": 6} and runs[5].label == "g_1_2_1"
    with pytest.raises(SpecError, match="as many values each"):
        grid_runs("g", parse_params({"a": [1, 2], "c": [5]}, grouped=["a", "c"]))
    with pytest.raises(SpecError, match="'d' is not a parameter"):
        parse_params({"a": [1]}, grouped=["d"])


def test_netpyne_list_form_and_list_method():
    params = parse_params([{"label": ("IClamp1", "amp"), "values": [0.1, 0.2]},
                           {"label": "w", "values": [1, 2], "group": True}])
    assert params[0].name == "IClamp1.amp" and params[1].group
    runs = list_runs("l", params)
    assert [r.label for r in runs] == ["l_0", "l_1"]
    assert runs[1].as_dict() == {"IClamp1.amp": 0.2, "w": 2}
    with pytest.raises(SpecError, match="as many values for every parameter"):
        list_runs("l", parse_params({"a": [1, 2], "b": [1]}))


def test_values_reach_the_cfg_by_name_and_by_path():
    cfg = specs.SimConfig()
    cfg.connWeight = 0.01
    cfg.IClamp1 = {"amp": 0.1, "dur": 5}
    out = apply(cfg, ((("IClamp1", "amp"), 0.3), ("connWeight", 0.5)))
    assert out.IClamp1 == {"amp": 0.3, "dur": 5} and out.connWeight == 0.5
    assert cfg.connWeight == 0.01 and cfg.IClamp1.amp == 0.1  # the original is untouched
    with pytest.raises(SpecError, match=r"Batch.params\['connWeigth'\]: cfg has no "
                                        r"'connWeigth'; did you mean 'connWeight'"):
        apply(cfg, (("connWeigth", 1),))
    with pytest.raises(SpecError, match=r"cfg has no 'IClamp1.amps'; did you mean 'amp'"):
        apply(cfg, ((("IClamp1", "amps"), 1),))


def test_misspelt_options_fail_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cfg.py").write_text("from neuroloom import specs\ncfg = specs.SimConfig()\n"
                                     "cfg.weight = 1\n")
    (tmp_path / "netParams.py").write_text("from neuroloom import specs\n"
                                           "netParams = specs.NetParams()\n")
    (tmp_path / "init.py").write_text("")
    with pytest.raises(SpecError, match="Batch.metod: not an option of Batch; did you mean "
                                        "'method'"):
        Batch(params={"weight": [1]}).metod = "grid"
    cases = [({"method": "gird"}, "did you mean 'grid'"),
             ({"runCfg": {"type": "locl"}}, "did you mean 'local'"),
             ({"runCfg": {"type": "local", "skipp": True}}, r"runCfg.skipp: .*'skip'"),
             ({"runCfg": {"type": "local", "cores": 0}}, "cores: a whole number"),
             ({"params": {"wieght": [1, 2]}}, "did you mean 'weight'"),
             ({"runCfg": {"script": "nowhere.py"}}, "runCfg.script: 'nowhere.py' does not"),
             ({"initCfg": {"duraton": 5}}, r"Batch.initCfg\['duraton'\].*'duration'")]
    for options, message in cases:
        batch = Batch(params={"weight": [1, 2]})
        batch.batchLabel = "b"
        for name, value in options.items():
            setattr(batch, name, value)
        with pytest.raises(SpecError, match=message):
            batch.run()
        assert not (tmp_path / "b").exists()
