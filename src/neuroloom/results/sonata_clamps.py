"""BMTK's clamp report file (module clamp_report): the current of each clamp, every step.

    /data   float64 (n_frames, n_clamps); units "nA"

with the root ``magic`` and ``version`` attributes. Frame k is the value after time step k,
at (k + 1)*dt, as in BMTK's file (and neuroloom's other reports)."""
from __future__ import annotations

import h5py
import numpy as np

from ..atomic import atomic_path
from ..errors import FormatError
from .sonata_reports import SONATA_MAGIC, SONATA_VERSION

CLAMP_UNITS = "nA"


def write_clamp_report(path, data) -> None:
    """Write a clamp report atomically: ``data`` (n_frames, n_clamps) currents in nA."""
    data = np.asarray(data, dtype=np.float64)
    if data.ndim != 2:
        raise FormatError(f"{path}: a clamp report's data is (frames, clamps), got shape "
                          f"{data.shape}")
    with atomic_path(path, suffix=".h5") as tmp:
        with h5py.File(tmp, "w") as f:
            f.attrs.create("magic", SONATA_MAGIC, dtype=np.uint32)
            f.attrs.create("version", np.array(SONATA_VERSION, np.uint32))
            f.create_dataset("data", data=data).attrs["units"] = CLAMP_UNITS
