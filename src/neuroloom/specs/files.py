"""Specs read from files: a .py module that defines them (the user's own model code, run as
the tutorial's workflow needs) or a .json file of plain values (a saved run, or the spec
alone). Used by sim.readCmdLineArgs and by Batch."""
from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

from ..errors import FormatError


def load_spec_file(filename, kind, names: tuple[str, ...]):
    """The ``kind`` object (NetParams or SimConfig) a file defines under one of ``names``."""
    path = Path(filename)
    if not path.exists():
        raise FormatError(f"spec file {str(path)!r} does not exist")
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text())
        for name in names:  # a saved run, or the spec alone
            if isinstance(data, dict) and name in data and isinstance(data[name], dict):
                data = data[name]
                break
        return kind(data)
    if path.suffix.lower() != ".py":
        raise FormatError(f"spec file {str(path)!r} must be .py or .json")
    sys.path.insert(0, str(path.parent.resolve()))
    try:
        module = runpy.run_path(str(path), run_name=f"neuroloom_spec_{path.stem}")
    finally:
        sys.path.pop(0)
    for name in names:
        if isinstance(module.get(name), kind):
            return module[name]
    raise FormatError(f"{str(path)!r} defines no {kind.__name__} named {' or '.join(names)}")
