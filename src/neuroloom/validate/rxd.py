"""netParams.rxdParams -> model.rxd.RxD: every problem at once, with dotted paths
(``rxdParams.reactions['buffering'].rate_f``) and the closest valid name.

The keys are NetPyNE's: regions (intracellular, or extracellular with 'extracellular':
True), species, states, parameters, reactions, multicompartmentReactions, rates and
constants. Strings are parsed by expr/kinetics.py, never evaluated.
"""
from __future__ import annotations

from numbers import Real

from ..errors import ExpressionError
from ..expr import kinetics
from ..model.rxd import EXTRACELLULAR, Extracellular, Rate, Reaction, Region, RxD, Species
from .checker import attr_path, item_path
from .cell_lists import cell_list

PARTS = ("regions", "species", "states", "parameters", "reactions",
         "multicompartmentReactions", "rates", "constants")
REGION_KEYS = ("cells", "secs", "nrn_region", "geometry", "dimension", "dx", "extracellular")
ECS_KEYS = ("extracellular", "xlo", "ylo", "zlo", "xhi", "yhi", "zhi", "dx", "volume_fraction",
            "tortuosity")
SPECIES_KEYS = {"species": ("regions", "d", "charge", "initial", "name", "atolscale",
                            "ecs_boundary_conditions"),
                "states": ("regions", "initial", "name"),
                "parameters": ("regions", "value", "charge", "name")}
KIND = {"species": "species", "states": "state", "parameters": "parameter"}
REACTION_KEYS = ("reactant", "product", "rate_f", "rate_b", "regions", "custom_dynamics",
                 "mass_action")
MCR_KEYS = REACTION_KEYS + ("membrane", "membrane_flux", "scale_by_area")
RATE_KEYS = ("species", "rate", "regions", "membrane_flux")
#: rxd geometry classes -> (their arguments, the required ones)
GEOMETRIES = {
    "FractionalVolume": (("volume_fraction", "surface_fraction", "neighbor_areas_fraction"), ()),
    "FixedCrossSection": (("cross_area", "surface_area"), ("cross_area",)),
    "FixedPerimeter": (("perimeter", "on_cell_surface"), ("perimeter",)),
    "ScalableBorder": (("scale", "diam_scale", "on_cell_surface"), ()),
    "Shell": (("lo", "hi"), ()),
    "DistributedBoundary": (("area_per_vol", "perim_per_area"), ("area_per_vol",)),
}
GEOMETRY_NAMES = ("inside", "membrane")
NRN_REGIONS = ("i", "o")


def validate_rxd(params, pop_labels, cell_types, check) -> RxD | None:
    """The validated RxD of ``params`` (None when it is empty); problems go to ``check``."""
    if not params:
        return None
    params = check.mapping(params, "rxdParams")
    if params is None:
        return None
    for key in params:
        if key == "extracellular":  # an old NetPyNE form
            check.add("rxdParams.extracellular", "give the extracellular space as a region: "
                                                 "rxdParams['regions'][label] = "
                                                 "{'extracellular': True, 'xlo': ..., ...}")
    check.known_keys({k: v for k, v in params.items() if k != "extracellular"}, "rxdParams",
                     PARTS)
    parts = {part: _entries(params, part, check) for part in PARTS if part != "constants"}
    constants = _constants(params.get("constants", {}), check)
    sections = {name for t in cell_types for name in t.section_names} | \
               {name for t in cell_types for name, _ in t.sec_lists}
    regions = tuple(r for r in (_region(label, spec, item_path("rxdParams.regions", label),
                                        pop_labels, sections, check)
                                for label, spec in parts["regions"].items()) if r is not None)
    region_kinds = {r.label: r.kind for r in regions}
    species = []
    for part in ("species", "states", "parameters"):
        for label, spec in parts[part].items():
            made = _species(label, spec, part, item_path(f"rxdParams.{part}", label),
                            region_kinds, check)
            if made is not None:
                species.append(made)
    _unique_labels(species, region_kinds, constants, check)
    names = kinetics.Names(species={s.label: s.kind for s in species},
                           species_regions={s.label: s.regions for s in species},
                           regions=region_kinds, constants=dict(constants),
                           geometry={r.label: kinetics.extracellular_geometry(r.lo, r.hi, r.dx)
                                     for r in regions if r.kind == EXTRACELLULAR})
    for s in species:  # initial values may use constants and regions
        if isinstance(s.initial, str):
            key = "value" if s.kind == "parameter" else "initial"
            _parse(s.initial, names, kinetics.INITIAL,
                   attr_path(item_path(f"rxdParams.{_part(s.kind)}", s.label), key), check)
    reactions = [r for part in ("reactions", "multicompartmentReactions")
                 for label, spec in parts[part].items()
                 if (r := _reaction(label, spec, part, names, check)) is not None]
    rates = [r for label, spec in parts["rates"].items()
             if (r := _rate(label, spec, names, check)) is not None]
    return RxD(regions=regions, species=tuple(species), reactions=tuple(reactions),
               rates=tuple(rates), constants=constants)


