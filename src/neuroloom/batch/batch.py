"""Batch: many simulations of one model with different cfg values (tutorial 8).

    b = Batch(params=params, cfgFile='tut8_cfg.py', netParamsFile='tut8_netParams.py')
    b.batchLabel, b.saveFolder, b.method = 'tauWeight', 'tut8_data', 'grid'
    b.runCfg = {'type': 'mpi', 'script': 'tut8_init.py', 'skip': True}
    b.run()

The batch folder gets ``<label>_netParams.py`` and ``<label>_batchScript.py`` (copies),
``<label>_batch.json`` (the batch's options), and per run ``<label>_<i>_<j>_cfg.json`` (the cfg
with the run's values) and the run's outputs: ``<label>_<i>_<j>.json`` (its data) and the
figures its cfg asks for. Every run is ``<nrnCommand> <script> simConfig=<cfg.json>
netParams=<label>_netParams.py``, the command line sim.readCmdLineArgs reads. Nothing is
written until every option has been checked.
"""
from __future__ import annotations

import json
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_bytes_atomic
from ..errors import BatchError, SpecError
from ..progress import Progress
from ..results.save import load_payload
from ..results.simdata import saved_sim_data
from ..specs import SimConfig
from ..specs.dicts import to_plain
from ..specs.files import load_spec_file
from ..suggest import hint
from . import executors, search
from .params import Run, apply, grid_runs, list_runs, parse_params
from .runner import BatchOutcome, RunJob, RunResult, data_suffix, staged_cfg

METHODS = ("grid", "list", "optuna", "evol")
RUN_OPTIONS = {"type", "script", "skip", "nrnCommand"}
RUN_OPTIONS_BY_TYPE = {executors.LOCAL: {"cores"}, executors.MPI: set(),
                       executors.SLURM: set(executors.SLURM_OPTIONS)}
OPTIONS = ("params", "cfgFile", "netParamsFile", "cfg", "initCfg", "groupedParams",
           "batchLabel", "saveFolder", "method", "runCfg", "evolCfg", "optimCfg", "seed",
           "verbose")


