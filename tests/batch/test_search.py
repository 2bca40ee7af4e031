"""Optimisation: Optuna and the genetic algorithm find a connWeight that gives tutorial 2's
M population a target rate, running trials through the same executors as a grid."""
import json

import pytest

from neuroloom.batch import Batch
from neuroloom.errors import SpecError
from test_batch_runs import tutorial8

TARGET = 25.0  # Hz; M fires ~15 Hz at connWeight 0.005 and ~37 Hz at 0.01


def rate_error(simData, target):
    return abs(simData["popRates"]["M"] - target) / target


def make_batch(folder, method, **options):
    batch = Batch(params={"connWeight": [0.002, 0.012]}, cfgFile="tut8_cfg.py",
                  netParamsFile="tut8_netParams.py",
                  initCfg={"duration": 500, "analysis": {}, "saveSpikesSonata": False},
                  seed=7)
    batch.batchLabel, batch.saveFolder, batch.method = method, "search", method
    batch.runCfg = {"type": "local", "script": "tut8_init.py", "skip": True}
    setattr(batch, "optimCfg" if method == "optuna" else "evolCfg", {
        "fitnessFunc": rate_error, "fitnessFuncArgs": {"target": TARGET},
        "targetFitness": 0.08, **options})
    return batch


def check_best(folder, method, outcome, max_trials):
    best = outcome.best
    assert best["fitness"] <= 0.1
    assert len(outcome.trials) <= max_trials
    saved = json.loads((folder / "search" / f"{best['label']}.json").read_text())
    rate = saved["simData"]["popRates"]["M"]
    assert abs(rate - TARGET) <= 0.1 * TARGET
    assert saved["simConfig"]["connWeight"] == pytest.approx(best["params"]["connWeight"])
    trials = json.loads((folder / "search" / f"{method}_trials.json").read_text())
    assert [t["label"] for t in trials] == [t["label"] for t in outcome.trials]


@pytest.mark.slow
def test_optuna_finds_the_target_rate(tmp_path, monkeypatch):
    pytest.importorskip("optuna")
    folder = tutorial8(tmp_path / "optuna")
    monkeypatch.chdir(folder)
    outcome = make_batch(folder, "optuna", maxiters=15, popsize=1).run()
    check_best(folder, "optuna", outcome, 15)
    assert outcome.trials[0]["label"] == "optuna_trial_0"
    # same seed, skip: a rerun reads the finished trials instead of running them again
    again = make_batch(folder, "optuna", maxiters=15, popsize=1).run()
    assert [t["params"] for t in again.trials] == [t["params"] for t in outcome.trials]
    assert all(r.message == "skipped" for r in again.runs)


@pytest.mark.slow
def test_evol_finds_the_target_rate(tmp_path, monkeypatch):
    folder = tutorial8(tmp_path / "evol")
    monkeypatch.chdir(folder)
    outcome = make_batch(folder, "evol", pop_size=4, num_elites=1, max_generations=5,
                         mutation_rate=0.4).run()
    check_best(folder, "evol", outcome, 4 + 4 * 3)
    labels = [t["label"] for t in outcome.trials]
    assert labels[:4] == [f"evol_gen_0_cand_{c}" for c in range(4)]
    assert all(0.002 <= t["params"]["connWeight"] <= 0.012 for t in outcome.trials)
    # a candidate equal to an earlier one (elites, copied parents) is not simulated again
    by_label = {t["label"]: t for t in outcome.trials}
    copies = [t for t in outcome.trials if "sameAs" in t]
    assert copies and len(outcome.runs) == len(outcome.trials) - len(copies)
    for t in copies:
        assert by_label[t["sameAs"]]["params"] == t["params"]
        assert by_label[t["sameAs"]]["fitness"] == t["fitness"]
        assert not (folder / "search" / f"{t['label']}.json").exists()


def test_search_options_are_checked(tmp_path, monkeypatch):
    folder = tutorial8(tmp_path / "options")
    monkeypatch.chdir(folder)
    batch = make_batch(folder, "evol", pop_sise=4)
    with pytest.raises(SpecError, match="evolCfg.pop_sise: not an option; did you mean "
                                        "'pop_size'"):
        batch.run()
    batch = make_batch(folder, "evol")
    batch.params = {"connWeight": [0.01, 0.002]}
    with pytest.raises(SpecError, match=r"params\['connWeight'\]: \[min, max\] with min < max"):
        batch.run()
    batch = make_batch(folder, "evol")
    batch.evolCfg = {"fitnessFunc": "rate_error"}
    with pytest.raises(SpecError, match="fitnessFunc: a function"):
        batch.run()
    assert not (folder / "search").exists()  # nothing written before the options pass
