"""popParams -> PopSpec: how many cells, where, with which tags."""
from __future__ import annotations

from numbers import Real

from ..model.catalog import Artificial
from .checker import attr_path, item_path, looks_like_typo
from .types import PopSpec
from .values import AXES, value

POP_KEYS = ("cellType", "numCells", "cellModel", "density", "gridSpacing", "cellsList",
            "xRange", "yRange", "zRange", "xnormRange", "ynormRange", "znormRange",
            "diversity")
ARTIFICIAL_MODELS = ("NetStim", "VecStim", "IntFire1", "IntFire2", "IntFire4")
NETSTIM_KEYS = ("rate", "interval", "noise", "start", "number", "seed")
VECSTIM_KEYS = ("spkTimes", "pulses")
PULSE_KEYS = ("start", "end", "rate", "interval", "noise")
METHODS = {"cellsList": "list", "numCells": "count", "density": "density",
           "gridSpacing": "grid"}
RESERVED_TAGS = ("pop", "cellType", "cellModel")


def pop_spec(label, rule, path, cell_rules, cell_types, size, contexts, check) -> PopSpec | None:
    """A population of compartmental cells (its cellType is a tag of its cells, which
    selects the cellParams rules they get: validate/netparams.py checks that some rule
    can) or of artificial ones."""
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    cell_model = rule.get("cellModel", "HH")
    # without a cellType, a population a cellParams rule's conds select (by its label or
    # cellModel) is compartmental, its cellModel a mere tag, as in NetPyNE
    by_conds = "cellType" not in rule and _selected_by_conds(label, cell_model, cell_rules)
    if cell_model in ARTIFICIAL_MODELS or ("cellModel" in rule and "cellType" not in rule
                                           and not by_conds):
        return _artificial(label, rule, path, cell_rules, size, contexts, check)
    check.known_keys(rule, path, POP_KEYS)
    cell_model = check.string(cell_model, attr_path(path, "cellModel"), default="HH")
    cell_type = "" if by_conds else check.required(rule, "cellType", path)
    if "cellType" in rule:
        cell_type = check.string(cell_type, attr_path(path, "cellType"))
    diversity = check.boolean(rule.get("diversity", False), attr_path(path, "diversity"))
    placement = _placement(rule, path, size, contexts, check)
    if not isinstance(cell_type, str) or placement is None:
        return None
    return PopSpec(label=str(label), cell_type=cell_type, cell_model=cell_model,
                   diversity=diversity, **placement)


def _selected_by_conds(label, cell_model, cell_rules) -> bool:
    """Does a cellParams rule's conds name the population ``label`` or ``cell_model``?"""
    for rule in cell_rules.values():
        conds = rule.get("conds") if isinstance(rule, dict) else None
        if not isinstance(conds, dict):
            continue
        for tag, own in (("pop", label), ("cellModel", cell_model)):
            wanted = conds.get(tag)
            if wanted == own or (isinstance(wanted, (list, tuple)) and own in wanted):
                return True
    return False


def _placement(rule, path, size, contexts, check) -> dict | None:
    """How many cells and where: method, ranges and the method's value."""
    given = [k for k in METHODS if k in rule]
    if len(given) != 1:
        check.add(path, "give exactly one of numCells, density, gridSpacing, cellsList"
                        + (f" (found {', '.join(given)})" if given else ""))
        return None
    method = METHODS[given[0]]
    ranges = _norm_ranges(rule, path, size, check)
    fields = {}
    where = attr_path(path, given[0])
    if method == "count":
        fields["num_cells"] = check.integer(rule["numCells"], where, minimum=0)
    elif method == "density":
        fields["density"] = value(check, rule["density"], where, contexts.density(),
                                  minimum=0, allow_random=False, default=None)
    elif method == "grid":
        fields["grid_spacing"] = _spacing(rule["gridSpacing"], where, check)
    else:
        fields["cells_list"] = _cells_list(rule["cellsList"], where, size, check)
    if any(v is None for v in fields.values()):
        return None
    return dict(method=method, norm_ranges=ranges, **fields)


