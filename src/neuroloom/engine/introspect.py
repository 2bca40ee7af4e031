"""Reading cells out of NEURON: the sections of a hoc template, a Python cell class or an
imported morphology, as a tutorial-style cellParams dict (geometry, pt3d, topology,
mechanisms, ions, section lists)."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from ..errors import FormatError
from .mechanisms import density_mechanisms, global_variables, parameters
from .neuron_env import neuron_h

SYNAPSE_NAMES = re.compile(r"syn|ampa|gaba|nmda|glu", re.I)
MORPHOLOGY_LISTS = {"soma": "somatic", "axon": "axonal", "dend": "basal", "apic": "apical"}


def instantiate(file_name: str, cell_name: str | None, cell_args, cell_instance: bool):
    """(cell object or None, its sections) from a .hoc/.tem template, a .py class or an
    .swc/.asc morphology (read by NEURON's Import3d)."""
    h = neuron_h()
    path = Path(file_name)
    if not path.exists():
        raise FormatError(f"cell file {file_name!r} does not exist")
    suffix = path.suffix.lower()
    if suffix in (".hoc", ".tem"):
        h.load_file(str(path))
        if not cell_name or not hasattr(h, cell_name):
            raise FormatError(f"{file_name!r} defines no template or object "
                              f"{cell_name!r}")
        cell = getattr(h, cell_name) if cell_instance else _call(getattr(h, cell_name),
                                                                  cell_args, file_name)
        return cell, _owned_sections(h, cell)
    if suffix == ".py":
        spec = importlib.util.spec_from_file_location(f"neuroloom_cell_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(path.parent))  # the class may import its neighbours
        try:
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(str(path.parent))
        if not cell_name or not hasattr(module, cell_name):
            raise FormatError(f"{file_name!r} defines no class {cell_name!r}")
        before = set(h.allsec())
        cell = _call(getattr(module, cell_name), cell_args, file_name)
        # a class may make its sections without cell=self (NetPyNE's SPI6.py): then its
        # sections are the ones made while making it
        owned = _owned_sections(h, cell)
        return cell, owned or [sec for sec in h.allsec() if sec not in before]
    if suffix in (".swc", ".asc"):
        return None, _morphology(h, path, suffix)
    raise FormatError(f"cannot import cells from {file_name!r}: use .hoc, .tem, .py, .swc, "
                      ".asc or a NeuroML2 file")


def _call(factory, args, file_name):
    """The cell ``factory(cellArgs)`` makes; its own failure names the file and the args."""
    try:
        if args is None:
            return factory()
        if isinstance(args, dict):
            return factory(**args)
        return factory(*args) if isinstance(args, (list, tuple)) else factory(args)
    except (TypeError, ValueError, RuntimeError, LookupError, ArithmeticError) as error:
        raise FormatError(f"{file_name!r}: making the cell with cellArgs={args!r} failed: "
                          f"{type(error).__name__}: {error}") from error


def _owned_sections(h, cell) -> list:
    """The sections that belong to ``cell`` (NEURON records each section's owner)."""
    return [sec for sec in h.allsec() if sec.cell() is not None and sec.cell() == cell]


def _morphology(h, path, suffix) -> list:
    h.load_file("import3d.hoc")
    before = set(str(s) for s in h.allsec())
    reader = h.Import3d_SWC_read() if suffix == ".swc" else h.Import3d_Neurolucida3()
    reader.input(str(path))
    h.Import3d_GUI(reader, False).instantiate(None)
    return [sec for sec in h.allsec() if str(sec) not in before]


def section_names(sections, cell) -> dict:
    """NEURON names -> cellParams names: 'Cell[0].dend[3]' -> 'dend_3' (NetPyNE's
    convention), and an array of one, 'soma[0]', -> 'soma'."""
    local = [sec.name().split(".")[-1] if cell is not None else sec.name()
             for sec in sections]
    parsed = [re.fullmatch(r"(\w+)\[(\d+)\]", name) for name in local]
    counts = {}
    for match in parsed:
        if match:
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    names = {}
    for sec, name, match in zip(sections, local, parsed):
        if match:
            base, index = match.groups()
            name = base if counts[base] == 1 else f"{base}_{index}"
        names[sec] = name
    return names


def cell_params(cell, sections, import_syn_mechs: bool = False):
    """(cellParams dict, synMechParams dict) of a cell's sections."""
    names = section_names(sections, cell)
    secs, syn_mechs = {}, {}
    for sec in sections:
        secs[names[sec]] = _section(sec, names)
        if import_syn_mechs:
            for mod, objects in sec.psection().get("point_processes", {}).items():
                if SYNAPSE_NAMES.search(mod):
                    for obj in objects:
                        syn_mechs.setdefault(mod, {"mod": mod, **_point_params(obj, mod)})
    return {"secs": secs, "secLists": _sec_lists(cell, names)}, syn_mechs


def _section(sec, names) -> dict:
    info = sec.psection()
    # L and diam even with 3D points, as NetPyNE imports them (the diameter at the middle:
    # the points set each segment's): a rule whose points are cut to one (a section 1e-9 um
    # long) keeps the section's diameter
    geom = {"L": sec.L, "Ra": sec.Ra, "nseg": sec.nseg, "cm": _uniform([seg.cm for seg in sec])}
    n3d = int(sec.n3d())
    if n3d:
        geom["diam"] = sec.diam
        geom["pt3d"] = [[sec.x3d(i), sec.y3d(i), sec.z3d(i), sec.diam3d(i)] for i in range(n3d)]
    else:
        geom["diam"] = _uniform([seg.diam for seg in sec])
    out = {"geom": geom, "mechs": {}, "ions": {}}
    parent = sec.parentseg()
    if parent is not None and parent.sec in names:
        out["topol"] = {"parentSec": names[parent.sec], "parentX": parent.x,
                        "childX": sec.orientation()}
    for mech, values in info.get("density_mechs", {}).items():
        keep = parameters(mech)
        out["mechs"][mech] = {name: _uniform(v) for name, v in values.items() if name in keep}
    for ion, values in info.get("ions", {}).items():
        out["ions"][ion] = {_ion_kind(name, ion): _uniform(v) for name, v in values.items()
                            if _ion_kind(name, ion) is not None}
    return out


def _ion_kind(name, ion):
    return {f"e{ion}": "e", f"{ion}i": "i", f"{ion}o": "o"}.get(name)


def _uniform(values):
    """One number when every segment has the same value, else the list."""
    values = [float(v) for v in values]
    return values[0] if all(v == values[0] for v in values) else values


def _point_params(obj, mod) -> dict:
    return {name: float(getattr(obj, name)) for name in parameters(mod)}


def _sec_lists(cell, names) -> dict:
    """The cell's SectionLists (hoc templates) or lists of sections (Python classes); for
    a morphology, NEURON's usual lists of its section arrays (somatic, axonal, basal,
    apical) and 'all'."""
    if cell is None:
        lists = {"all": list(names.values())}
        for name in names.values():
            base = re.sub(r"_\d+$", "", name)
            lists.setdefault(MORPHOLOGY_LISTS.get(base, f"{base}_list"), []).append(name)
        return lists
    lists = {}
    for attr in dir(cell):
        if attr.startswith("_"):
            continue
        try:
            value = getattr(cell, attr)
        except Exception:  # noqa: BLE001 - hoc members that cannot be read from Python
            continue
        if _is_section_list(value) or (isinstance(value, list) and value
                                       and all(s in names for s in value)):
            members = [names[s] for s in value if s in names]
            if members:
                lists[attr] = members
    return lists


def _is_section_list(value) -> bool:
    try:
        return value.hname().startswith("SectionList")
    except Exception:  # noqa: BLE001 - not a hoc object
        return False


#: NEURON's own globals a cell file may set (NetPyNE reads these three too)
HOC_GLOBALS = ("celsius", "v_init", "clamp_resist")


def global_values(mechs=None) -> dict[str, float]:
    """NEURON's globals a cell file may set: HOC_GLOBALS and the GLOBAL variables of
    ``mechs`` (default: every density mechanism loaded)."""
    h = neuron_h()
    names, hoc_names = list(HOC_GLOBALS), dir(h)  # read once: thousands of names
    for mech in density_mechanisms() if mechs is None else mechs:
        names.extend(sorted(global_variables(mech, hoc_names)))
    return {name: float(getattr(h, name)) for name in names}


def changed_globals(before: dict, mechs) -> dict[str, float]:
    """The globals of ``mechs`` (and HOC_GLOBALS) whose values differ from ``before``:
    what loading and making a cell set, as NetPyNE's importCellParams keeps them."""
    return {name: value for name, value in global_values(mechs).items()
            if before.get(name) != value}


def discard(cell, sections) -> None:
    """Remove an imported cell's sections from NEURON."""
    h = neuron_h()
    for sec in sections:
        try:
            h.delete_section(sec=sec)
        except Exception:  # noqa: BLE001 - already deleted with its owner
            pass
