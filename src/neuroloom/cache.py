"""Where neuroloom keeps what it makes once and reuses: compiled mechanisms
(engine/modfiles.py) and the NEURON code jNeuroML generates (neuroml/generated.py)."""
from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """$NEUROLOOM_CACHE, else $XDG_CACHE_HOME/neuroloom, else ~/.cache/neuroloom."""
    if os.environ.get("NEUROLOOM_CACHE"):
        return Path(os.environ["NEUROLOOM_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "neuroloom"