def _artificial(label, rule, path, cell_rules, size, contexts, check) -> PopSpec | None:
    """A population of artificial cells (NetStim, VecStim, IntFire1/2/4 or a user's
    ARTIFICIAL_CELL): its parameters go in popParams directly or under 'params'."""
    model = check.string(rule.get("cellModel"), attr_path(path, "cellModel"))
    type_label = rule.get("cellType", str(label))
    if type_label in cell_rules:
        check.add(attr_path(path, "cellType"), f"an artificial population's cellType must "
                                               f"not name a cellParams rule ('{type_label}')")
        return None
    placement_keys = POP_KEYS
    own = check.mapping(rule.get("params", {}), attr_path(path, "params")) or {}
    params = {**{k: v for k, v in rule.items() if k not in placement_keys + ("params",)},
              **own}
    # a VecStim given a rate or interval fires as a NetStim of them (NetPyNE draws the
    # same process, cut at the run's end), without the number of spikes NetPyNE ignores
    by_rate = model == "VecStim" and ("rate" in params or "interval" in params)
    if by_rate:
        params = _vecstim_by_rate(params, path, check)
    # NetPyNE gives a NetStim population number 1e9 (not NEURON's 10) and leaves its start
    # at NEURON's 50 ms; a VecStim given a rate starts at 0 (NetPyNE draws its spikes itself)
    if model == "NetStim" or by_rate:
        params = {"number": 1e9, "start": 50.0 if model == "NetStim" else 0.0,
                  "noise": 0.0, **params}
    where = {k: attr_path(path, k) if k in rule else attr_path(attr_path(path, "params"), k)
             for k in params}
    if model == "NetStim" or by_rate:
        check.known_keys(params, path, NETSTIM_KEYS)
    elif model == "VecStim":
        check.known_keys(params, path, VECSTIM_KEYS)
    else:  # a model's own parameters; only near misses of population keys are typos
        for name in list(params):
            typo = looks_like_typo(str(name), POP_KEYS)
            if typo is not None:
                check.add(where[name], f"unknown key '{name}'; did you mean '{typo}'?")
                del params[name]
    fields = {"spike_times": (), "pulses": ()}
    seed = None
    numeric = []
    if by_rate:
        model = "NetStim"
    for name, raw in params.items():
        if model == "VecStim" and name == "spkTimes":
            fields["spike_times"] = _spike_times(raw, where[name], check)
        elif model == "VecStim" and name == "pulses":
            fields["pulses"] = pulses(raw, where[name], check)
        elif model == "NetStim" and name == "seed":
            seed = check.integer(raw, where[name], minimum=0)
        elif model == "NetStim" and name == "rate" and isinstance(raw, (list, tuple)):
            # NetPyNE: a rate drawn uniformly from [low, high] for each cell
            low, high = _range(raw, where[name], check)
            fields["rate_range"] = (low, high)
        elif model == "NetStim" and name == "rate":
            rate = check.number(raw, where[name], positive=True)
            if rate is not None:
                numeric.append(("interval", 1000.0 / rate))
        else:
            number = check.number(raw, where[name])
            if number is not None:
                numeric.append((str(name), number))
    if model == "NetStim" and "rate" in params and "interval" in params:
        check.add(path, "give one of 'rate' (Hz) and 'interval' (ms), not both")
    if model == "VecStim" and isinstance(rule.get("cellsList"), (list, tuple)) and any(
            isinstance(cell, dict) and "spkTimes" in cell for cell in rule["cellsList"]):
        # NetPyNE: each cell of a VecStim cellsList fires at its own spkTimes
        where = attr_path(path, "cellsList")
        fields["spike_times"] = tuple(
            _times(cell.get("spkTimes", ()) if isinstance(cell, dict) else (),
                   f"{where}[{i}].spkTimes", check)
            for i, cell in enumerate(rule["cellsList"]))
        rule = {**rule, "cellsList": [{k: v for k, v in cell.items() if k != "spkTimes"}
                                      if isinstance(cell, dict) else cell
                                      for cell in rule["cellsList"]]}
    placement = _placement(rule, path, size, contexts, check)
    if model is None or placement is None:
        return None
    return PopSpec(label=str(label), cell_type=str(type_label),
                   cell_model="VecStim" if by_rate else model,
                   artificial=Artificial(mod=model, params=tuple(numeric), seed=seed),
                   **placement,
                   **fields)


def _vecstim_by_rate(params, path, check) -> dict:
    """The parameters of a VecStim population given a rate (Hz, or [low, high] drawn per
    cell) or an interval, as those of the NetStim that fires the same way."""
    params = dict(params)
    if params.get("spkTimes") is not None:
        check.add(path, "give either spkTimes or a rate/interval for a VecStim population "
                        "(NetPyNE uses the rate and ignores spkTimes)")
    params.pop("spkTimes", None)
    if params.pop("pulses", None):
        check.add(attr_path(path, "pulses"), "pulses on top of a rate or interval are not "
                                             "supported yet")
    params.pop("number", None)  # NetPyNE fires a rate-driven VecStim to the run's end
    return params