class Batch:
    """A batch of simulations of one model over a grid or list of parameter values, or an
    optimisation; options may be given here or set as attributes (tutorial 8).

    Parameters
    ----------
    cfgFile : str, default 'cfg.py'
        The model's simConfig file (.py or .json).
    netParamsFile : str, default 'netParams.py'
        The model's netParams file, run by each simulation.
    cfg : specs.SimConfig, optional
        The simConfig, instead of reading ``cfgFile``.
    params : dict or list, optional
        cfg variable (or a tuple path into one) -> values; NetPyNE's list of
        {'label', 'values'} is accepted too.
    groupedParams : list of str, optional
        Parameters that move together instead of forming a grid.
    initCfg : dict, optional
        cfg values set in every run.
    seed : int, optional
        The seed of optimisations' searches.

    Notes
    -----
    ``batchLabel``, ``saveFolder``, ``method`` ('grid', 'list', 'optuna', 'evol'),
    ``runCfg``, ``evolCfg``, ``optimCfg`` and ``verbose`` are set as attributes; any other
    attribute is an error with the closest name.
    """

    def __init__(self, cfgFile="cfg.py", netParamsFile="netParams.py", cfg=None, params=None,
                 groupedParams=None, initCfg=None, seed=None):
        self.cfgFile, self.netParamsFile, self.cfg = cfgFile, netParamsFile, cfg
        self.params = params if params is not None else {}
        self.groupedParams, self.initCfg = groupedParams or [], initCfg or {}
        self.seed = seed
        self.batchLabel = "batch_" + time.strftime("%Y_%m_%d")
        self.saveFolder = None  # default: a folder named batchLabel
        self.method, self.runCfg = "grid", {}
        self.evolCfg, self.optimCfg = {}, {}
        self.verbose = True

    def __setattr__(self, name, value):
        if name not in OPTIONS and not name.startswith("_"):
            raise SpecError(f"Batch.{name}: not an option of Batch; {hint(name, OPTIONS)}")
        object.__setattr__(self, name, value)

    # -- running ----------------------------------------------------------------------

    def run(self) -> BatchOutcome | None:
        """Run the batch.

        Returns
        -------
        BatchOutcome or None
            Every run's result (and an optimisation's best); None on the MPI ranks that
            run simulations for rank 0.

        Raises
        ------
        SpecError
            A parameter that is not a cfg variable, an unknown option (before anything
            is written).
        BatchError
            Runs that failed, after the others finished, each with its log.
        """
        plan = self._plan()
        with self._executor(plan) as run_jobs:
            if run_jobs is None:
                return None
            self._write_batch_files(plan)
            if self.method in ("grid", "list"):
                outcome = self._explore(plan, run_jobs)
            else:
                outcome = search.optimise(
                    self.method, plan.params, self._options_of_method(),
                    _Evaluator(self, plan, run_jobs), self.seed, self._say, self.batchLabel,
                    plan.folder / f"{self.batchLabel}_trials.json")
        failed = [r for r in outcome.runs if not r.ok]
        if failed and plan.kind != executors.SLURM and self.method in ("grid", "list"):
            raise BatchError(f"{len(failed)} of {len(outcome.runs)} runs failed: "
                             + "; ".join(f"{r.label}: {r.message}" for r in failed[:3]))
        return outcome

    def _explore(self, plan, run_jobs) -> BatchOutcome:
        runs = (grid_runs if self.method == "grid" else list_runs)(self.batchLabel, plan.params)
        jobs, skipped = [], []
        for run in runs:
            job = self._job(plan, run)
            if job is None:
                skipped.append(run.label)
            else:
                jobs.append(job)
        if skipped:
            self._say(f"{len(skipped)} of {len(runs)} runs already finished: skipped")
        results = self._run_jobs(run_jobs, jobs)
        done = {r.label: r for r in results}
        return BatchOutcome(
            runs=[done.get(r.label, RunResult(r.label, True, 0.0, "skipped")) for r in runs],
            skipped=skipped)

    def _job(self, plan, run: Run) -> RunJob | None:
        """The run's job, or None when ``skip`` is on and the same run has finished."""
        label = run.label
        cfg = apply(plan.cfg, run.values)
        cfg.simLabel, cfg.saveFolder = label, plan.folder_name
        public = json.dumps({"simConfig": to_plain(cfg.todict())}, indent=4)
        cfg_file = plan.folder / f"{label}_cfg.json"
        data_file = plan.folder / f"{label}{plan.data_suffix}"
        if data_file.exists():
            same = cfg_file.exists() and cfg_file.read_text() == public
            if plan.skip and same:
                return None
            data_file.unlink()  # another run's data, or a rerun: never left beside this cfg
        write_bytes_atomic(cfg_file, public.encode())
        cfg.saveFolder = str(staged_cfg(plan.folder, label).parent)
        own = json.dumps({"simConfig": to_plain(cfg.todict())}, indent=4)
        command = (*plan.python, str(plan.script), f"simConfig={staged_cfg(plan.folder, label)}",
                   f"netParams={plan.net_params}")
        return RunJob(label=label, folder=str(plan.folder), command=command, cwd=str(Path.cwd()),
                      data_suffix=plan.data_suffix, cfg_text=own)

    def _run_jobs(self, run_jobs, jobs) -> list[RunResult]:
        """Run ``jobs``: a bar on an interactive terminal, else a line per finished run."""
        if not jobs:
            return []
        self._finished = 0
        with Progress(f"batch {self.batchLabel}", len(jobs), "runs",
                      enabled=self.verbose) as self._progress:
            return run_jobs(jobs)

    def _report(self, result: RunResult) -> None:
        self._finished += 1
        if self._progress.mode == "bar":
            self._progress.update(self._finished)
            if not result.ok:
                self._progress.write(f"batch {self.batchLabel}: {result.label} "
                                     "FAILED")
            return
        state = f"done in {result.seconds:.1f} s" if result.ok else "FAILED"
        self._say(f"run {self._finished}/{self._progress.total:g} {result.label}: {state}")

    def _say(self, message: str) -> None:
        if self.verbose:
            print(f"neuroloom: batch {self.batchLabel}: {message}", flush=True)

    # -- checking the options before anything is written ------------------------------

    def _plan(self) -> "_Plan":
        if self.method not in METHODS:
            raise SpecError(f"Batch.method: {self.method!r} is not a method; "
                            f"{hint(str(self.method), METHODS)}")
        if not isinstance(self.batchLabel, str) or not self.batchLabel or "/" in self.batchLabel:
            raise SpecError("Batch.batchLabel: a non-empty name without '/'")
        kind = self._check_run_cfg()
        if kind == executors.SLURM and self.method not in ("grid", "list"):
            raise SpecError(f"Batch.runCfg.type: method {self.method!r} needs each run's "
                            "results before the next; use 'local' or 'mpi'")
        if self.method in ("grid", "list"):
            params = parse_params(self.params, self.groupedParams)
        else:
            params = search.parse_ranges(self.params)
            search.check(self.method, self._options_of_method())
        cfg = self.cfg if self.cfg is not None else load_spec_file(
            self.cfgFile, SimConfig, ("cfg", "simConfig"))
        if not isinstance(cfg, SimConfig):
            raise SpecError("Batch.cfg: a specs.SimConfig")
        cfg = apply(cfg, tuple(self.initCfg.items()), "Batch.initCfg")
        for run in _first_runs(self.method, self.batchLabel, params):
            apply(cfg, run.values)  # a misspelt parameter fails here, before any run
        net_params = Path(self.netParamsFile)
        if not net_params.is_file():
            raise SpecError(f"Batch.netParamsFile: {str(net_params)!r} does not exist")
        script = Path(self.runCfg.get("script", "init.py"))
        if not script.is_file():
            raise SpecError(f"Batch.runCfg.script: {str(script)!r} does not exist")
        folder_name = str(self.saveFolder or self.batchLabel)
        folder = Path(folder_name).resolve()
        python = (shlex.split(self.runCfg["nrnCommand"]) if self.runCfg.get("nrnCommand")
                  else [sys.executable])
        return _Plan(kind=kind, params=params, cfg=cfg, folder=folder, folder_name=folder_name,
                     net_params=folder / f"{self.batchLabel}_netParams{net_params.suffix}",
                     source_net_params=net_params, script=script.resolve(), python=python,
                     skip=bool(self.runCfg.get("skip", False)),
                     data_suffix=_data_suffix(cfg))

    def _check_run_cfg(self) -> str:
        run_cfg = self.runCfg
        if not isinstance(run_cfg, dict):
            raise SpecError("Batch.runCfg: a dict such as {'type': 'local', 'script': "
                            "'init.py'}")
        kind = executors.TYPES.get(run_cfg.get("type", "local"))
        if kind is None:
            name = str(run_cfg.get("type"))
            raise SpecError(f"Batch.runCfg.type: {name!r} is not a run type; "
                            f"{hint(name, executors.TYPES)}")
        allowed = RUN_OPTIONS | RUN_OPTIONS_BY_TYPE[kind]
        for key in run_cfg:
            if key not in allowed:
                raise SpecError(f"Batch.runCfg.{key}: not an option of type "
                                f"{run_cfg.get('type', 'local')!r}; {hint(key, allowed)}")
        cores = run_cfg.get("cores", 1)
        if not isinstance(cores, int) or isinstance(cores, bool) or cores < 1:
            raise SpecError("Batch.runCfg.cores: a whole number >= 1")
        return kind

    def _options_of_method(self) -> dict:
        return self.optimCfg if self.method == "optuna" else self.evolCfg

    def _executor(self, plan):
        if plan.kind == executors.LOCAL:
            return executors.local(self.runCfg.get("cores", executors.default_cores()),
                                   self._report)
        if plan.kind == executors.MPI:
            return executors.mpi_pool(self._report, self._say)
        return executors.slurm(self.runCfg, self._say)

    def _write_batch_files(self, plan) -> None:
        plan.folder.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(plan.net_params, plan.source_net_params.read_bytes())
        script = getattr(sys.modules["__main__"], "__file__", None)
        if script and Path(script).is_file():
            write_bytes_atomic(plan.folder / f"{self.batchLabel}_batchScript.py",
                               Path(script).read_bytes())
        options = {name: getattr(self, name) for name in OPTIONS if name not in ("cfg",)}
        options["params"] = [{"label": list(p.label) if isinstance(p.label, tuple) else p.label,
                              "values": list(p.values), **({"group": True} if getattr(
                                  p, "group", False) else {})} for p in plan.params]
        options["saveFolder"] = plan.folder_name
        for name in ("evolCfg", "optimCfg"):  # a fitness function is named, not stored
            options[name] = {k: getattr(v, "__name__", repr(v)) if callable(v) else v
                             for k, v in options[name].items()}
        options["initCfg"] = [[list(k) if isinstance(k, tuple) else k, v]
                              for k, v in self.initCfg.items()]
        text = json.dumps(to_plain(options), indent=4, default=repr)
        write_bytes_atomic(plan.folder / f"{self.batchLabel}_batch.json", text.encode())


