"""NetPyNE's ``createPythonScript``: write a model's netParams and simConfig as a Python
script that rebuilds them (and runs the model). Values are written as Python literals;
only plain data can be, so anything else is an error naming where it is."""
from __future__ import annotations

import math
import pprint
from pathlib import Path

from .. import __version__
from ..atomic import write_bytes_atomic
from ..specs import NetParams, SimConfig
from ..specs.dicts import to_plain

#: netParams entries written one item per line (the others: one line each)
RULE_FAMILIES = ("cellParams", "popParams", "synMechParams", "connParams", "subConnParams",
                 "stimSourceParams", "stimTargetParams", "rxdParams")
LITERALS = (str, int, float, bool, type(None))


def createPythonScript(fname, netParams, simConfig) -> Path:
    """Write ``fname`` (``.py`` added when missing): a script that builds ``netParams``
    and ``simConfig`` and runs them (``sim.createSimulateAnalyze``; with ``-neuroml`` on
    its command line, ``sim.createExportNeuroML2`` instead), as NetPyNE writes it.

    Parameters
    ----------
    fname : str or pathlib.Path
        The script to write.
    netParams : specs.NetParams or dict
    simConfig : specs.SimConfig or dict

    Returns
    -------
    pathlib.Path
        The script written.

    Raises
    ------
    ValueError
        A value that is not plain data (numbers, strings, booleans, None, lists, dicts),
        or a number that is not finite, named by its path.
    """
    return _write(fname, netParams, simConfig, simulate=True)


def createPythonNetParams(fname, netParams) -> Path:
    """Write a script that builds ``netParams`` only (see createPythonScript)."""
    return _write(fname, netParams, None, simulate=False)


def createPythonSimConfig(fname, simConfig, varName=None) -> Path:
    """Write a script that builds ``simConfig`` only, as ``varName`` (default
    'simConfig'; see createPythonScript)."""
    return _write(fname, None, simConfig, simulate=False, cfg_name=varName or "simConfig")


def _write(fname, net_params, sim_config, simulate: bool, cfg_name: str = "simConfig"):
    path = Path(str(fname) if str(fname).endswith(".py") else f"{fname}.py")
    made_from = " and ".join(n for n, v in (("netParams", net_params),
                                            ("simConfig", sim_config)) if v is not None)
    lines = [f"from neuroloom import specs{', sim' if simulate else ''}", "",
             f"# Written by neuroloom {__version__} from {made_from}", ""]
    if net_params is not None:
        lines += ["netParams = specs.NetParams()"]
        lines += _assignments("netParams", _plain(net_params), NetParams().todict(),
                              RULE_FAMILIES)
    if sim_config is not None:
        lines += ["", f"{cfg_name} = specs.SimConfig()"]
        lines += _assignments(cfg_name, _plain(sim_config), SimConfig().todict(), ())
    if simulate:
        lines += ["", "import sys", "",
                  "if '-neuroml' not in sys.argv:",
                  f"    sim.createSimulateAnalyze(netParams=netParams, simConfig={cfg_name})",
                  "else:",
                  f"    sim.createExportNeuroML2(netParams=netParams, simConfig={cfg_name}, "
                  f"reference={cfg_name}.filename or 'NetPyNENetwork')"]
    write_bytes_atomic(path, ("\n".join(lines) + "\n").encode())
    return path


def _plain(specs) -> dict:
    return to_plain(specs.todict() if hasattr(specs, "todict") else dict(specs))


def _assignments(name: str, values: dict, defaults: dict, families) -> list[str]:
    """``name.key = value`` for each value that differs from its default; the items of
    rule families one by one."""
    lines = []
    for key, value in values.items():
        if key in families and isinstance(value, dict):
            for label, rule in value.items():
                target = f"{name}.{key}[{label!r}]"
                lines.append(f"{target} = {_literal(rule, target)}")
        elif key not in defaults or defaults[key] != value:
            target = f"{name}.{key}"
            lines.append(f"{target} = {_literal(value, target)}")
    return lines


def _literal(value, where: str) -> str:
    _check_plain(value, where)
    return pprint.pformat(value, indent=1, width=96, sort_dicts=False)


def _check_plain(value, where: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where}: {value!r} cannot be written as a Python literal")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, LITERALS):
                raise ValueError(f"{where}: key {key!r} is not plain data")
            _check_plain(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_plain(item, f"{where}[{i}]")
    elif not isinstance(value, LITERALS):
        raise ValueError(f"{where}: a {type(value).__name__} is not plain data and cannot be "
                         "written into a script")