def _spike_times(raw, path, check):
    """A list of times shared by every cell, or one list per cell."""
    if not isinstance(raw, (list, tuple)):
        check.add(path, f"must be a list of spike times (ms) or one such list per cell, "
                        f"not {raw!r}")
        return ()
    if raw and all(isinstance(t, (list, tuple)) for t in raw):
        return tuple(_times(t, f"{path}[{i}]", check) for i, t in enumerate(raw))
    return _times(raw, path, check)


def _times(raw, path, check):
    times = [check.number(t, f"{path}[{i}]") for i, t in enumerate(raw)]
    return () if None in times else tuple(sorted(times))


def pulses(raw, path, check):
    """Pulses of firing: {start, end, rate (Hz) or interval (ms), noise} each."""
    if not isinstance(raw, (list, tuple)):
        check.add(path, f"must be a list of pulses, not {raw!r}")
        return ()
    out = []
    for i, pulse in enumerate(raw):
        where = item_path(path, i)
        pulse = check.mapping(pulse, where)
        if pulse is None:
            continue
        check.known_keys(pulse, where, PULSE_KEYS)
        if ("rate" in pulse) == ("interval" in pulse):
            check.add(where, "a pulse needs exactly one of 'rate' (Hz) and 'interval' (ms)")
            continue
        start = check.number(check.required(pulse, "start", where), attr_path(where, "start"))
        end = check.number(check.required(pulse, "end", where), attr_path(where, "end"))
        interval = (1000.0 / check.number(pulse["rate"], attr_path(where, "rate"), positive=True,
                                          default=1.0)
                    if "rate" in pulse else
                    check.number(pulse["interval"], attr_path(where, "interval"), positive=True))
        noise = check.number(pulse.get("noise", 0.0), attr_path(where, "noise"), minimum=0,
                             maximum=1)
        if None not in (start, end, interval, noise):
            out.append((start, end, interval, noise))
    return tuple(out)


def _norm_ranges(rule, path, size, check):
    ranges = []
    for axis, extent in zip("xyz", size):
        um, norm = f"{axis}Range", f"{axis}normRange"
        if um in rule and norm in rule:
            check.add(path, f"give one of {um} and {norm}, not both")
        if um in rule:
            low, high = _range(rule[um], attr_path(path, um), check)
            ranges.append((low / extent, high / extent))
        elif norm in rule:
            ranges.append(_range(rule[norm], attr_path(path, norm), check))
        else:
            ranges.append((0.0, 1.0))
    return tuple(ranges)


def _range(raw, path, check):
    if (isinstance(raw, (list, tuple)) and len(raw) == 2
            and all(isinstance(v, Real) and not isinstance(v, bool) for v in raw)
            and raw[0] < raw[1]):
        return float(raw[0]), float(raw[1])
    check.add(path, f"must be [min, max] with min < max, not {raw!r}")
    return 0.0, 1.0


def _spacing(raw, path, check):
    if isinstance(raw, (list, tuple)):
        if len(raw) != 3:
            check.add(path, f"must be a number or [dx, dy, dz], not {raw!r}")
            return None
        items = [check.number(v, f"{path}[{i}]", positive=True) for i, v in enumerate(raw)]
        return None if None in items else tuple(items)
    spacing = check.number(raw, path, positive=True)
    return None if spacing is None else (spacing,) * 3


def _cells_list(raw, path, size, check):
    if not isinstance(raw, (list, tuple)) or not raw:
        check.add(path, f"must be a non-empty list of cells (dicts of tags), not {raw!r}")
        return None
    cells = []
    for i, cell in enumerate(raw):
        where = f"{path}[{i}]"
        cell = check.mapping(cell, where)
        if cell is None:
            return None
        tags = {}
        for tag, v in cell.items():
            tag_path = attr_path(where, tag)
            if tag in RESERVED_TAGS:
                check.add(tag_path, f"'{tag}' comes from the population and cannot be set "
                                    "per cell")
            elif tag in AXES:
                tags[tag] = check.number(v, tag_path, default=0.0)
            elif isinstance(v, (str, Real)) and not isinstance(v, bool):
                tags[str(tag)] = v if isinstance(v, str) else float(v)
            else:
                check.add(tag_path, f"a cell tag must be a number or a string, not {v!r}")
        for axis, extent in zip("xyz", size):  # absolute positions win over normalised
            if axis in tags:
                tags[f"{axis}norm"] = tags[axis] / extent
            else:
                tags[f"{axis}norm"] = tags.get(f"{axis}norm", 0.0)
                tags[axis] = tags[f"{axis}norm"] * extent
        cells.append(tuple(sorted(tags.items())))
    return tuple(cells)
