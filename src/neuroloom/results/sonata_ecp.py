"""SONATA extracellular (ecp) reports, as BMTK writes them::

    /ecp/data        float64 (n_frames, n_channels), units "mV"
    /ecp/time        float64 [tstart, tstop, dt], units "ms"
    /ecp/channel_id  the electrodes' channel ids

with root attributes ``magic`` and ``version``. As in BMTK's membrane reports, frame k is
the potential after time step k, at t = (k + 1)*dt (see sonata_reports).
"""
from __future__ import annotations

import h5py
import numpy as np

from ..atomic import atomic_path
from ..errors import FormatError
from .sonata_reports import SONATA_MAGIC, SONATA_VERSION


def write_ecp(path, data, *, dt: float, tstop: float, channels, tstart: float = 0.0) -> None:
    """Write an ecp report atomically.

    Parameters
    ----------
    path : str or pathlib.Path
        The report file.
    data : array_like
        (n_frames, n_channels) potentials in mV; frame k at tstart + (k + 1)*dt.
    dt, tstop, tstart : float
        The run's time step, end and start (ms).
    channels : array_like
        The channel id of each column.

    Raises
    ------
    FormatError
        When data and channels do not fit.
    """
    data = np.asarray(data, dtype=np.float64)
    channels = np.asarray(channels, dtype=np.int64)
    if data.ndim != 2 or data.shape[1] != len(channels):
        raise FormatError(f"{path}: ecp data of shape {data.shape} for {len(channels)} "
                          "channels")
    with atomic_path(path, suffix=".h5") as tmp:
        with h5py.File(tmp, "w") as f:
            f.attrs.create("magic", SONATA_MAGIC, dtype=np.uint32)
            f.attrs.create("version", np.array(SONATA_VERSION, np.uint32))
            ecp = f.create_group("ecp")
            ecp.create_dataset("data", data=data).attrs["units"] = "mV"
            time = ecp.create_dataset("time", data=np.array([tstart, tstop, dt], np.float64))
            time.attrs["units"] = "ms"
            ecp.create_dataset("channel_id", data=channels)


def read_ecp(path) -> tuple[np.ndarray, tuple[float, float, float], np.ndarray]:
    """(data (n_frames, n_channels), (tstart, tstop, dt), channel ids) of an ecp report."""
    with h5py.File(path, "r") as f:
        for key in ("ecp/data", "ecp/time", "ecp/channel_id"):
            if key not in f:
                raise FormatError(f"{path}: /{key} is missing")
        return (f["ecp/data"][()], tuple(float(x) for x in f["ecp/time"][()]),
                f["ecp/channel_id"][()])
