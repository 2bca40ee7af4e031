"""popParams -> PopSpec: how many cells, where, with which tags."""
from __future__ import annotations

from numbers import Real

from .checker import attr_path
from .types import PopSpec
from .values import AXES, value

POP_KEYS = ("cellType", "numCells", "cellModel", "density", "gridSpacing", "cellsList",
            "xRange", "yRange", "zRange", "xnormRange", "ynormRange", "znormRange")
POP_PENDING = dict.fromkeys(("rate", "noise", "start", "number", "interval", "spkTimes",
                             "pulses", "seed", "params", "diversity"),
                            "artificial cell populations (issue 4)")
ARTIFICIAL_MODELS = ("NetStim", "VecStim", "IntFire1", "IntFire2", "IntFire4")
METHODS = {"cellsList": "list", "numCells": "count", "density": "density",
           "gridSpacing": "grid"}
RESERVED_TAGS = ("pop", "cellType", "cellModel")


def pop_spec(label, rule, path, cell_rules, cell_types, size, contexts, check) -> PopSpec | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    check.known_keys(rule, path, POP_KEYS, POP_PENDING)
    cell_model = rule.get("cellModel", "HH")
    if cell_model in ARTIFICIAL_MODELS:
        check.add(attr_path(path, "cellModel"),
                  f"'{cell_model}' populations are not supported yet (issue 4)")
        return None
    cell_model = check.string(cell_model, attr_path(path, "cellModel"), default="HH")
    cell_type = check.required(rule, "cellType", path)
    if "cellType" in rule:
        cell_type = check.reference(cell_type, attr_path(path, "cellType"), "cellType",
                                    cell_rules)
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
    # an invalid cell type is reported where it is defined; skip the pop then
    if cell_type not in cell_types or any(v is None for v in fields.values()):
        return None
    return PopSpec(label=str(label), cell_type=cell_type, cell_model=cell_model, method=method,
                   norm_ranges=ranges, **fields)


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
