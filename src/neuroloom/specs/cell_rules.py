"""What NetParams' cell-rule methods do to one cellParams rule, as NetPyNE does it: rules
read from and written to files (JSON as NetPyNE writes them, pickles when the user names
one), section lists by distance from the soma, weightNorm factors, renamed sections."""
from __future__ import annotations

import json
import pickle
import warnings
from pathlib import Path

import numpy as np

from ..atomic import write_bytes_atomic
from ..errors import FormatError
from .dicts import to_plain
from .pickles import load_pickle

RULE_SUFFIXES = (".json", ".pkl")


def rule_file_kind(file_name) -> str:
    """'json' or 'pkl', from the file's suffix (as NetPyNE chooses)."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in RULE_SUFFIXES:
        raise FormatError(f"{str(file_name)!r}: a cell rule file is .json or .pkl")
    return suffix[1:]


def load_rule(file_name) -> dict:
    """The cell rule in a .json or .pkl file (NetPyNE's saveCellParamsRule format: the
    rule's dict, with 'secs', 'secLists', 'globals' and 'conds'), as plain data."""
    path = Path(file_name)
    if rule_file_kind(path) == "pkl":
        rule = load_pickle(path)
    else:
        if not path.exists():
            raise FormatError(f"{str(path)!r} does not exist")
        try:
            rule = json.loads(path.read_bytes().decode("utf-8"))
        except ValueError as err:
            raise FormatError(f"{str(path)!r} is not a JSON file: {err}") from None
    if not isinstance(rule, dict):
        raise FormatError(f"{str(path)!r} holds a {type(rule).__name__}, not a cell rule "
                          "(a dict with 'secs')")
    return to_plain(rule)


def save_rule(rule, file_name) -> Path:
    """Write a cell rule as NetPyNE does: JSON indented by 4 with sorted keys, or a
    pickle of plain dicts (which NetPyNE, and any Python, reads)."""
    plain = to_plain(rule)
    if rule_file_kind(file_name) == "pkl":
        data = pickle.dumps(plain)
    else:
        data = json.dumps(plain, indent=4, sort_keys=True, separators=(",", ": "),
                          ensure_ascii=False).encode("utf-8")
    write_bytes_atomic(file_name, data)
    return Path(file_name)


def sections_within(rule, soma_dist=None, soma_dist_y=None) -> tuple[list, list]:
    """(names of the sections whose middle 3D point is ``soma_dist`` [min, max] um from
    the origin, or whose middle y is within ``soma_dist_y``, names of the sections without
    3D points). The middle point is point ``len // 2``, as NetPyNE takes it."""
    chosen, without = [], []
    for name, sec in rule.get("secs", {}).items():
        points = sec.get("geom", {}).get("pt3d")
        if not points:
            without.append(name)
            continue
        x, y, z = (float(v) for v in points[len(points) // 2][:3])
        if soma_dist is not None:
            keep = soma_dist[0] <= float(np.linalg.norm([x, y, z])) <= soma_dist[1]
        else:
            keep = soma_dist_y[0] <= y <= soma_dist_y[1]
        if keep:
            chosen.append(name)
    return chosen, without


def weight_norm(rule, factors: dict, threshold: float, where: str) -> list:
    """Set each section's weightNorm to its factors from ``factors`` (section -> list,
    as addCellParamsWeightNorm reads them), each capped at ``threshold`` times the soma's
    first factor. Returns the names in ``factors`` that are not sections of the rule."""
    soma = next((name for name in factors if str(name).startswith("soma")), None)
    if soma is None or not len(factors[soma]):
        raise FormatError(f"{where}: no soma section ('soma...') to scale the threshold by")
    cap = threshold * float(factors[soma][0])
    secs = rule["secs"]
    missing = []
    for name, values in factors.items():
        if name in secs:
            secs[name]["weightNorm"] = [min(float(v), cap) for v in values]
        else:
            missing.append(name)
    return missing


def rename_section(rule, old: str, new: str) -> bool:
    """Rename section ``old`` to ``new``, and every reference to it (children's
    parentSec, section lists); False when the rule has no section ``old``."""
    secs = rule.get("secs", {})
    if old not in secs:
        return False
    secs[new] = secs.pop(old)
    for sec in secs.values():
        topol = sec.get("topol") or {}
        if topol.get("parentSec") == old:
            topol["parentSec"] = new
    for name, members in (rule.get("secLists") or {}).items():
        rule["secLists"][name] = [new if m == old else m for m in members]
    return True


def warn_unplaced(label: str, names: list, what: str) -> None:
    """A warning listing sections a method left out (``what`` says why)."""
    if names:
        shown = ", ".join(map(repr, names[:10])) + (", ..." if len(names) > 10 else "")
        warnings.warn(f"cellParams['{label}']: {what}: {shown}", UserWarning, stacklevel=3)


def load_factors(file_name) -> dict:
    """The weightNorm factors of a NetPyNE weightNorm pickle: section -> list."""
    factors = load_pickle(file_name)
    if not isinstance(factors, dict):
        raise FormatError(f"{str(file_name)!r} holds a {type(factors).__name__}, not "
                          "weightNorm factors (section -> list)")
    return {name: list(np.atleast_1d(to_plain(values))) for name, values in factors.items()}
