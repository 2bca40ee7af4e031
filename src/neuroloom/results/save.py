"""Saving and loading runs: ``<saveFolder>/<filename>_data.{json,pkl,h5,mat}``, atomically.

The payload holds what saveDataInclude asks for: 'netParams', 'simConfig', 'netCells' (the
network's tables and catalogs), 'netPops' (the populations only, without netCells) and
'simData' ('net' is netCells and netPops). Loading never runs code from the file: JSON and
HDF5 are data; a pickle is only read when the user explicitly loads a .pkl file.
"""
from __future__ import annotations

import json
import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np

from .. import __version__
from ..atomic import atomic_path, write_bytes_atomic
from ..errors import FormatError
from ..model.serialize import network_to_dict
from ..model.tables import ConnTable
from ..specs.dicts import to_plain
from ..specs.pickles import load_pickle
from .hdf5 import read_hdf5, write_hdf5
from .netpyne_data import NetPyNEUnpickler, is_netpyne
from .saved_network import without_cell_secs

INCLUDE = ("netParams", "netCells", "netPops", "simConfig", "simData")


def output_path(save_folder: str, filename: str, suffix: str) -> Path:
    """Where an output goes: ``filename`` may itself contain folders."""
    return Path(save_folder or ".") / f"{filename}{suffix}"


def data_payload(net_params, sim_config, network, sim_data, include=INCLUDE,
                 cell_conns: bool = True, cell_secs: bool = True,
                 run_id: str | None = None) -> dict:
    """Everything saveDataInclude asks for: plain data, with the network's columns and
    the recordings as numpy arrays (each writer turns them into what its format holds).
    Without ``cell_conns`` (simConfig.saveCellConns False) the network is saved without its
    connections, without ``cell_secs`` (simConfig.saveCellSecs False) without its cell
    types' sections (results/saved_network.py), and says so (``net['omitted']``).
    ``run_id`` (results/run_id.py) comes second, where a reader finds it in the file's
    first bytes."""
    payload = {"neuroloom_version": __version__}
    if run_id is not None:
        payload["run_id"] = run_id
    if "netParams" in include:
        payload["netParams"] = net_params.todict()
    if "simConfig" in include:
        payload["simConfig"] = sim_config.todict()
    if "netCells" in include:
        if cell_conns:
            payload["net"] = network_to_dict(network, arrays=True)
        else:
            payload["net"] = network_to_dict(replace(network, conns=ConnTable.empty()),
                                             arrays=True)
            payload["net"]["omitted"] = ["conns"]
        if not cell_secs:
            payload["net"] = without_cell_secs(payload["net"])
    elif "netPops" in include:
        payload["net"] = {"pops": network_to_dict(network, arrays=True)["pops"]}
    if "simData" in include and sim_data is not None:
        payload["simData"] = sim_data
    return payload


def save_json(path, payload: dict) -> Path:
    write_bytes_atomic(path, json.dumps(to_plain(payload), allow_nan=True).encode())
    return Path(path)


def save_pickle(path, payload: dict) -> Path:
    # the same plain data as the JSON file (no numpy objects: any Python can read it)
    write_bytes_atomic(path, pickle.dumps(to_plain(payload), protocol=pickle.HIGHEST_PROTOCOL))
    return Path(path)


def save_hdf5(path, payload: dict) -> Path:
    write_hdf5(path, payload)
    return Path(path)


def save_mat(path, payload: dict) -> Path:
    """A MATLAB file (scipy.io.savemat) of the same data: dicts as structs, lists of
    strings and of dicts as cell arrays, None as the string '__np_none__' (as NetPyNE)."""
    from scipy.io import savemat  # heavy, and needed only for this format

    with atomic_path(path, suffix=".mat") as tmp:
        with open(tmp, "wb") as f:
            savemat(f, _mat_ready(to_plain(payload)), long_field_names=True,
                    do_compression=True)
    return Path(path)


def _mat_ready(value):
    if isinstance(value, dict):
        return {str(k): _mat_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(v, (int, float, bool)) for v in value):
            return np.asarray(value)
        cells = np.empty(len(value), dtype=object)  # a cell array: mixed or nested items
        cells[:] = [_mat_ready(v) for v in value]
        return cells
    return "__np_none__" if value is None else value


def load_payload(path, trust_pickle: bool = False) -> dict:
    """The payload of a saved .json, .pkl or .h5 file (neuroloom's, or NetPyNE's .json and
    .pkl: results/netpyne_data.py reads those).

    Parameters
    ----------
    path : str or pathlib.Path
        The data file.
    trust_pickle : bool, default False
        Read a .pkl file. A pickle can make Python run code while it is read: only the
        user who chose the file can say it comes from a trusted source (sim.load does; the
        command line's ``--trust-pickle`` and batch.load's ``trust_pickle=True`` do). Even
        then only plain data is built (specs/pickles.py).

    Returns
    -------
    dict
        The saved run as plain data (numpy arrays for an HDF5 file's columns).

    Raises
    ------
    FormatError
        The file does not exist, is a folder, is damaged (truncated, empty, not its format),
        is a pickle not trusted, or is not a saved run; the message names the file.
    """
    path = Path(path)
    if not path.exists():
        raise FormatError(f"{str(path)!r} does not exist")
    if path.is_dir():
        raise FormatError(f"{str(path)!r} is a folder, not a data file")
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            payload = json.loads(path.read_bytes().decode("utf-8"))
        except (ValueError, RecursionError) as err:  # not UTF-8, not JSON, nested too deep
            raise FormatError(f"{str(path)!r} is not a JSON file: {err}") from None
        except OSError as err:
            raise FormatError(f"{str(path)!r} cannot be read: {err}") from None
    elif suffix in (".pkl", ".pickle"):
        if not trust_pickle:
            raise FormatError(f"{str(path)!r} is a pickle, which can run code while it is "
                              "read: load it only if it comes from a trusted source, with "
                              "--trust-pickle (command line) or trust_pickle=True (Python)")
        payload = load_pickle(path, NetPyNEUnpickler)
    elif suffix in (".h5", ".hdf5"):
        payload = read_hdf5(path)
    else:
        raise FormatError(f"cannot load {str(path)!r}: use a .json, .pkl or .h5 data file")
    if not isinstance(payload, dict) or not ("neuroloom_version" in payload
                                             or is_netpyne(payload)):
        raise FormatError(f"{str(path)!r} is not a saved neuroloom run (nor a NetPyNE one)")
    return payload
