"""NetPyNE's batch and optimisation examples on neuroloom: the options they pass (params
forms, initCfg paths, runCfg types and keys, evolCfg/optimCfg), NetPyNE's 'custom'
evolutionary algorithm, adaptive stochastic descent, the time a run may take, job scripts
for SGE, and the examples themselves run with only their imports changed (reduced sizes).

Most tests here run a stand-in for the model (a script that writes simData from the cfg,
no NEURON), so they check the batch machinery in seconds; the example tests at the end run
the real models and are slow."""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from helpers import shared
from neuroloom import specs
from neuroloom.batch import Batch
from neuroloom.batch import asd, evol
from neuroloom.batch.params import Param, apply
from neuroloom.batch.runner import RunResult
from neuroloom.batch.search import parse_ranges
from neuroloom.batch.trials import Search
from neuroloom.errors import SpecError

MPIEXEC = Path(sys.executable).parent / "mpiexec"

# A stand-in model: the run's simData holds x, y and where it ran; x above slowAbove sleeps
FAKE_INIT = '''import json, os, sys, time
args = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
cfg = json.load(open(args["simConfig"]))["simConfig"]
if cfg["x"] > cfg.get("slowAbove", 1e9):
    time.sleep(60)
net = args["netParams"]
params = json.load(open(net)) if net.endswith(".json") else None
data = {"neuroloom_version": "stand-in", "simConfig": cfg, "simData": {
    "x": cfg["x"], "y": cfg["y"], "netParams": net, "size": int(os.environ.get("PMI_SIZE", "1")),
    "tau": (params or {}).get("tau")}}
if os.environ.get("PMI_RANK", "0") == "0":
    with open(os.path.join(cfg["saveFolder"], cfg["simLabel"] + "_data.json"), "w") as f:
        json.dump(data, f)
'''
FAKE_CFG = ("from neuroloom import specs\ncfg = specs.SimConfig()\ncfg.x = 0.0\ncfg.y = 0.0\n"
            "cfg.slowAbove = 1e9\ncfg.tune = specs.Dict()\n")


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A folder with the stand-in model (src/cfg.py, src/netParams.py, src/init.py)."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "init.py").write_text(FAKE_INIT)
    (tmp_path / "src" / "cfg.py").write_text(FAKE_CFG)
    (tmp_path / "src" / "netParams.py").write_text(
        "from neuroloom import specs\nnetParams = specs.NetParams()\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fake_batch(method="grid", params=None, **options):
    b = Batch(cfgFile="src/cfg.py", netParamsFile="src/netParams.py",
              params=params or {"x": [0.1, 0.2]}, seed=3)
    b.batchLabel, b.saveFolder, b.method, b.verbose = "b", "out", method, False
    b.runCfg = {"type": "local", "script": "src/init.py", "cores": 2}
    for name, value in options.items():
        setattr(b, name, value)
    return b


def distance(simData, target=0.3):
    return abs(simData["x"] - target) + abs(simData["y"] - target)


# -- params and initCfg as the examples write them ------------------------------------------

def test_paths_fill_an_empty_dict_as_netpynes_dict_does_and_typos_stay_errors():
    """evolCell: initCfg[('tune', 'soma', 'Ra')] into an empty cfg.tune = specs.Dict()."""
    cfg = specs.SimConfig()
    cfg.tune = specs.Dict()
    cfg.IClamp1 = {"amp": 0.1, "dur": 5}
    out = apply(cfg, ((("tune", "soma", "Ra"), 50.0), (("tune", "dend", "pas", "g"), 1e-5),
                      (("tune", "dend1", "Ra"), 0.02), (("IClamp1", "start"), [1, 2])))
    assert out.tune == {"soma": {"Ra": 50.0}, "dend": {"pas": {"g": 1e-5}},
                        "dend1": {"Ra": 0.02}}  # 'dend1' beside the new 'dend' is no typo
    assert out.tune.dend.pas.g == 1e-5 and out.IClamp1.start == [1, 2]
    assert cfg.tune == {}
    with pytest.raises(SpecError, match=r"cfg has no 'IClamp1.ampp'; did you mean 'amp'"):
        apply(cfg, ((("IClamp1", "ampp"), 1),))
    with pytest.raises(SpecError, match=r"cfg has no 'tun'; did you mean 'tune'"):
        apply(cfg, ((("tun", "soma"), 1),))


def test_optimisation_ranges_as_the_examples_give_them():
    params = specs.ODict()
    params["prob"] = [0.01, 0.5, [0.4, 0.3]]  # asdOptim: a third entry, the starts
    params["delay"] = [1, 20, [5, 3]]
    parsed = parse_ranges(params, "asd")
    assert [(p.values, p.starts) for p in parsed] == [((0.01, 0.5), (0.4, 0.3)),
                                                      ((1.0, 20.0), (5.0, 3.0))]
    fixed = parse_ranges({("tune", "soma", "Ra"): [14.0, 14.0]}, "evol")  # evolCell NGF
    assert fixed[0].values == (14.0, 14.0) and fixed[0].label == ("tune", "soma", "Ra")
    with pytest.raises(SpecError, match=r"\['Ra'\]: \[min, max\] with min < max, not"):
        parse_ranges({"Ra": [14.0, 14.0]}, "sbi")  # a prior needs a width
    with pytest.raises(SpecError, match="as many starting values"):
        parse_ranges({"a": [0, 1, [0.5]], "b": [0, 1, [0.5, 0.6]]}, "asd")
    with pytest.raises(SpecError, match=r"or \[min, max, \[starting values\]\]"):
        parse_ranges({"a": [0, 1, 2]}, "asd")


def test_runcfg_keys_netpyne_knows_are_accepted_and_unused_ones_named(fake):
    """evolutionary passes slurm's keys with type 'mpi_bulletin'; a key NetPyNE does not
    know is an error with the closest name."""
    b = fake_batch()
    b.runCfg = {"type": "mpi_bulletin", "script": "src/init.py", "mpiCommand": "mpirun",
                "nodes": 1, "coresPerNode": 2, "allocation": "default", "email": "a@b.c",
                "reservation": None, "folder": "/home/x/evol", "sleepInterval": 1}
    with pytest.warns(UserWarning, match=r"mpiCommand, nodes, coresPerNode, allocation, email, "
                                         r"reservation, folder configure other run types; "
                                         r"sleepInterval tune how NetPyNE polls"):
        b._check_run_cfg()
    b.runCfg = {"type": "hpc_sge", "script": "src/init.py", "jobNme": "x"}
    with pytest.raises(SpecError, match="runCfg.jobNme: .*did you mean 'jobName'"):
        b.run()
    b.runCfg = {"type": "mpi_direct", "script": "src/init.py", "mpiCommand": "ibrun"}
    with pytest.raises(SpecError, match="mpiCommand: 'ibrun' is not on this machine"):
        b.run()
    assert not (fake / "out").exists()


def test_method_sbi_without_its_packages_names_them(fake, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("sbi", "torch") else real(name, *a))
    b = fake_batch("sbi", {"x": [0.0, 1.0]}, optimCfg={
        "fitnessFunc": distance, "summaryStats": lambda d: [d["x"]], "maxiters": 4})
    with pytest.raises(SpecError, match=r"method 'sbi' needs torch \(PyTorch\) and sbi, not "
                                        r"installed here: pip install torch sbi"):
        b.run()


# -- the algorithms, on a fitness computed from the values (no runs) ------------------------

def search_of(params, options, fitness, tmp_path, maximize=False, fail=()):
    """A Search whose runs are made up: simData is the candidate's values; values in
    ``fail`` fail."""
    def evaluate(named, limit):
        out = []
        for label, values in named:
            bad = tuple(values.values()) in fail
            out.append((RunResult(label, not bad, 0.0), None if bad else dict(
                (str(k), v) for k, v in values.items())))
        return out

    return Search(params, {"fitnessFunc": fitness, **options}, evaluate, lambda m: None, "t",
                  tmp_path / "t_trials.json", maximize, 1000.0)


def test_netpynes_custom_evolutionary_algorithm(tmp_path):
    params = [Param("x", (0.0, 1.0)), Param("y", (-2.0, 2.0))]
    options = {"pop_size": 6, "num_elites": 1, "max_generations": 4, "evolAlgorithm": "custom",
               "mutation_rate": 0.4, "crossover": 0.5}
    search = search_of(params, options, distance, tmp_path)
    with pytest.warns(UserWarning, match="mutation_rate, crossover do not act with "
                                         "evolAlgorithm 'custom'"):
        evol.evolve(search, 5, tmp_path)
    labels = [t["label"] for t in search.trials]
    # generation 0 and max_generations generations of pop_size children (6 parents: 3 pairs)
    assert labels == [f"t_gen_{g}_cand_{c}" for g in range(5) for c in range(6)]
    for t in search.trials:
        assert 0 <= t["params"]["x"] <= 1 and -2 <= t["params"]["y"] <= 2
    lines = (tmp_path / "t_stats.csv").read_text().splitlines()
    assert lines[0] == "#gen  pop-size  worst  best  median  average  std-deviation"
    best = [float(line.split(", ")[3]) for line in lines[1:]]
    assert len(best) == 5 and best == sorted(best, reverse=True)  # elitism: never worse
    assert best[-1] < best[0]
    indiv = (tmp_path / "t_stats_indiv.csv").read_text().splitlines()
    assert len(indiv) == 1 + 5 * 6 and indiv[1].startswith("0, 0, ")
    # same seed, same candidates
    again = search_of(params, options, distance, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        evol.evolve(again, 5, tmp_path)
    assert [t["params"] for t in again.trials] == [t["params"] for t in search.trials]


def test_evol_odd_parents_and_no_elites_shrink_nothing_they_should_not(tmp_path):
    """NetPyNE's pairing drops an odd last parent: 5 parents give 4 children, and with no
    elites the population becomes those 4, as in NetPyNE."""
    search = search_of([Param("x", (0.0, 1.0)), Param("y", (0.0, 1.0))],
                       {"pop_size": 5, "num_elites": 0, "max_generations": 2,
                        "evolAlgorithm": "custom"}, distance, tmp_path)
    evol.evolve(search, 1, tmp_path)
    sizes = [int(line.split(", ")[1]) for line in
             (tmp_path / "t_stats.csv").read_text().splitlines()[1:]]
    assert sizes == [5, 4, 4]
    assert len(search.trials) == 5 + 4 + 4


def test_asd_descends_from_the_given_starts_and_writes_netpynes_outputs(tmp_path):
    params = [Param("x", (0.0, 1.0), starts=(0.9, 1.5)), Param("y", (0.0, 1.0),
                                                              starts=(0.1, 0.5))]
    options = {"maxiters": 30, "stepsize": 0.2, "maxFitness": 1000}
    search = search_of(params, options, distance, tmp_path)
    with pytest.warns(UserWarning, match="candidate 1 starts outside"):
        output = asd.descend(search, 2, tmp_path)
    first = [t for t in search.trials if t["label"].startswith("t_gen_0_")]
    assert [t["params"] for t in first] == [{"x": 0.9, "y": 0.1}, {"x": 1.5, "y": 0.5}]
    assert len(search.trials) == 2 * 31 and output["exitreason"] == "Maximum iterations reached"
    start = [distance({"x": 0.9, "y": 0.1}), distance({"x": 1.5, "y": 0.5})]
    assert output["fval"][0] < start[0] and output["fval"][1] < start[1]
    for history in output["details"]["fvals"]:
        assert history == sorted(history, reverse=True)  # the current point never worsens
    for xs in output["details"]["xvals"]:  # steps stay in the bounds (start 1 was outside)
        assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in xs[1:] if (x, y) != (1.5, 0.5))
    saved = json.loads((tmp_path / "t_output.json").read_text())
    assert saved["fval"] == output["fval"] and len(saved["details"]["xvals"][0]) == 31
    temp = json.loads((tmp_path / "t_temp_output.json").read_text())
    assert len(temp["x"]) == 2 and len(temp["fvals"][0]) == 31


def test_asd_runs_a_failed_point_again_instead_of_stepping(tmp_path):
    params = [Param("x", (0.0, 1.0), starts=(0.5,)), Param("y", (0.0, 1.0), starts=(0.5,))]
    search = search_of(params, {"maxiters": 2}, distance, tmp_path, fail={(0.5, 0.5)})
    output = asd.descend(search, 1, tmp_path)
    assert [t["params"] for t in search.trials] == [{"x": 0.5, "y": 0.5}] * 3
    assert output["fval"] == [1000.0]


# -- runs of the stand-in model: executors, time limit, job scripts -------------------------

@pytest.mark.mpi
def test_mpi_direct_runs_each_simulation_as_an_mpi_job(fake):
    b = fake_batch("asd", {"x": [0.0, 1.0, [0.2]], "y": [0.0, 1.0, [0.6]]},
                   optimCfg={"fitnessFunc": distance, "maxiters": 1, "stepsize": 0.5})
    b.runCfg = {"type": "mpi_direct", "script": "src/init.py", "mpiCommand": "mpiexec",
                "nodes": 1, "coresPerNode": 2}
    outcome = b.run()
    assert [t["label"] for t in outcome.trials] == ["b_gen_0_cand_0", "b_gen_1_cand_0"]
    saved = json.loads((fake / "out" / "b_gen_0_cand_0.json").read_text())["simData"]
    assert saved["size"] == 2  # nodes x coresPerNode processes, as NetPyNE counts them
    assert (fake / "out" / "b_output.json").exists()


def test_a_run_longer_than_maxiter_wait_x_time_sleep_is_stopped_and_scored_failed(fake):
    b = fake_batch("asd", {"x": [0.0, 1.0, [0.2, 0.9]], "y": [0.0, 1.0, [0.3, 0.3]]},
                   initCfg={"slowAbove": 0.5}, optimCfg={
                       "fitnessFunc": distance, "maxiters": 1, "maxiter_wait": 2,
                       "time_sleep": 1, "maxFitness": 777})
    outcome = b.run()
    by_label = {t["label"]: t for t in outcome.trials}
    assert by_label["b_gen_0_cand_1"]["fitness"] == 777 and not by_label["b_gen_0_cand_1"]["ok"]
    # the failed candidate runs its point again; the other one steps
    assert by_label["b_gen_1_cand_1"]["params"] == {"x": 0.9, "y": 0.3}
    assert by_label["b_gen_0_cand_0"]["fitness"] == pytest.approx(0.1)
    stopped = [r for r in outcome.runs if not r.ok]
    assert stopped and "stopped after 2 s" in stopped[0].message
    assert not (fake / "out" / "b_gen_0_cand_1.json").exists()


def test_a_netparams_object_is_saved_as_json_and_read_by_every_run(fake):
    """batchCellMapping: Batch(cfg=cfg, netParams=netParams)."""
    net = specs.NetParams()
    net.tau = 7.5  # a user variable, kept in the saved netParams
    cfg = specs.SimConfig()
    cfg.x, cfg.y = 0.0, 0.0
    b = Batch(cfgFile="nowhere.py", netParamsFile="nowhere.py", cfg=cfg, netParams=net,
              params={"x": [0.1, 0.2]})
    b.batchLabel, b.saveFolder, b.verbose = "m", "out", False
    b.runCfg = {"type": "local", "script": "src/init.py"}
    b.run()
    saved = fake / "out" / "m_netParams.json"
    assert json.loads(saved.read_text())["tau"] == 7.5
    for i in range(2):
        data = json.loads((fake / "out" / f"m_{i}.json").read_text())["simData"]
        assert data["netParams"] == str(saved) and data["tau"] == 7.5


def test_spec_files_named_without_py_and_a_list_from_a_csv_file(fake):
    """sbiOptim names 'src/netParams'; NetPyNE's method 'list' reads runCfg paramListFile."""
    (fake / "params.csv").write_text("x,y\n0.1,0.5\n0.2,0.25\n0.3,0\n")
    b = fake_batch("list", {})
    b.netParamsFile = "src/netParams"
    b.runCfg = {"type": "local", "script": "src/init.py", "paramListFile": "params.csv"}
    b.run()
    assert (fake / "out" / "b_netParams.py").exists()
    got = [json.loads((fake / "out" / f"b_{i}.json").read_text())["simData"] for i in range(3)]
    assert [(d["x"], d["y"]) for d in got] == [(0.1, 0.5), (0.2, 0.25), (0.3, 0)]


def test_hpc_sge_writes_a_job_script_per_run_and_submits_it_with_qsub(fake, tmp_path):
    """batchSGE's runCfg: one <run>.sh per run with NetPyNE's #$ lines, an MPI job of
    `cores` processes; qsub when there is one, else written and reported."""
    b = fake_batch()
    b.runCfg = {"type": "hpc_sge", "jobName": "my_batch", "cores": 2, "script": "src/init.py",
                "skip": True}
    b.verbose = True
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    qsub = bin_dir / "qsub"
    qsub.write_text(f"#!/bin/sh\necho \"$1\" >> {tmp_path / 'submitted'}\necho Your job 7\n")
    qsub.chmod(qsub.stat().st_mode | stat.S_IEXEC)
    path = os.environ["PATH"]
    os.environ["PATH"] = f"{bin_dir}:{path}"
    try:
        outcome = b.run()
    finally:
        os.environ["PATH"] = path
    assert [r.message for r in outcome.runs] == ["submitted: Your job 7"] * 2
    submitted = (tmp_path / "submitted").read_text().split()
    assert [Path(s).name for s in submitted] == ["b_0.sh", "b_1.sh"]
    script = (fake / "out" / "b_1.sh").read_text()
    for line in ("#$ -cwd", "#$ -N my_batch", "#$ -q cpu.q", "#$ -pe smp 2",
                 "#$ -l h_vmem=32G", "#$ -l h_rt=00:30:00", "source ~/.bashrc",
                 "-m neuroloom.batch.runner"):
        assert line in script
    job = json.loads((fake / "out" / ".b_1.job.json").read_text())
    assert job["command"][:3] == ["mpiexec", "-n", "2"] and job["mpi"] is True
    # run as a node would (no ~/.bashrc needed here): the run's outputs are published
    body = script.replace("source ~/.bashrc", "")
    ran = subprocess.run(["bash", "-c", body], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PATH": f"{MPIEXEC.parent}:{path}"})
    assert ran.returncode == 0, ran.stdout[-1500:] + ran.stderr[-1500:]
    data = json.loads((fake / "out" / "b_1.json").read_text())["simData"]
    assert data["x"] == 0.2 and data["size"] == 2


# -- the examples, reduced, with only their imports changed ---------------------------------

WRAP = '''"""Reduce a batch example's sizes (OVER) without editing it, then run it as __main__."""
import json, os, runpy, sys
from neuroloom.batch import Batch
OVER = json.loads(os.environ["OVER"])
original = Batch.run
def run(self):
    for key, value in OVER.get("initCfg", {}).items():
        self.initCfg[tuple(key.split(".")) if "." in key else key] = value
    for key, keep in OVER.get("keep", {}).items():
        label = tuple(key.split(".")) if "." in key else key
        self.params[label] = list(self.params[label])[:keep]
    for attr in ("evolCfg", "optimCfg", "runCfg"):
        getattr(self, attr).update(OVER.get(attr, {}))
    self.seed = OVER.get("seed", 1)
    return original(self)
Batch.run = run
sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[1])))
runpy.run_path(sys.argv[1], run_name="__main__")
'''


def example(name: str, folder: Path) -> Path:
    """A copy of the example with only its netpyne imports changed to neuroloom."""
    dest = folder / name
    shutil.copytree(shared("netpyne-examples", name), dest)
    for py in dest.rglob("*.py"):
        text = py.read_text(errors="replace")
        new = re.sub(r"^(\s*)from netpyne import (.*)$", r"\1from neuroloom import \2", text,
                     flags=re.M)
        new = re.sub(r"^(\s*)from netpyne\.batch import Batch",
                     r"\1from neuroloom.batch import Batch", new, flags=re.M)
        if new != text:
            py.chmod(0o644)
            py.write_text(new)
    for path in [dest, *dest.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    (dest / "wrap.py").write_text(WRAP)
    return dest


def run_example(dest: Path, script: str, over: dict, timeout=900):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMI_", "OMPI_"))}
    env.update(OVER=json.dumps(over), PATH=f"{MPIEXEC.parent}:{env['PATH']}",
               MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "wrap.py", script], cwd=dest, capture_output=True,
                          text=True, timeout=timeout, env=env)


# printPopAvgRates=[t0, t1] (the examples') stays with helper A's options; True computes
# popRates over the whole run on both sides
RATES = {"printPopAvgRates": True}


@pytest.mark.slow
def test_evolutionary_example_runs_netpynes_custom_algorithm(tmp_path):
    dest = example("evolutionary", tmp_path)
    done = run_example(dest, "src/batchRun.py", {
        "initCfg": {"duration": 300, **RATES},
        "evolCfg": {"pop_size": 2, "max_generations": 1}})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "configure other run types: not used by type 'mpi_bulletin'" in done.stderr
    trials = json.loads((dest / "simple" / "simple_trials.json").read_text())
    assert [t["label"] for t in trials] == ["simple_gen_0_cand_0", "simple_gen_0_cand_1",
                                            "simple_gen_1_cand_0", "simple_gen_1_cand_1"]
    assert all(t["ok"] and t["fitness"] < 1000 for t in trials)
    for t in trials:
        rates = json.loads((dest / "simple" / f"{t['label']}.json").read_text())[
            "simData"]["popRates"]
        assert 5 < rates["S"] < 15  # S: 20 cells driven by 10 Hz background only
    assert len((dest / "simple" / "simple_stats.csv").read_text().splitlines()) == 3


@pytest.mark.slow
@pytest.mark.mpi
def test_asd_example_runs_each_candidate_as_an_mpi_job(tmp_path):
    dest = example("asdOptim", tmp_path)
    done = run_example(dest, "src/batch.py", {"initCfg": {"duration": 300, **RATES},
                                              "optimCfg": {"maxiters": 1}})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    output = json.loads((dest / "simple" / "simple_output.json").read_text())
    assert output["exitreason"] == "Maximum iterations reached"
    assert [xs[0] for xs in output["details"]["xvals"]] == [[0.4, 0.1, 5], [0.3, 0.2, 3]]
    assert "candidate 1 starts outside [min, max] for weight" in done.stderr
    trials = json.loads((dest / "simple" / "simple_trials.json").read_text())
    assert len(trials) == 4 and all(t["ok"] for t in trials)


@pytest.mark.slow
@pytest.mark.mpi
def test_optuna_example(tmp_path):
    pytest.importorskip("optuna")
    dest = example("optunaOptim", tmp_path)
    done = run_example(dest, "src/batch.py", {"initCfg": {"duration": 300, **RATES},
                                              "optimCfg": {"maxiters": 2}})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    trials = json.loads((dest / "simple" / "simple_trials.json").read_text())
    assert [t["label"] for t in trials] == ["simple_trial_0", "simple_trial_1"]
    assert all(t["ok"] for t in trials)


@pytest.mark.slow
def test_sge_example_writes_its_job_scripts(tmp_path):
    dest = example("batchSGE", tmp_path)
    env_path = os.environ["PATH"]
    os.environ["PATH"] = "/usr/bin:/bin"  # no qsub here
    try:
        done = run_example(dest, "src/batch.py", {"initCfg": {"duration": 100}})
    finally:
        os.environ["PATH"] = env_path
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "no qsub on this machine: 9 job scripts written" in done.stdout
    script = (dest / "tut8_data" / "tauWeight_2_1.sh").read_text()
    assert "#$ -N my_batch" in script and "#$ -pe smp 4" in script


@pytest.mark.slow
def test_sbi_example(tmp_path):
    dest = example("sbiOptim", tmp_path)
    done = run_example(dest, "src/batch.py", {"initCfg": {"duration": 300, **RATES},
                                              "optimCfg": {"maxiters": 10},
                                              "runCfg": {"nodes": 1, "coresPerNode": 1}})
    import importlib.util

    if importlib.util.find_spec("sbi") is None or importlib.util.find_spec("torch") is None:
        assert done.returncode != 0
        assert "method 'sbi' needs torch (PyTorch) and sbi" in done.stderr
        return
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    import pickle

    output = pickle.loads((dest / "simple" / "simple_output.pkl").read_bytes())
    assert output["samples"].shape == (10000, 3) and output["paramLabels"] == [
        "prob", "weight", "delay"]
    low, high = np.array([0.01, 0.001, 1]), np.array([0.5, 0.1, 20])
    assert np.all(output["samples"] >= low - 1e-6) and np.all(output["samples"] <= high + 1e-6)
