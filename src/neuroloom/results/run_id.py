"""The run id that ties the files of one run together.

A run writes its data file (``<filename>_data.json/.pkl/.h5/.mat``) and its SONATA spike
file (``<filename>_spikes.h5``) one after the other: a run killed between the two, or a
later run that wrote only one of them, leaves files of two runs side by side. Each run
gets an id when it is initialized (``Session.initialize``); both files carry it (the
payload's ``run_id``, the spike file's ``neuroloom_run_id`` attribute), and loading a
run warns when the spike file beside it carries another.
"""
from __future__ import annotations

import re
import uuid
import warnings
from pathlib import Path

import h5py

#: the spike file's root attribute holding the run id
SPIKES_ATTRIBUTE = "neuroloom_run_id"
#: how much of a JSON data file is read to find its run id: it is written second, after
#: neuroloom_version (results/save.py data_payload), so it is in the first bytes
JSON_HEAD = 4096
_JSON_ID = re.compile(rb'"run_id":\s*"([0-9a-f]+)"')


def new_run_id() -> str:
    """A fresh run id (a random UUID's 32 hex digits)."""
    return uuid.uuid4().hex


def data_file_run_id(path) -> str | None:
    """The run id of a saved data file (None: it has none, or it is a pickle or MATLAB
    file: those are not opened just for this). Reads the file's head, not the file."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            with open(path, "rb") as f:
                match = _JSON_ID.search(f.read(JSON_HEAD))
            return match.group(1).decode() if match else None
        if suffix in (".h5", ".hdf5"):
            with h5py.File(path, "r") as f:
                return _text(f.attrs.get("run_id"))
    except OSError:  # unreadable: its loader says why
        return None
    return None


def spike_file_run_id(path) -> str | None:
    """The run id of a SONATA spike file neuroloom wrote (None: none, or unreadable)."""
    try:
        with h5py.File(path, "r") as f:
            return _text(f.attrs.get(SPIKES_ATTRIBUTE))
    except OSError:
        return None


def _text(value) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


def spike_file_beside(data_file, spikes_file: str = "") -> Path:
    """The spike file saved with a data file: ``spikes_file`` (the saved simConfig's
    saveSpikesSonata name) in the data file's folder, or ``<name>_spikes.h5`` for
    ``<name>_data.<ext>``."""
    data_file = Path(data_file)
    if spikes_file:
        return data_file.parent / Path(spikes_file).name
    stem = data_file.stem.removesuffix("_data")
    return data_file.with_name(f"{stem}_spikes.h5")


def check_same_run(data_file, spike_file) -> bool:
    """Warn (and return False) when a data file and the spike file beside it were written
    by different runs: their run ids differ, or only one has one. Files without ids (older
    runs, pickles) and a missing spike file pass silently."""
    spike_file = Path(spike_file)
    if not spike_file.is_file() or Path(data_file).suffix.lower() in (".pkl", ".pickle",
                                                                       ".mat"):
        return True
    data_id, spikes_id = data_file_run_id(data_file), spike_file_run_id(spike_file)
    if data_id == spikes_id:
        return True
    warnings.warn(f"{str(data_file)!r} and {str(spike_file)!r} are not of the same run (run "
                  f"id {data_id or 'none'} in the data file, {spikes_id or 'none'} in the "
                  "spike file): one of them was written by another run, or a run was "
                  "stopped between the two saves", stacklevel=3)
    return False
