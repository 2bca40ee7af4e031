"""A LEMS OutputColumn quantity other than a membrane potential -> what to record in NEURON
(a recordTraces spec) and the factor to the SI units jNeuroML writes.

Read as jNeuroML's NEURON export reads them, on the mechanisms it generates (neuroloom runs
channels, synapses and abstract cells read from NeuroML as those mechanisms,
neuroml/generated.py), at the cell's segment (segment 0 unless the quantity names one):
- ``<biophys>/membraneProperties/<channelDensity>/iDensity``: the channel's current density
  ``i__<channel>`` of its mechanism (mA/cm2), ``.../gDensity``: its ``gion`` (S/cm2);
- ``<biophys>/membraneProperties/<channelDensity>/<channel>/<gate>/<variable>`` (a gate's
  ``q``, ``alpha``, ``beta``...) and ``.../<channel>/<variable>`` (``fopen``): the mechanism's
  ``<gate>_<variable>``, ``<variable>``;
- ``caConc``, ``caConcExt`` of a <cell>: the section's ``cai``, ``cao`` (mM);
- ``synapses:<synapse>:0/<variable path>`` (``g``, ``block/blockFactor``): the variable, its
  path joined by ``_``, of the cell's first synapse of that kind;
- a state variable of an abstract cell (``w``, ``V``): the variable of its mechanism.
The factor comes from the unit the generated mod file declares for the variable (jNeuroML
scales by the same unit), converted through neuroml/units.py.

A passive channel neuroloom runs as NEURON's pas (neuroml/channels.py): its iDensity is
-i_pas (NEURON's currents are outward positive, NeuroML's channel currents inward, as
jNeuroML's mechanisms write ``i__<channel> = -1 * i``), its gDensity g_pas. Channels run as
NEURON's hh: the gates' q are hh's m, h, n (by their instances: Na 3 and 1, K 4), gDensity
gna, gk (gl for the leak), iDensity -ina, -ik where hh alone writes the ion (-il). hh's rates
come from its 1 mV tables, jNeuroML's are exact: these differ as v does.

Refused (``Unsupported``, naming the column and why): another quantity of a component
neuroloom maps onto NEURON's or its own built-in mechanism (hh, pas, Exp2Syn, NetStim...:
their variables are not NeuroML's), an input's synapse, a synapse other than the first of
its kind on the cell, a variable the mod file declares in a unit neuroloom does not know.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ..errors import FormatError
from ..neuroml.generated_code import block, code_lines, parse_mod
from ..neuroml.units import UnitError, convert
from ..suggest import hint

# the units jNeuroML's mod files declare -> (NeuroML unit, the SI unit it writes)
_UNITS = {"mV": ("mV", "V"), "nA": ("nA", "A"), "uS": ("uS", "S"), "nF": ("nF", "F"),
          "mA/cm2": ("mA_per_cm2", "A_per_m2"), "S/cm2": ("S_per_cm2", "S_per_m2"),
          "mM": ("mM", "mol_per_m3"), "ms": ("ms", "s"), "kHz": ("per_ms", "per_s"),
          "/ms": ("per_ms", "per_s"), "um": ("um", "m"), "uF/cm2": ("uF_per_cm2", "F_per_m2")}
_DECLARED = re.compile(r"^\s*(\w+)\s*(?:=\s*[-+\d.eE]+\s*)?(?:\(([^)]*)\))?\s*$")
_GENERATED_MARK = "generated.json"  # a folder of mechanisms jNeuroML generated
_CONCENTRATIONS = {"caConc": "cai", "caConcExt": "cao"}


class Unsupported(FormatError):
    """A quantity the file may name but neuroloom does not record."""


def mechanism_quantity(network, gid: int, sec: str, loc: float, path: list, component,
                       components: dict, quantity: str, where: str) -> tuple[dict, float]:
    """(recordTraces spec, factor to SI) of a quantity under a <cell> at (sec, loc).

    Parameters
    ----------
    network : model.Network
    gid : int
        The cell.
    sec, loc : str, float
        The section and place of the quantity's segment.
    path : list of str
        The quantity's parts after the cell (and segment).
    component : neuroml.reader_data.Component or None
        The cell's NeuroML component (its biophysical properties name the channels).
    components : dict
        The file's components by id (the channels).
    quantity, where : str
        The quantity as written and where (for messages).

    Returns
    -------
    (dict, float)

    Raises
    ------
    Unsupported
        A quantity neuroloom does not record, saying why.
    FormatError
        A name the cell does not have.
    """
    cell_type = network.cell_types[int(network.cells.cell_type[gid])]
    if len(path) == 1 and path[0] in _CONCENTRATIONS:
        var = _CONCENTRATIONS[path[0]]
        section = cell_type.section(sec)
        if "ca" not in dict(section.ions):
            raise Unsupported(f"{where}: quantity '{quantity}': section '{sec}' of cell "
                              f"'{cell_type.label}' has no calcium")
        return {"sec": sec, "loc": loc, "var": var}, _factor("mM", quantity, where)
    if path and path[0].startswith("synapses:"):
        return _synapse(network, gid, path, quantity, where)
    if len(path) < 3 or path[1] != "membraneProperties" or component is None:
        raise Unsupported(f"{where}: quantity '{quantity}' is not one neuroloom records "
                          "(channel densities' iDensity, gDensity and gate variables, "
                          "caConc, a synapse's variables)")
    density = _channel_density(component, path[0], path[2], quantity, where)
    channel = density.get("ionChannel")
    rest = path[3:]
    if rest == ["iDensity"]:
        var = f"i__{channel}"
    elif rest == ["gDensity"]:
        var = "gion"
    elif len(rest) >= 2 and rest[0] == channel:
        var = "_".join(rest[1:])
    else:
        raise Unsupported(f"{where}: quantity '{quantity}': after channelDensity "
                          f"'{path[2]}' neuroloom reads iDensity, gDensity or "
                          f"'{channel}/<gate>/<variable>'")
    mods = {name: mod for name, _ in cell_type.section(sec).mechs
            if (mod := _generated_mod(network, name)) is not None}
    mech = next((name for name, mod in mods.items() if _title(mod) == channel), None)
    if mech is None and _is_pas(cell_type.section(sec), component, components.get(channel),
                                density):
        if rest in (["iDensity"], ["gDensity"]):
            return _pas(rest[0], sec, loc, quantity, where)
        raise Unsupported(f"{where}: quantity '{quantity}': channel '{channel}' runs as "
                          "NEURON's pas, which has its current and conductance densities "
                          "only (iDensity, gDensity)")
    if mech is None and "hh" in {name for name, _ in cell_type.section(sec).mechs}:
        found = _hh(cell_type.section(sec), component, components.get(channel), density,
                    rest, mods)
        if found is not None:
            spec, unit, sign = found
            return {"sec": sec, "loc": loc, **spec}, sign * _factor(unit, quantity, where)
    if mech is None:
        builtins = [name for name, _ in cell_type.section(sec).mechs if name in ("hh", "pas")]
        if not builtins:
            raise Unsupported(f"{where}: quantity '{quantity}': channel '{channel}' has no "
                              f"mechanism in section '{sec}', where the quantity is read")
        raise Unsupported(f"{where}: quantity '{quantity}': channel '{channel}' runs in "
                          f"section '{sec}' as (part of) NEURON's {' or '.join(builtins)}, "
                          "whose variables neuroloom does not map onto this one")
    unit = _unit_of(mods[mech], var, quantity, where)
    return {"sec": sec, "loc": loc, "mech": mech, "var": var}, _factor(unit, quantity, where)


def check_names(components: dict, component: str, path: list, quantity: str,
                where: str) -> None:
    """Before the network is built (jNeuroML, asked for mechanisms, fails in raw Java text on
    a column naming what the cell lacks): the biophysicalProperties, channelDensity, channel
    and gate a channel quantity names, the synapse a synapse quantity names, exist.

    Raises
    ------
    FormatError
        A name the file does not define, with the closest one.
    """
    if path and path[0].startswith("synapses:"):
        label = path[0].split(":")[1] if path[0].count(":") == 2 else ""
        if label not in components:
            raise FormatError(f"{where}: quantity '{quantity}': no synapse '{label}' is "
                              f"defined; {hint(label, components)}")
        return
    comp = components.get(component)
    if comp is None or len(path) < 4 or path[1] != "membraneProperties":
        return
    density = _channel_density(comp, path[0], path[2], quantity, where)
    channel = components.get(density.get("ionChannel"))
    if channel is None or len(path) < 6 or path[3] != channel.id:
        return
    gates = [e.get("id") for e in channel.element if _local(e.tag).startswith("gate")]
    if path[4] not in gates and len(path) >= 6:
        raise FormatError(f"{where}: quantity '{quantity}': channel '{channel.id}' has no "
                          f"gate '{path[4]}'; {hint(path[4], gates)}")


def _is_pas(section, component, channel, density) -> bool:
    """Whether the channel of ``density`` runs as NEURON's pas in ``section``: pas is there
    and hh (whose leak a passive channel may be) is not, the channel has no gates and a
    non-specific current, and no other density of the cell uses it (neuroml/channels.py
    makes pas of one passive density)."""
    names = {name for name, _ in section.mechs}
    if "pas" not in names or "hh" in names or channel is None:
        return False
    if any(_local(e.tag).startswith("gate") for e in channel.element):
        return False
    users = [e for e in component.element.iter() if _local(e.tag).startswith("channelDensity")
             and e.get("ionChannel") == channel.id]
    return len(users) == 1 and density.get("ion") == "non_specific"


def _hh(section, component, channel, density, rest: list, mods: dict):
    """(spec without the place, NEURON unit, sign) of a quantity of a channel that runs as
    part of NEURON's hh (neuroml/channels.py: hh's Na channel m^3 h, its K channel n^4, and
    a passive leak where no pas is), or None where the correspondence is not exact: hh's
    gates (q: m, h, n by their instances; hh's minf, mtau... are GLOBAL, shared by every
    segment), its gna, gk, gl; a current density only where hh alone writes the ion."""
    if channel is None:
        return None
    users = [e for e in component.element.iter() if _local(e.tag).startswith("channelDensity")
             and e.get("ionChannel") == channel.id]
    if len(users) != 1:
        return None
    ion = density.get("ion")
    gates = {e.get("id"): e.get("instances") for e in channel.element
             if _local(e.tag).startswith("gate")}
    if not gates:  # hh's leak, where no pas takes the passive channel
        if ion != "non_specific" or "pas" in {name for name, _ in section.mechs}:
            return None
        return {"iDensity": ({"mech": "hh", "var": "il"}, "mA/cm2", -1.0),
                "gDensity": ({"mech": "hh", "var": "gl"}, "S/cm2", 1.0)}.get("/".join(rest))
    names = {("na", "3"): "m", ("na", "1"): "h", ("k", "4"): "n"}
    if ion not in ("na", "k"):
        return None
    if len(rest) == 3 and rest[0] == channel.id and rest[2] == "q" and rest[1] in gates:
        gate = names.get((ion, gates[rest[1]]))
        return None if gate is None else ({"mech": "hh", "var": gate}, "", 1.0)
    if rest == ["gDensity"]:
        return {"mech": "hh", "var": f"g{ion}"}, "S/cm2", 1.0
    writers = [m for m in mods.values() if any(i == ion and writes
                                                for i, _, writes in _useions(m))]
    if rest == ["iDensity"] and not writers:  # the section's ina (ik) is hh's alone
        return {"var": f"i{ion}"}, "mA/cm2", -1.0
    return None


def _pas(which: str, sec: str, loc: float, quantity: str, where: str) -> tuple[dict, float]:
    """pas's i (NEURON: outward positive) or g as NeuroML's iDensity (inward positive, as
    jNeuroML's mechanisms write it: -1 times the current) or gDensity."""
    if which == "iDensity":
        return ({"sec": sec, "loc": loc, "mech": "pas", "var": "i"},
                -_factor("mA/cm2", quantity, where))
    return {"sec": sec, "loc": loc, "mech": "pas", "var": "g"}, _factor("S/cm2", quantity, where)


def point_quantity(network, gid: int, var: str, component: str, quantity: str,
                   where: str) -> tuple[dict, float]:
    """(recordTraces spec, factor to SI) of an abstract cell's variable ``var`` (its
    mechanism's, as jNeuroML generates it for component ``component``)."""
    cell_type = network.cell_types[int(network.cells.cell_type[gid])]
    for section in cell_type.sections:
        for pointp in section.pointps:
            mod = _generated_mod(network, pointp.mod)
            if mod is not None and _title(mod) == component:
                unit = _unit_of(mod, var, quantity, where)
                return ({"sec": section.name, "loc": pointp.loc, "pointp": pointp.label,
                         "var": var}, _factor(unit, quantity, where))
    raise Unsupported(f"{where}: quantity '{quantity}': cell '{cell_type.label}' runs as a "
                      "NEURON or neuroloom built-in mechanism whose variables are not "
                      "NeuroML's; neuroloom records its membrane potential 'v' only")


def _synapse(network, gid, path, quantity, where):
    pieces = path[0].split(":")
    if len(pieces) != 3 or not pieces[2].isdigit() or len(path) < 2:
        raise FormatError(f"{where}: cannot read '{quantity}' (synapses:<synapse>:<index>/"
                          "<variable>)")
    label, index = pieces[1], int(pieces[2])
    mechs = [m.user_label for m in network.syn_mechs]
    if label not in mechs:
        raise FormatError(f"{where}: quantity '{quantity}': no synapse '{label}' in the "
                          f"network; {hint(label, mechs)}")
    codes = [k for k, m in enumerate(network.syn_mechs) if m.user_label == label]
    places = _synapse_places(network, gid, codes)
    if not places:
        raise FormatError(f"{where}: quantity '{quantity}': no synapse '{label}' on that cell")
    if index != 0:
        raise Unsupported(f"{where}: quantity '{quantity}': neuroloom records the first "
                          f"synapse '{label}' of a cell (index 0) only")
    # a generated synapse is never shared (engine/synapses.py shares linear built-ins only):
    # the first made at this place is the first connection's, jNeuroML's synapse 0
    sec, loc = places[0]
    mod = _generated_mod(network, network.syn_mechs[codes[0]].mod)
    if mod is None:
        raise Unsupported(f"{where}: quantity '{quantity}': synapse '{label}' runs as the "
                          f"NEURON mechanism {network.syn_mechs[codes[0]].mod}, whose "
                          "variables are not NeuroML's")
    var = "_".join(path[1:])
    unit = _unit_of(mod, var, quantity, where)
    return ({"sec": sec, "loc": loc, "synMech": label, "var": var},
            _factor(unit, quantity, where))


def _synapse_places(network, gid, codes) -> list:
    """(section, loc) of each connection, then each input, onto ``gid`` with these synMech
    codes, in the order they are made."""
    names = network.section_names
    out = []
    for table, column in ((network.conns, "post_gid"), (network.stims, "gid")):
        if table is None or not len(getattr(table, column)):
            continue
        rows = (getattr(table, column) == gid) & _isin(table.syn_mech, codes)
        out += [(names[int(s)], round(float(x), 9))
                for s, x in zip(table.sec[rows], table.loc[rows])]
    return out


def _isin(values, codes):
    mask = values == codes[0]
    for code in codes[1:]:
        mask = mask | (values == code)
    return mask


def _channel_density(component, biophys: str, density: str, quantity: str, where: str):
    """The channelDensity element ``density`` of the cell's biophysicalProperties."""
    element = component.element
    props = [e for e in element.iter() if _local(e.tag) == "biophysicalProperties"]
    ids = [p.get("id") for p in props]
    if props and biophys not in ids:
        raise FormatError(f"{where}: quantity '{quantity}': cell '{component.id}' has no "
                          f"biophysicalProperties '{biophys}'; {hint(biophys, ids)}")
    found = {e.get("id"): e for p in props for e in p.iter()
             if _local(e.tag).startswith("channelDensity") and e.get("id")}
    if density not in found:
        raise FormatError(f"{where}: quantity '{quantity}': cell '{component.id}' has no "
                          f"channelDensity '{density}'; {hint(density, found)}")
    return found[density]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _generated_mod(network, mechanism: str) -> Path | None:
    """The mod file jNeuroML generated for ``mechanism``, if it is one."""
    for folder in network.mod_folders:
        path = Path(folder) / f"{mechanism}.mod"
        if path.is_file() and (Path(folder) / _GENERATED_MARK).is_file():
            return path
    return None


@cache
def _read(path: Path) -> tuple[str, dict]:
    """(component id in the TITLE, {variable: declared unit}) of a generated mod file."""
    text = path.read_text()
    units = {}
    code = "\n".join(line for _, line in code_lines(text))
    for name in ("PARAMETER", "ASSIGNED", "STATE"):
        for line in block(code, name).splitlines():
            found = _DECLARED.match(line)
            if found:
                units.setdefault(found[1], (found[2] or "").strip())
    return parse_mod(text).title_id, units


def _title(path: Path) -> str:
    return _read(path)[0]


@cache
def _useions(path: Path) -> list:
    """(ion, reads, writes) of a generated mod file's USEION statements."""
    return parse_mod(path.read_text()).useions


def _unit_of(path: Path, var: str, quantity: str, where: str) -> str:
    units = _read(path)[1]
    if var not in units:
        raise FormatError(f"{where}: quantity '{quantity}': '{var}' is not a variable of "
                          f"the mechanism {path.stem}; {hint(var, units)}")
    return units[var]


def _factor(unit: str, quantity: str, where: str) -> float:
    """NEURON unit -> SI, as jNeuroML scales the values it writes."""
    if not unit:
        return 1.0
    if unit not in _UNITS:
        raise Unsupported(f"{where}: quantity '{quantity}': its variable is in '{unit}', "
                          "a unit neuroloom does not convert")
    neuron, si = _UNITS[unit]
    try:
        return convert(f"1 {neuron}", si)
    except UnitError as err:  # a table entry convert cannot read: a bug here
        raise Unsupported(f"{where}: quantity '{quantity}': {err}") from err
