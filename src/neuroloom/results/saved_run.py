"""The specs of a saved run, as loading reads them: its simConfig (or, when the file was
saved without one, SimConfig's defaults and a warning naming them, as NetPyNE's sim.load
goes on with its defaults after printing that the simConfig was not found) and its
netParams; a part that is not a dict is a FormatError naming the file.
"""
from __future__ import annotations

import warnings

from ..errors import FormatError
from ..specs import NetParams, SimConfig

#: the defaults a run without its simConfig gets that change what it simulates
NAMED_DEFAULTS = ("duration", "dt", "seeds")


def saved_sim_config(payload: dict, where: str, key: str = "simConfig",
                     stacklevel: int = 3) -> SimConfig:
    """The saved simConfig (without NetPyNE's private '_' attributes); SimConfig's defaults,
    with a warning naming them, when the file holds none.

    Parameters
    ----------
    payload : dict
        The saved run (``results.save.load_payload``).
    where : str
        Names the file in messages.
    key : str, default 'simConfig'
        Where the simConfig is.
    stacklevel : int
        Of the warning: the user's call.

    Returns
    -------
    specs.SimConfig

    Raises
    ------
    FormatError
        The saved simConfig is not a dict.
    """
    raw = payload.get(key)
    if raw is None:
        defaults = SimConfig()
        named = ", ".join(f"{name} {getattr(defaults, name)!r}" for name in NAMED_DEFAULTS)
        warnings.warn(f"{where} holds no simConfig: SimConfig's defaults are used ({named}; "
                      "the run was saved with others if its simConfig differed). Pass "
                      "simConfig=... to sim.load, or save with 'simConfig' in "
                      "saveDataInclude", stacklevel=stacklevel)
        return defaults
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: its {key!r} is a {type(raw).__name__}, not a dict")
    return SimConfig({k: v for k, v in raw.items() if not str(k).startswith("_")})


def saved_net_params(raw, where: str) -> NetParams | None:
    """The saved netParams (None when the file holds none).

    Parameters
    ----------
    raw : dict or None
        The payload's netParams.
    where : str
        Names the file in messages.

    Returns
    -------
    specs.NetParams or None

    Raises
    ------
    FormatError
        They are not a dict.
    """
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: its 'netParams' is a {type(raw).__name__}, not a dict")
    return NetParams({k: v for k, v in raw.items() if not str(k).startswith("_")})