def _part(kind):
    return {"species": "species", "state": "states", "parameter": "parameters"}[kind]


def _entries(params, part, check) -> dict:
    entries = params.get(part, {})
    if entries is None:
        return {}
    return dict(check.mapping(entries, f"rxdParams.{part}") or {})


def _constants(constants, check) -> tuple:
    constants = check.mapping(constants, "rxdParams.constants") or {}
    out = []
    for name, value in constants.items():
        path = item_path("rxdParams.constants", name)
        if not isinstance(name, str) or not name.isidentifier():
            check.add(path, "a constant's name must be a Python identifier")
            continue
        number = check.number(value, path)
        if number is not None:
            out.append((name, number))
    return tuple(out)


def _parse(text, names, kind, path, check):
    try:
        return kinetics.parse(text, names, kind, path)
    except ExpressionError as err:
        check.problems.extend(err.problems)
        return None


def _labels(value, path, known, check, what="region") -> tuple[str, ...] | None:
    """A label or a list of labels of ``known`` things."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items:
        check.add(path, f"must be a {what} label or a list of them, not {value!r}")
        return None
    out = [check.reference(item, f"{path}[{i}]" if len(items) > 1 or not isinstance(
        value, str) else path, what, known) for i, item in enumerate(items)]
    return None if None in out else tuple(out)


# -- regions --------------------------------------------------------------------------
def _region(label, spec, path, pop_labels, sections, check):
    spec = check.mapping(spec, path)
    if spec is None:
        return None
    if spec.get("extracellular", False):
        return _extracellular(label, spec, path, check)
    check.known_keys(spec, path, REGION_KEYS)
    cells = spec.get("cells", "all")
    cells = cell_list(cells, attr_path(path, "cells"), pop_labels, check)
    secs = spec.get("secs", "all")
    secs = [secs] if isinstance(secs, str) else secs
    if not isinstance(secs, (list, tuple)) or not secs or \
            not all(isinstance(s, str) for s in secs):
        check.add(attr_path(path, "secs"), f"must be 'all', a section name or a list of "
                                           f"them, not {spec.get('secs')!r}")
        secs = ["all"]
    for i, sec in enumerate(secs):
        if sec != "all" and sec not in sections:
            check.reference(sec, attr_path(path, "secs") + (f"[{i}]" if len(secs) > 1 else ""),
                            "section", sorted(sections))
    nrn_region = spec.get("nrn_region")
    if nrn_region not in (None, *NRN_REGIONS):
        check.add(attr_path(path, "nrn_region"), f"must be 'i', 'o' or None, not "
                                                 f"{nrn_region!r}")
    geometry, args = _geometry(spec.get("geometry"), attr_path(path, "geometry"), check)
    dimension = spec.get("dimension")
    if dimension not in (None, 1, 3):
        check.add(attr_path(path, "dimension"), f"must be 1 or 3, not {dimension!r}")
    dx = spec.get("dx")
    if dx is not None:
        dx = check.number(dx, attr_path(path, "dx"), positive=True)
    return Region(label=str(label), cells=cells,
                  secs=None if "all" in secs else tuple(dict.fromkeys(secs)),
                  nrn_region=nrn_region if nrn_region in NRN_REGIONS else None,
                  geometry=geometry, geometry_args=args, dimension=dimension or 1, dx=dx)


def _geometry(geometry, path, check):
    """None, 'inside', 'membrane', a class name, or {'class': name, 'args': {...}}."""
    if geometry is None:
        return None, ()
    if isinstance(geometry, str):
        if geometry not in GEOMETRY_NAMES and geometry not in GEOMETRIES:
            check.reference(geometry, path, "geometry", [*GEOMETRY_NAMES, *GEOMETRIES])
            return None, ()
        if geometry in GEOMETRIES and GEOMETRIES[geometry][1]:
            check.add(path, f"{geometry} needs {', '.join(GEOMETRIES[geometry][1])}: give "
                            "{'class': ..., 'args': {...}}")
        return geometry, ()
    spec = check.mapping(geometry, path)
    if spec is None:
        return None, ()
    check.known_keys(spec, path, ("class", "args"))
    name = check.reference(check.required(spec, "class", path), attr_path(path, "class"),
                           "geometry class", GEOMETRIES)
    args = check.mapping(spec.get("args", {}), attr_path(path, "args")) or {}
    if name is None:
        return None, ()
    allowed, required = GEOMETRIES[name]
    check.known_keys(args, attr_path(path, "args"), allowed)
    for key in required:
        check.required(args, key, attr_path(path, "args"))
    out = []
    for key, value in args.items():
        where = attr_path(attr_path(path, "args"), key)
        if key == "on_cell_surface":
            out.append((key, check.boolean(value, where)))
        elif key in allowed:
            number = check.number(value, where, minimum=0)
            if number is not None:
                out.append((key, number))
    return name, tuple(out)


def _extracellular(label, spec, path, check):
    check.known_keys(spec, path, ECS_KEYS)
    bounds = {k: check.number(check.required(spec, k, path), attr_path(path, k))
              for k in ("xlo", "ylo", "zlo", "xhi", "yhi", "zhi")}
    for axis in "xyz":
        lo, hi = bounds[f"{axis}lo"], bounds[f"{axis}hi"]
        if lo is not None and hi is not None and lo >= hi:
            check.add(attr_path(path, f"{axis}hi"), f"must be > {axis}lo ({lo:g}), not {hi:g}")
    raw = check.required(spec, "dx", path)
    dx = raw if isinstance(raw, (list, tuple)) else [raw]
    if len(dx) not in (1, 3):
        check.add(attr_path(path, "dx"), f"must be a voxel size or one per axis, not {raw!r}")
        dx = [1.0]
    dx = [check.number(v, attr_path(path, "dx"), positive=True, default=1.0) for v in dx]
    fraction = check.number(spec.get("volume_fraction", 1.0),
                            attr_path(path, "volume_fraction"), positive=True, maximum=1.0,
                            default=1.0)
    tortuosity = check.number(spec.get("tortuosity", 1.0), attr_path(path, "tortuosity"),
                              minimum=1.0, default=1.0)
    if None in bounds.values():
        return None
    return Extracellular(label=str(label), lo=tuple(bounds[f"{a}lo"] for a in "xyz"),
                         hi=tuple(bounds[f"{a}hi"] for a in "xyz"), dx=tuple(dx),
                         volume_fraction=fraction, tortuosity=tortuosity)


# -- species, states, parameters --------------------------------------------------------
def _species(label, spec, part, path, region_kinds, check):
    spec = check.mapping(spec, path)
    if spec is None:
        return None
    check.known_keys(spec, path, SPECIES_KEYS[part])
    regions = None
    if "regions" in spec:
        regions = _labels(spec["regions"], attr_path(path, "regions"), region_kinds, check)
    else:
        check.required(spec, "regions", path)
    name = spec.get("name", label)
    if not isinstance(name, str) or not name.isidentifier():
        check.add(attr_path(path, "name"), f"must be a name (letters, digits, _), not {name!r}")
    key = "value" if part == "parameters" else "initial"
    initial = spec.get(key, 0.0 if part == "parameters" else None)
    if initial is not None and not isinstance(initial, str):
        # a concentration cannot be negative (string values: checked at every node)
        initial = check.number(initial, attr_path(path, key),
                               minimum=0 if part == "species" else None)
    charge = spec.get("charge", 0)
    charge = check.integer(charge, attr_path(path, "charge"), default=0)
    d = check.number(spec.get("d", 0.0), attr_path(path, "d"), minimum=0, default=0.0)
    bc = spec.get("ecs_boundary_conditions")
    if bc is not None:
        bc = check.number(bc, attr_path(path, "ecs_boundary_conditions"), minimum=0)
        if regions and not any(region_kinds.get(r) == EXTRACELLULAR for r in regions):
            check.add(attr_path(path, "ecs_boundary_conditions"), "applies only to a species "
                                                                  "in an extracellular region")
    if regions is None:  # reported; kept with its valid regions so strings naming it
        raw = spec.get("regions")  # are not reported too
        raw = [raw] if isinstance(raw, str) else raw if isinstance(raw, (list, tuple)) else []
        regions = tuple(r for r in raw if r in region_kinds)
    return Species(label=str(label), kind=KIND[part], regions=regions, name=str(name),
                   d=d, charge=charge, initial=initial,
                   atolscale=check.number(spec.get("atolscale", 1.0),
                                          attr_path(path, "atolscale"), positive=True,
                                          default=1.0),
                   ecs_boundary_conditions=bc)


def _unique_labels(species, region_kinds, constants, check) -> None:
    """A name in a string must mean one thing."""
    constant_names = {name for name, _ in constants}
    names = {}
    for s in species:
        path = item_path(f"rxdParams.{_part(s.kind)}", s.label)
        for other, what in ((region_kinds, "a region"), (constant_names, "a constant")):
            if s.label in other:
                check.add(path, f"'{s.label}' is also {what}: strings could not tell them apart")
        if s.name in names:
            check.add(attr_path(path, "name"), f"'{s.name}' is also the name of "
                                               f"{names[s.name]}")
        names.setdefault(s.name, f"{s.kind} '{s.label}'")
    for name in sorted(constant_names & set(region_kinds)):
        check.add(item_path("rxdParams.constants", name), f"'{name}' is also a region")


# -- reactions and rates ----------------------------------------------------------------
def _reaction(label, spec, part, names, check):
    path = item_path(f"rxdParams.{part}", label)
    spec = check.mapping(spec, path)
    if spec is None:
        return None
    multi = part == "multicompartmentReactions"
    if not multi and "membrane" in spec:
        check.add(attr_path(path, "membrane"), "a reaction across a membrane belongs in "
                                               "rxdParams['multicompartmentReactions']")
    check.known_keys({k: v for k, v in spec.items() if multi or k != "membrane"}, path,
                     MCR_KEYS if multi else REACTION_KEYS)
    trees = {}
    for key in ("reactant", "product"):
        text = check.required(spec, key, path)
        if isinstance(text, str):
            trees[key] = _parse(text, names, kinetics.SCHEME, attr_path(path, key), check)
        elif key in spec:
            check.add(attr_path(path, key), f"must be a string such as '2 * ca + buf', not "
                                            f"{text!r}")
    membrane = None
    if multi:
        membrane = check.reference(check.required(spec, "membrane", path),
                                   attr_path(path, "membrane"), "region",
                                   [r for r, k in names.regions.items() if k != EXTRACELLULAR])
        for key, tree in trees.items():
            if tree is not None:
                _regions_named(tree, names, attr_path(path, key), check)
    across = (membrane or True) if multi else None
    rate_f = _rate_value(spec, "rate_f", path, names, across, check, required=True)
    rate_b = _rate_value(spec, "rate_b", path, names, across, check)
    mass_action = _mass_action(spec, path, check)
    regions = spec.get("regions")
    if regions is not None:
        regions = _labels(regions, attr_path(path, "regions"), names.regions, check)
    if None in trees.values() or len(trees) < 2 or rate_f is None:
        return None
    return Reaction(label=str(label), reactant=spec["reactant"], product=spec["product"],
                    rate_f=rate_f, rate_b=rate_b, regions=regions, mass_action=mass_action,
                    membrane=membrane,
                    membrane_flux=check.boolean(spec.get("membrane_flux", False),
                                                attr_path(path, "membrane_flux")),
                    scale_by_area=check.boolean(spec.get("scale_by_area", True),
                                                attr_path(path, "scale_by_area"), default=True))


def _rate_value(spec, key, path, names, across, check, required=False):
    """A number or a rate string. ``across`` a membrane (the membrane region's label, or
    True when it is not known) a species without a region is the one on the membrane, as
    in rxd (which compiles the rate on the membrane region): it must be there or in one
    region only."""
    if key not in spec or (not required and spec[key] is None):
        if required:
            check.required(spec, key, path)
        return None
    value = spec[key]
    where = attr_path(path, key)
    if isinstance(value, str):
        tree = _parse(value, names, kinetics.RATE, where, check)
        if tree is not None and across:
            _regions_named(tree, names, where, check,
                           membrane=across if isinstance(across, str) else None)
        return value if tree is not None else None
    return check.number(value, where)


def _mass_action(spec, path, check) -> bool:
    """NetPyNE's custom_dynamics is rxd's 'not mass_action'."""
    custom = check.boolean(spec.get("custom_dynamics", False), attr_path(path, "custom_dynamics"))
    mass_action = check.boolean(spec.get("mass_action", not custom),
                                attr_path(path, "mass_action"), default=True)
    if "custom_dynamics" in spec and "mass_action" in spec and mass_action == custom:
        check.add(attr_path(path, "mass_action"), "contradicts custom_dynamics")
    return mass_action


def _regions_named(tree, names, path, check, membrane=None) -> None:
    """Across a membrane every species must say which side it is on (one with a single
    region says so itself; in a rate, one on the ``membrane`` region is there)."""
    for _, label, region in kinetics.references(tree):
        regions = names.species_regions.get(label, ())
        if region is None and len(regions) > 1 and membrane not in regions:
            check.add(path, f"'{label}' is in several regions: say which, e.g. "
                            f"'{label}[{names.species_regions[label][0]}]'",
                      in_expression=True)


def _rate(label, spec, names, check):
    path = item_path("rxdParams.rates", label)
    spec = check.mapping(spec, path)
    if spec is None:
        return None
    check.known_keys(spec, path, RATE_KEYS)
    species = check.required(spec, "species", path)
    tree = None
    if isinstance(species, str):
        tree = _parse(species, names, kinetics.SPECIES, attr_path(path, "species"), check)
    elif "species" in spec:
        check.add(attr_path(path, "species"), f"must name a species or state, not {species!r}")
    rate = check.required(spec, "rate", path)
    if isinstance(rate, str):
        rate = rate if _parse(rate, names, kinetics.RATE, attr_path(path, "rate"),
                              check) is not None else None
    elif "rate" in spec:
        rate = check.number(rate, attr_path(path, "rate"))
    regions = spec.get("regions")
    if regions is not None:
        regions = _labels(regions, attr_path(path, "regions"), names.regions, check)
    if tree is None or rate is None or not isinstance(rate, (str, Real)):
        return None
    return Rate(label=str(label), species=species, rate=rate, regions=regions,
                membrane_flux=check.boolean(spec.get("membrane_flux", False),
                                            attr_path(path, "membrane_flux")))

