"""Batch: many simulations of one model with different cfg values (tutorial 8).

    b = Batch(params=params, cfgFile='tut8_cfg.py', netParamsFile='tut8_netParams.py')
    b.batchLabel, b.saveFolder, b.method = 'tauWeight', 'tut8_data', 'grid'
    b.runCfg = {'type': 'mpi', 'script': 'tut8_init.py', 'skip': True}
    b.run()

The batch folder gets ``<label>_netParams.py`` and ``<label>_batchScript.py`` (copies; a
netParams object given to Batch is saved as ``<label>_netParams.json`` instead),
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
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_bytes_atomic
from ..errors import BatchError, SpecError
from ..progress import Progress
from ..results.save import load_payload
from ..results.simdata import saved_sim_data
from ..specs import NetParams, SimConfig
from ..specs.dicts import to_plain
from ..specs.files import load_spec_file
from ..suggest import hint
from . import executors, search
from .params import Run, apply, grid_runs, list_runs, params_from_csv, parse_params
from .runner import BatchOutcome, RunJob, RunResult, data_suffix, staged_cfg

EXPLORE = ("grid", "list")
METHODS = EXPLORE + tuple(search.OPTIONS)
OPTIONS = ("params", "cfgFile", "netParamsFile", "cfg", "netParams", "initCfg",
           "groupedParams", "batchLabel", "saveFolder", "method", "runCfg", "evolCfg",
           "optimCfg", "seed", "verbose")


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
    netParams : specs.NetParams, optional
        The netParams, instead of ``netParamsFile``: saved as ``<label>_netParams.json``,
        which every run reads (values that vary reach it through ``netParams.mapping``).
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
    ``batchLabel``, ``saveFolder``, ``method`` ('grid', 'list', 'optuna', 'evol', 'asd',
    'sbi'), ``runCfg``, ``evolCfg``, ``optimCfg`` and ``verbose`` are set as attributes; any
    other attribute is an error with the closest name. A file name without its ``.py``
    (``'src/netParams'``) names the .py file.
    """

    def __init__(self, cfgFile="cfg.py", netParamsFile="netParams.py", cfg=None, netParams=None,
                 params=None, groupedParams=None, initCfg=None, seed=None):
        self.cfgFile, self.netParamsFile, self.cfg = cfgFile, netParamsFile, cfg
        self.netParams = netParams
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
            if self.method in EXPLORE:
                outcome = self._explore(plan, run_jobs)
            else:
                outcome = search.optimise(
                    self.method, plan.params, self._options_of_method(),
                    _Evaluator(self, plan, run_jobs), self.seed, self._say, self.batchLabel,
                    plan.folder)
        failed = [r for r in outcome.runs if not r.ok]
        if failed and plan.kind not in executors.CLUSTERS and self.method in EXPLORE:
            raise BatchError(f"{len(failed)} of {len(outcome.runs)} runs failed: "
                             + "; ".join(f"{r.label}: {r.message}" for r in failed[:3]))
        return outcome

    def _explore(self, plan, run_jobs) -> BatchOutcome:
        runs = _runs(self.method, self.batchLabel, plan)
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

    def _job(self, plan, run: Run, timeout=None) -> RunJob | None:
        """The run's job, or None when ``skip`` is on and the same run has finished (or,
        with ``skipCfg``, has a cfg file; with ``skipCustom``, has that file)."""
        label = run.label
        cfg = apply(plan.cfg, run.values)
        cfg.simLabel, cfg.saveFolder = label, plan.folder_name
        public = json.dumps({"simConfig": to_plain(cfg.todict())}, indent=4)
        cfg_file = plan.folder / f"{label}_cfg.json"
        data_file = plan.folder / f"{label}{plan.data_suffix}"
        custom = self.runCfg.get("skipCustom")
        if (self.runCfg.get("skipCfg") and cfg_file.exists()) or (
                custom and (plan.folder / f"{label}{custom}").exists()):
            return None
        if data_file.exists():
            same = cfg_file.exists() and cfg_file.read_text() == public
            if plan.skip and same:
                return None
            data_file.unlink()  # another run's data, or a rerun: never left beside this cfg
        write_bytes_atomic(cfg_file, public.encode())
        cfg.saveFolder = str(staged_cfg(plan.folder, label).parent)
        own = json.dumps({"simConfig": to_plain(cfg.todict())}, indent=4)
        command = (*plan.mpi, *plan.python, str(plan.script),
                   f"simConfig={staged_cfg(plan.folder, label)}", f"netParams={plan.net_params}")
        return RunJob(label=label, folder=str(plan.folder), command=command,
                      cwd=str(plan.cwd), data_suffix=plan.data_suffix, cfg_text=own,
                      mpi=bool(plan.mpi), timeout=timeout)

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
        optimising = self.method not in EXPLORE
        if kind in executors.CLUSTERS and optimising:
            raise SpecError(f"Batch.runCfg.type: method {self.method!r} needs each run's "
                            "results before the next; use 'local', 'mpi_bulletin' or "
                            "'mpi_direct'")
        if optimising:
            search.check(self.method, self._options_of_method())
            params = search.parse_ranges(self.params, self.method)
        elif self.method == "list" and self.runCfg.get("paramListFile"):
            params = params_from_csv(self.runCfg["paramListFile"])
        else:
            params = parse_params(self.params, self.groupedParams)
        cfg = self.cfg
        if cfg is None:
            cfg = load_spec_file(_spec_path(self.cfgFile, "cfgFile"), SimConfig,
                                 ("cfg", "simConfig"))
        if not isinstance(cfg, SimConfig):
            raise SpecError("Batch.cfg: a specs.SimConfig")
        cfg = apply(cfg, tuple(self.initCfg.items()), "Batch.initCfg")
        folder_name = str(self.saveFolder or self.batchLabel)
        folder = Path(folder_name).resolve()
        if self.netParams is not None:
            if not isinstance(self.netParams, NetParams):
                raise SpecError("Batch.netParams: a specs.NetParams")
            net_params, source = folder / f"{self.batchLabel}_netParams.json", None
        else:
            source = _spec_path(self.netParamsFile, "netParamsFile")
            net_params = folder / f"{self.batchLabel}_netParams{source.suffix}"
        script = Path(self.runCfg.get("script", "init.py"))
        if not script.is_file():
            raise SpecError(f"Batch.runCfg.script: {str(script)!r} does not exist (paths "
                            f"are relative to {Path.cwd()})" + self._script_beside_specs(script))
        python = (shlex.split(self.runCfg["nrnCommand"]) if self.runCfg.get("nrnCommand")
                  else [sys.executable])
        plan = _Plan(kind=kind, params=params, cfg=cfg, folder=folder, folder_name=folder_name,
                     net_params=net_params, source_net_params=source, script=script.resolve(),
                     python=python, mpi=self._mpi_prefix(kind, optimising),
                     cwd=Path(self.runCfg.get("folder") or Path.cwd())
                     if kind == executors.SLURM else Path.cwd(),
                     skip=bool(self.runCfg.get("skip", False)), data_suffix=_data_suffix(cfg))
        for run in _first_runs(self.method, self.batchLabel, plan):
            apply(cfg, run.values)  # a misspelt parameter fails here, before any run
        return plan

    def _script_beside_specs(self, script: Path) -> str:
        """'; did you mean ...' when a file of that name is beside the cfg or netParams
        file (batch_rxd_net names 'init.py' for its src/init.py)."""
        for spec_file in (self.cfgFile, self.netParamsFile):
            if not isinstance(spec_file, (str, Path)):
                continue
            beside = Path(spec_file).parent / script
            if beside != script and beside.is_file():
                return f"; did you mean '{beside.as_posix()}'?"
        return ""

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
        acting = executors.COMMON + executors.OPTIONS[kind]
        for key in run_cfg:
            if key not in executors.KNOWN:
                raise SpecError(f"Batch.runCfg.{key}: not an option of type "
                                f"{run_cfg.get('type', 'local')!r}; {hint(key, acting)}")
        unused = [key for key in run_cfg if key not in acting]
        if unused:
            polling = [k for k in unused if k in executors.POLLING]
            other = [k for k in unused if k not in executors.POLLING]
            parts = ([f"{', '.join(other)} configure other run types"] if other else []) + (
                [f"{', '.join(polling)} tune how NetPyNE polls for runs"] if polling else [])
            warnings.warn(f"Batch.runCfg: {'; '.join(parts)}: not used by type "
                          f"{run_cfg.get('type', 'local')!r}", UserWarning, stacklevel=4)
        for key in ("cores", "nodes", "coresPerNode"):
            value = run_cfg.get(key, 1)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SpecError(f"Batch.runCfg.{key}: a whole number >= 1")
        return kind

    def _mpi_prefix(self, kind, optimising) -> tuple:
        """The MPI launcher before each run's command: 'mpi_direct' always; a cluster job
        when runCfg names mpiCommand (SGE: always, as NetPyNE's job script)."""
        run_cfg = self.runCfg
        if kind == executors.MPI_DIRECT:
            name = run_cfg.get("mpiCommand", "mpiexec")
            found = executors.mpi_command(name)
            if found is None:
                raise SpecError(f"Batch.runCfg.mpiCommand: {name!r} is not on this machine "
                                "(type 'mpi_direct' runs each simulation with it)")
            return (found, "-n", str(executors.processes_per_run(run_cfg, optimising)))
        if kind == executors.SLURM and run_cfg.get("mpiCommand"):
            count = int(run_cfg.get("nodes", 1)) * int(run_cfg.get("coresPerNode", 1))
            return (run_cfg["mpiCommand"], "-n", str(count))
        if kind == executors.SGE:
            return (run_cfg.get("mpiCommand", "mpiexec"), "-n", str(run_cfg.get("cores", 2)))
        if kind == executors.TORQUE and run_cfg.get("mpiCommand"):
            count = int(run_cfg.get("nodes", 1)) * int(run_cfg.get("ppn", 1))
            return (run_cfg["mpiCommand"], "-n", str(count))
        return ()

    def _options_of_method(self) -> dict:
        return self.evolCfg if self.method == "evol" else self.optimCfg

    def _executor(self, plan):
        if plan.kind == executors.LOCAL:
            return executors.local(self.runCfg.get("cores", executors.default_cores()),
                                   self._report)
        if plan.kind == executors.MPI:
            return executors.mpi_pool(self._report, self._say)
        if plan.kind == executors.MPI_DIRECT:
            per_run = int(plan.mpi[2])
            return executors.local(executors.direct_slots(per_run), self._report)
        return executors.cluster(plan.kind, self.runCfg, self._say)

    def _write_batch_files(self, plan) -> None:
        plan.folder.mkdir(parents=True, exist_ok=True)
        if plan.source_net_params is None:
            text = json.dumps(to_plain(self.netParams.todict()), indent=4)
            write_bytes_atomic(plan.net_params, text.encode())
        else:
            write_bytes_atomic(plan.net_params, plan.source_net_params.read_bytes())
        script = getattr(sys.modules["__main__"], "__file__", None)
        if script and Path(script).is_file():
            write_bytes_atomic(plan.folder / f"{self.batchLabel}_batchScript.py",
                               Path(script).read_bytes())
        options = {name: getattr(self, name) for name in OPTIONS
                   if name not in ("cfg", "netParams")}
        options["params"] = [{"label": list(p.label) if isinstance(p.label, tuple) else p.label,
                              "values": list(p.values), **({"group": True} if getattr(
                                  p, "group", False) else {}),
                              **({"starts": list(p.starts)} if p.starts else {})}
                             for p in plan.params]
        options["saveFolder"] = plan.folder_name
        for name in ("evolCfg", "optimCfg"):  # a function is named, not stored
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
    source_net_params: Path | None  # None: Batch(netParams=...), saved as JSON
    script: Path
    python: list
    mpi: tuple  # the MPI launcher before each run's command, or ()
    cwd: Path  # where each run starts
    skip: bool
    data_suffix: str


