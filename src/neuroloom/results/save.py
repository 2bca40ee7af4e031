"""Saving a run: ``<saveFolder>/<filename>_data.json`` (and ``.pkl``), atomically."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

from .. import __version__
from ..atomic import write_bytes_atomic
from ..model.serialize import network_to_dict
from ..specs.dicts import to_plain


def output_path(save_folder: str, filename: str, suffix: str) -> Path:
    """Where an output goes: ``filename`` may itself contain folders."""
    return Path(save_folder or ".") / f"{filename}{suffix}"


def data_payload(net_params, sim_config, network, sim_data) -> dict:
    """Everything needed to reload and re-analyse a run, as plain data."""
    return {
        "neuroloom_version": __version__,
        "netParams": net_params.todict(),
        "simConfig": sim_config.todict(),
        "net": network_to_dict(network),
        "simData": to_plain(sim_data),
    }


def save_json(path, payload: dict) -> Path:
    write_bytes_atomic(path, json.dumps(payload, allow_nan=True).encode())
    return Path(path)


def save_pickle(path, payload: dict) -> Path:
    write_bytes_atomic(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    return Path(path)
