"""NetPyNE's batch and optimisation examples on neuroloom: the options they pass (params
forms, initCfg paths, runCfg types and keys, evolCfg/optimCfg), NetPyNE's 'custom'
evolutionary algorithm, adaptive stochastic descent, the time a run may take, job scripts
for SGE, and the examples themselves run with only their imports changed (reduced sizes).

Most tests here run a stand-in for the model (a script that writes simData from the cfg,
no NEURON), so they check the batch machinery in seconds; the example tests at the end run
the real models and are slow."""
import fcntl
import hashlib
import json
import os
import pickle
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
    for key, indices in OVER.get("pick", {}).items():
        label = tuple(key.split(".")) if "." in key else key
        self.params[label] = [list(self.params[label])[i] for i in indices]
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


@pytest.mark.slow
def test_evolutionary_example_runs_netpynes_custom_algorithm(tmp_path):
    dest = example("evolutionary", tmp_path)
    done = run_example(dest, "src/batchRun.py", {
        "evolCfg": {"pop_size": 2, "max_generations": 1}})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "configure other run types: not used by type 'mpi_bulletin'" in done.stderr
    trials = json.loads((dest / "simple" / "simple_trials.json").read_text())
    assert [t["label"] for t in trials] == ["simple_gen_0_cand_0", "simple_gen_0_cand_1",
                                            "simple_gen_1_cand_0", "simple_gen_1_cand_1"]
    assert all(t["ok"] and t["fitness"] < 1000 for t in trials)
    for t in trials:  # over the example's printPopAvgRates window, [500, 2000] ms
        rates = json.loads((dest / "simple" / f"{t['label']}.json").read_text())[
            "simData"]["popRates"]
        assert 5 < rates["S"] < 15  # S: 20 cells driven by 10 Hz background only
    assert len((dest / "simple" / "simple_stats.csv").read_text().splitlines()) == 3


@pytest.mark.slow
@pytest.mark.mpi
def test_asd_example_runs_each_candidate_as_an_mpi_job(tmp_path):
    dest = example("asdOptim", tmp_path)
    done = run_example(dest, "src/batch.py", {"optimCfg": {"maxiters": 1}})
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
    done = run_example(dest, "src/batch.py", {"optimCfg": {"maxiters": 2}})
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
    done = run_example(dest, "src/batch.py", {"optimCfg": {"maxiters": 10},
                                              "runCfg": {"nodes": 1, "coresPerNode": 1}})
    import importlib.util

    if importlib.util.find_spec("sbi") is None or importlib.util.find_spec("torch") is None:
        assert done.returncode != 0
        assert "method 'sbi' needs torch (PyTorch) and sbi" in done.stderr
        return
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    output = pickle.loads((dest / "simple" / "simple_output.pkl").read_bytes())
    assert output["samples"].shape == (10000, 3) and output["paramLabels"] == [
        "prob", "weight", "delay"]
    low, high = np.array([0.01, 0.001, 1]), np.array([0.5, 0.1, 20])
    assert np.all(output["samples"] >= low - 1e-6) and np.all(output["samples"] <= high + 1e-6)


# -- the examples with mod files: batchCell, batchCellMapping, batch_rxd_net, evolCell -------