@dataclass(frozen=True)
class _Plan:
    kind: str
    params: list
    cfg: SimConfig  # the cfg file's, with initCfg applied
    folder: Path
    folder_name: str  # as the user gave it: the runs' cfg files name it so
    net_params: Path  # the copy in the batch folder, which every run reads
    source_net_params: Path
    script: Path
    python: list
    skip: bool
    data_suffix: str


class _Evaluator:
    """Runs a generation of candidates for an optimisation and returns the simData of each
    (None for a run that failed)."""

    def __init__(self, batch: Batch, plan: _Plan, run_jobs):
        self.batch, self.plan, self.run_jobs = batch, plan, run_jobs

    def __call__(self, candidates: list[tuple[str, dict]]) -> list:
        jobs, runs = [], []
        for label, values in candidates:
            run = Run(label, (), tuple(values.items()))
            job = self.batch._job(self.plan, run)
            runs.append(run)
            if job is not None:
                jobs.append(job)
        results = {r.label: r for r in self.batch._run_jobs(self.run_jobs, jobs)}
        out = []
        for run in runs:
            result = results.get(run.label, RunResult(run.label, True, 0.0, "skipped"))
            data = None
            if result.ok:
                payload = load_payload(self.plan.folder / f"{run.label}{self.plan.data_suffix}")
                data = saved_sim_data(payload.get("simData", {}))
            out.append((result, data))
        return out


def _first_runs(method, label, params):
    if method == "grid":
        return grid_runs(label, params)[:1]
    if method == "list":
        return list_runs(label, params)[:1]
    return [Run(label, (), tuple((p.label, p.values[0]) for p in params))]


def _data_suffix(cfg) -> str:
    suffix = data_suffix(cfg)
    if suffix is None:
        raise SpecError("Batch.cfg: the runs would save no data (saveJson, savePickle and "
                        "saveHDF5 are all off); a batch reads each run's data file")
    return suffix