class _Evaluator:
    """Runs a round of candidates for an optimisation and returns the simData of each
    (None for a run that failed or did not finish within ``time_limit`` seconds)."""

    def __init__(self, batch: Batch, plan: _Plan, run_jobs):
        self.batch, self.plan, self.run_jobs = batch, plan, run_jobs

    def __call__(self, candidates: list[tuple[str, dict]], time_limit=None) -> list:
        jobs, runs = [], []
        for label, values in candidates:
            run = Run(label, (), tuple(values.items()))
            job = self.batch._job(self.plan, run, time_limit)
            runs.append(run)
            if job is not None:
                jobs.append(job)
        results = {r.label: r for r in self.batch._run_jobs(self.run_jobs, jobs)}
        out = []
        for run in runs:
            result = results.get(run.label, RunResult(run.label, True, 0.0, "skipped"))
            data = None
            if result.ok:
                # the file this batch's own run just wrote
                payload = load_payload(self.plan.folder / f"{run.label}{self.plan.data_suffix}",
                                       trust_pickle=True)
                data = saved_sim_data(payload.get("simData", {}))
            out.append((result, data))
        return out


def _runs(method, label, plan) -> list:
    return (grid_runs if method == "grid" else list_runs)(label, plan.params)


def _first_runs(method, label, plan):
    if method in EXPLORE:
        return _runs(method, label, plan)[:1]
    return [Run(label, (), tuple((p.label, p.starts[0] if p.starts else p.values[0])
                                 for p in plan.params))]


def _spec_path(name, option: str) -> Path:
    """The file ``name`` names; 'src/netParams' names 'src/netParams.py' (as NetPyNE's
    examples write it)."""
    path = Path(name)
    if not path.is_file() and path.suffix == "" and path.with_suffix(".py").is_file():
        path = path.with_suffix(".py")
    if not path.is_file():
        raise SpecError(f"Batch.{option}: {str(name)!r} does not exist")
    return path


def _data_suffix(cfg) -> str:
    suffix = data_suffix(cfg)
    if suffix is None:
        raise SpecError("Batch.cfg: the runs would save no data (saveJson, savePickle and "
                        "saveHDF5 are all off); a batch reads each run's data file")
    return suffix
