"""A batch folder as a table of parameters x results (tutorial 8's analysis), numpy only.

    from neuroloom.batch import load
    table = load('tut8_data')   # the folder's only <label>_batch.json
    print(table)  # label, synMechTau2, connWeight, avgRate, numSpikes, popRates.S, ...

Rows come from the run cfg files (``<label>_<i>_<j>_cfg.json``, ``<label>_trial_<n>_cfg.json``,
``<label>_gen_<g>_cand_<c>_cfg.json``), not from the data files: the batch writes a run's cfg
before starting it and publishes the data file only when the run succeeded, so a run without
its data file is unfinished (or failed), and it is kept with NaN results rather than dropped.
Parameter values are read from each run's cfg, where the run really took them.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..results.save import load_payload
from ..suggest import hint
from .runner import data_suffix
from .table import BatchTable, as_column

BATCH_SUFFIX = "_batch.json"
RUN_SUFFIX = r"(?:_\d+)+|_trial_\d+|_gen_\d+_cand_\d+"  # grid/list, optuna, evol
FIXED_RESULTS = ("avgRate", "numSpikes")


def load(folder, label: str | None = None, trust_pickle: bool = False) -> BatchTable:
    """The runs of batch ``label`` (default: the folder's only batch) in ``folder``.

    Parameters
    ----------
    folder : str or pathlib.Path
        The batch's saveFolder.
    label : str, optional
        The batch (default: the folder's only one).
    trust_pickle : bool, default False
        Read the runs' data files when they are pickles (the run config asked for
        savePickle only). A pickle can run code while it is read: pass True only for a
        folder from a trusted source. Without it such a batch is a FormatError naming the
        file and this option.

    Returns
    -------
    BatchTable

    Raises
    ------
    FormatError
        Not a batch folder, a damaged file, or a pickle not trusted.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FormatError(f"{str(folder)!r} is not a folder")
    label = _batch_label(folder, label)
    paths = _param_paths(folder / f"{label}{BATCH_SUFFIX}")
    names = [".".join(map(str, path)) for path in paths]
    fitness = _fitness(folder / f"{label}_trials.json")

    runs = _run_labels(folder, label)
    values = {name: [] for name in names}
    results, unfinished = [], []
    for run in runs:
        cfg_file = folder / f"{run}_cfg.json"
        cfg = _read_json(cfg_file).get("simConfig")
        if not isinstance(cfg, dict):
            raise FormatError(f"{str(cfg_file)!r}: no 'simConfig' (not a batch run's cfg)")
        for name, path in zip(names, paths):
            values[name].append(_follow(cfg, path, cfg_file))
        numbers = _run_results(folder / f"{run}{_data_suffix(cfg)}", trust_pickle)
        if numbers is None:
            unfinished.append(run)
        results.append(numbers or {})

    pops = list(dict.fromkeys(key for numbers in results for key in numbers
                              if key.startswith("popRates.")))  # first-seen = network order
    result_names = [*FIXED_RESULTS, *pops] + (["fitness"] if fitness is not None else [])
    clash = set(names) & ({"label"} | set(result_names))
    if clash:
        raise FormatError(f"batch {label!r}: parameter {sorted(clash)[0]!r} has the name of a "
                          "result column")
    columns = {"label": np.array(runs, dtype=str)}
    columns.update((name, as_column(values[name])) for name in names)
    for name in result_names:
        if name == "fitness":
            column = [fitness.get(run, math.nan) for run in runs]
        else:
            column = [numbers.get(name, math.nan) for numbers in results]
        columns[name] = np.array(column, dtype=float)
    return BatchTable(columns, names, result_names, unfinished, label)


def _batch_label(folder: Path, label: str | None) -> str:
    found = sorted(p.name[:-len(BATCH_SUFFIX)] for p in folder.glob(f"*{BATCH_SUFFIX}"))
    if label is None:
        if not found:
            raise FormatError(f"{str(folder)!r} has no <label>{BATCH_SUFFIX}: not a batch "
                              "folder (Batch.run writes one)")
        if len(found) > 1:
            listed = ", ".join(repr(f) for f in found)
            raise FormatError(f"{str(folder)!r} holds {len(found)} batches ({listed}); "
                              "choose one with load(folder, label=...)")
        return found[0]
    if label not in found:
        raise FormatError(f"{str(folder)!r} has no batch {label!r} (no {label}{BATCH_SUFFIX}); "
                          f"{hint(label, found)}")
    return label


def _param_paths(batch_file: Path) -> list:
    """Each explored parameter as a path into the cfg: 'connWeight' -> ('connWeight',),
    ['IClamp1', 'amp'] -> ('IClamp1', 'amp')."""
    params = _read_json(batch_file).get("params")
    if not isinstance(params, list) or not all(isinstance(p, dict) and "label" in p
                                               for p in params):
        raise FormatError(f"{str(batch_file)!r}: 'params' is not a list of {{'label', "
                          "'values'}}")
    return [tuple(p["label"]) if isinstance(p["label"], list) else (p["label"],)
            for p in params]


def _run_labels(folder: Path, label: str) -> list:
    """The runs of this batch (a batch whose label extends this one is not matched)."""
    pattern = re.compile(re.escape(label) + f"(?:{RUN_SUFFIX})_cfg\\.json")
    runs = [p.name[:-len("_cfg.json")] for p in folder.iterdir() if pattern.fullmatch(p.name)]
    return sorted(runs, key=_natural)


def _natural(text: str):
    """'run_10' after 'run_9': numbers compare as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", text)]


def _follow(cfg: dict, path: tuple, cfg_file: Path):
    holder = cfg
    for depth, key in enumerate(path):
        if isinstance(holder, dict) and str(key) in holder:
            holder = holder[str(key)]  # JSON keys are strings, path items may not be
        else:
            missing = ".".join(map(str, path[:depth + 1]))
            raise FormatError(f"{str(cfg_file)!r}: simConfig has no {missing!r} (a parameter "
                              "of the batch)")
    return holder


def _data_suffix(cfg: dict) -> str:
    return data_suffix(cfg) or ".json"


def _run_results(data_file: Path, trust_pickle: bool = False) -> dict | None:
    """The numbers of a finished run, or None when it has not finished. The payload (traces,
    the network) is dropped as soon as they are read."""
    try:
        if data_file.suffix == ".json":
            payload = _read_json(data_file)
        else:
            payload = load_payload(data_file, trust_pickle)
    except FileNotFoundError:  # also a run being redone, whose old data was just removed
        return None
    except FormatError:
        if not data_file.exists():
            return None
        raise
    sim_data = payload.get("simData") if isinstance(payload, dict) else None
    if not isinstance(sim_data, dict):
        raise FormatError(f"{str(data_file)!r}: no 'simData' (not a run's saved data)")
    spikes = sim_data.get("spkt")
    out = {"avgRate": _number(sim_data.get("avgRate")),
           "numSpikes": float(len(spikes)) if spikes is not None else math.nan}
    rates = sim_data.get("popRates")
    for pop, rate in (rates.items() if isinstance(rates, dict) else ()):
        out[f"popRates.{pop}"] = _number(rate)
    return out


def _fitness(trials_file: Path) -> dict | None:
    """{run label: fitness} from an optimisation's trials, None for a batch without them."""
    if not trials_file.exists():
        return None
    trials = _read_json(trials_file, list)
    return {t["label"]: _number(t.get("fitness")) for t in trials
            if isinstance(t, dict) and "label" in t}


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _read_json(path: Path, kind=dict):
    try:
        with open(path, "rb") as f:
            content = json.load(f)
    except ValueError as err:  # not UTF-8 or not JSON
        raise FormatError(f"{str(path)!r} is not a JSON file: {err}") from None
    if not isinstance(content, kind):
        raise FormatError(f"{str(path)!r}: expected a JSON {kind.__name__}")
    return content