def compile_mods(dest: Path, cache: Path) -> None:
    """The example's mod/ compiled as its README tells users (nrnivmodl, with its .inc and
    .h files), the library in dest/x86_64 where NEURON loads it from the working folder.
    Compiled once per content into ``cache`` (pytest's cache: minutes saved per run)."""
    mod = dest / "mod"
    (mod / "vecstim.mod").unlink(missing_ok=True)  # batch_rxd_net's: NEURON 9 has VecStim
    digest = hashlib.sha256()
    for path in sorted(p for p in mod.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    built = cache / digest.hexdigest()[:16]
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / f"{built.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test process may be compiling it
        if not (built / "x86_64" / "libnrnmech.so").exists():
            shutil.rmtree(built, ignore_errors=True)
            shutil.copytree(mod, built / "mod")
            done = subprocess.run([str(MPIEXEC.parent / "nrnivmodl"), "mod"], cwd=built,
                                  capture_output=True, text=True, timeout=900, check=False)
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (dest / "x86_64").symlink_to(built / "x86_64")


def mods_cache(request) -> Path:
    return Path(request.config.cache.mkdir("netpyne-example-mods"))


def batch_files(folder: Path) -> list:
    """The batch folder's files, no staging folder (.<run>.running) left among them."""
    return sorted(p.name for p in folder.iterdir())


def run_files(label: str, *extra: str, data=".json") -> list:
    """What neuroloom's batch leaves per run: the run's cfg, its data, its log, its SONATA
    spikes (saveSpikesSonata) and the figures its cfg saves."""
    return [label + data, f"{label}.log", f"{label}_cfg.json", f"{label}_spikes.h5",
            *(f"{label}_{name}" for name in extra)]




@pytest.mark.slow
def test_batchcell_example_na_and_current_sweep(tmp_path, request):
    """batchCell's batchNa: 2 of its 4 dendNa values x 2 of its 20 IClamp amplitudes (the
    lowest, -0.2 nA, and the highest, 0.75 nA), 300 ms: 4 runs, each with the values in
    its cfg, its netParams (dendritic nax gbar = dendNa) and what it simulated."""
    dest = example("batchCell", tmp_path)
    compile_mods(dest, mods_cache(request))
    done = run_example(dest, "src/batch.py", {"pick": {"dendNa": [0, 3], "IClamp1.amp": [0, 19]},
                                              "initCfg": {"duration": 300}})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    folder = dest / "data" / "batchNa"
    labels = [f"batchNa_{i}_{j}" for i in range(2) for j in range(2)]
    assert batch_files(folder) == sorted(
        ["batchNa_batch.json", "batchNa_batchScript.py", "batchNa_netParams.py"]
        + [f for label in labels for f in run_files(label, "traces.png")])
    spikes = {}
    for label in labels:
        data = json.loads((folder / f"{label}.json").read_text())
        cfg, net = data["simConfig"], data["netParams"]
        dend_na, amp = cfg["dendNa"], cfg["IClamp1"]["amp"]
        for sec in ("Bdend", "Adend1", "Adend2", "Adend3"):
            assert net["cellParams"]["PT_6comp"]["secs"][sec]["mechs"]["nax"]["gbar"] == dend_na
        assert net["stimSourceParams"]["IClamp1"]["amp"] == amp
        spikes[(dend_na, round(amp, 2))] = len(data["simData"]["spkt"])
    assert set(spikes) == {(0.025, -0.2), (0.025, 0.75), (0.4, -0.2), (0.4, 0.75)}
    assert spikes[(0.025, -0.2)] == spikes[(0.4, -0.2)] == 0  # hyperpolarised: silent
    assert spikes[(0.025, 0.75)] > 5 and spikes[(0.4, 0.75)] > 5
    assert spikes[(0.025, 0.75)] != spikes[(0.4, 0.75)]  # dendritic Na changes firing


@pytest.mark.slow
def test_batchcellmapping_example_maps_tau1nmda_into_the_netparams(tmp_path, request):
    """batchCellMapping: Batch(cfg=cfg, netParams=netParams) with netParams.mapping
    tau1NMDA -> synMechParams['NMDA'].tau1NMDA; 3 of its 4 values, 800 ms. The netParams
    object is saved as JSON and each run's synapse gets its run's tau1NMDA: the EPSP of
    the NetStim at 500 ms rises more slowly as tau1NMDA grows."""
    dest = example("batchCellMapping", tmp_path)
    compile_mods(dest, mods_cache(request))
    done = run_example(dest, "src/batch.py", {"keep": {"tau1NMDA": 3},
                                              "initCfg": {"duration": 800}})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    folder = dest / "data" / "batchNMDAMapping"
    labels = [f"batchNMDAMapping_{i}" for i in range(3)]
    assert batch_files(folder) == sorted(
        ["batchNMDAMapping_batch.json", "batchNMDAMapping_batchScript.py",
         "batchNMDAMapping_netParams.json"]
        + [f for label in labels for f in run_files(label, "traces.png")])
    saved = json.loads((folder / "batchNMDAMapping_netParams.json").read_text())
    assert saved["mapping"] == {"tau1NMDA": ["synMechParams", "NMDA", "tau1NMDA"]}
    assert len(saved["cellParams"]["PT_6comp"]["secs"]) == 6
    peaks, traces = [], []
    for label, tau1 in zip(labels, (10, 15, 20)):
        data = json.loads((folder / f"{label}.json").read_text())
        assert data["simConfig"]["tau1NMDA"] == tau1
        assert data["netParams"]["synMechParams"]["NMDA"]["tau1NMDA"] == tau1
        v = np.asarray(data["simData"]["V_soma"]["cell_0"])
        assert len(v) == 8000  # recordStep 0.1 ms
        traces.append(v)
        peaks.append(0.1 * (5000 + int(np.argmax(v[5000:]))))  # ms of the EPSP's peak
    for v in traces[1:]:
        assert np.array_equal(v[:5000], traces[0][:5000])  # the same until the NetStim
        assert np.max(np.abs(v[5000:] - traces[0][5000:])) > 0.01
    assert 500 < peaks[0] < peaks[1] < peaks[2] < 800


@pytest.mark.slow
def test_batch_rxd_net_example_script_path_and_ip3_sweep(tmp_path, request):
    """batch_rxd_net names runCfg script 'init.py', which is src/init.py: NetPyNE would
    start every run as `nrniv init.py` in the example folder and each would fail; neuroloom
    stops before writing anything and names the file. With the script it means: 2 ip3_init
    values (of 2) x 1 gip3r (of 2), 100 ms: more ip3 releases ER calcium and lowers firing,
    as the example's README says."""
    dest = example("batch_rxd_net", tmp_path)
    done = run_example(dest, "src/batch.py", {"initCfg": {"duration": 100}})
    assert done.returncode != 0
    assert ("Batch.runCfg.script: 'init.py' does not exist (paths are relative to "
            f"{dest}); did you mean 'src/init.py'?") in done.stderr
    assert not (dest / "data").exists()
    compile_mods(dest, mods_cache(request))
    done = run_example(dest, "src/batch.py", {"keep": {"gip3r": 1},
                                              "initCfg": {"duration": 100},
                                              "runCfg": {"script": "src/init.py"}})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    folder = dest / "data" / "batchRxd"
    labels = ["batchRxd_0_0", "batchRxd_1_0"]
    assert batch_files(folder) == sorted(
        ["batchRxd_batch.json", "batchRxd_batchScript.py", "batchRxd_netParams.py"]
        + [f for label in labels for f in run_files(label)])
    runs = {}
    for label in labels:
        cfg = json.loads((folder / f"{label}_cfg.json").read_text())["simConfig"]
        assert cfg["gip3r"] == 12040 * 50
        data = json.loads((folder / f"{label}.json").read_text())
        assert set(data) == {"neuroloom_version", "run_id", "simData"}  # saveDataInclude: simData
        sim_data = data["simData"]
        assert np.asarray(sim_data["LFP"]).shape == (100, 3)  # 3 electrodes, every 1 ms
        runs[cfg["ip3_init"]] = (len(sim_data["spkt"]),
                                 float(np.mean(sim_data["cai_soma"]["cell_0"])))
    assert set(runs) == {0.0, 1.0}
    assert runs[0.0][0] > 50 and runs[1.0][0] < runs[0.0][0]
    assert runs[1.0][1] > runs[0.0][1]


@pytest.mark.slow
def test_evolcell_example_fi_curves_per_candidate(tmp_path, request):
    """evolCell's evolCellITS4 (its __main__): as written its IClamp targets pop 'ITS4',
    which its netParams does not define (only NGF): NetPyNE injects nothing and every
    candidate scores the same; so does neuroloom, with a warning naming the pop. Aimed at NGF (IClamp1.pop), 2 candidates x 2 generations, 6 s
    (the first 3 of its 13 current steps): each run's simData has the fI rates, the
    fitness is the example's fitnessFunc of them, and the candidate's tune values reach
    the cell."""
    dest = example("evolCell", tmp_path)
    compile_mods(dest, mods_cache(request))
    done = run_example(dest, "src/batch.py", {"initCfg": {"duration": 1500},
                                              "evolCfg": {"pop_size": 2, "max_generations": 0}})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    targets = [0., 0., 19., 29., 37., 45., 51., 57., 63., 68., 73., 77., 81.]
    logs = "".join(p.read_text() for p in (dest / "ITS4_evol").glob("*.log"))
    assert "conds.pop: the network has no pop 'ITS4'" in done.stdout + done.stderr + logs
    trials = json.loads((dest / "ITS4_evol" / "ITS4_evol_trials.json").read_text())
    # no current: no spikes, every candidate's fitness the mean of the targets
    assert [t["ok"] for t in trials] == [True] * 2
    assert [t["fitness"] for t in trials] == [pytest.approx(np.mean(targets))] * 2
    shutil.rmtree(dest / "ITS4_evol")

    done = run_example(dest, "src/batch.py", {"initCfg": {"duration": 6000, "IClamp1.pop": "NGF"},
                                              "evolCfg": {"pop_size": 2, "max_generations": 1}})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    folder = dest / "ITS4_evol"
    labels = [f"ITS4_evol_gen_{g}_cand_{c}" for g in range(2) for c in range(2)]
    assert batch_files(folder) == sorted(
        [f"ITS4_evol_{name}" for name in ("batch.json", "batchScript.py", "netParams.py",
                                          "stats.csv", "stats_indiv.csv", "trials.json")]
        + [f for label in labels for f in run_files(label, "fI.png", "traces.png",
                                                    data=".pkl")])
    trials = json.loads((folder / "ITS4_evol_trials.json").read_text())
    assert [t["label"] for t in trials] == labels and all(t["ok"] for t in trials)
    curves = []
    for t in trials:
        with open(folder / f"{t['label']}.pkl", "rb") as fh:
            data = pickle.load(fh)
        f_i = data["simData"]["fI"]
        assert len(f_i) == 13  # one rate per current step, of 500 ms from 1000, 3000, ...
        assert f_i[0] == 0 and 0 < f_i[1] <= f_i[2] and f_i[3:] == [0.0] * 10  # 0, 0.05,
        # 0.1 nA; the later steps start after the 6 s run
        assert t["fitness"] == pytest.approx(np.mean([abs(r - g) for r, g in zip(f_i,
                                                                                 targets)]))
        soma = data["netParams"]["cellParams"]["NGF_reduced"]["secs"]["soma"]
        assert soma["geom"]["Ra"] == t["params"]["tune.soma.Ra"]
        assert 50 <= soma["geom"]["Ra"] <= 150
        curves.append(tuple(f_i[:3]))
    assert len(set(curves)) > 1  # the candidates' values change the cell's f-I curve


def test_a_script_named_without_its_folder_is_found_beside_the_specs(fake):
    """batch_rxd_net's runCfg script 'init.py' for src/init.py: an error naming it."""
    b = fake_batch()
    b.runCfg = {"type": "local", "script": "init.py"}
    with pytest.raises(SpecError, match=r"Batch.runCfg.script: 'init.py' does not exist "
                                        r"\(paths are relative to .*\); did you mean "
                                        r"'src/init.py'\?"):
        b.run()
    assert not (fake / "out").exists()
