"""A NeuroML2 ``<cell>`` as a neuroloom (NetPyNE-style) cellParams dict, read with libNeuroML.

Sections: a segmentGroup tagged neuroLexId sao864921383 (unbranched, non-overlapping: what
NEURON exports write per section) is one section named after the group; any other segment,
and every segment of a cell without such groups, is its own section named after the segment
(``seg<id>`` if unnamed). nseg is the section's number of segments, or the group's
``numberInternalDivisions`` property. A segment whose proximal and distal points coincide is
NeuroML's sphere: it becomes a cylinder along y of length = diameter (the same area).
Other segment groups become secLists of the sections they touch (includes, paths and subTrees
resolved); empty ones and ones named like a section are left out; 'all' is always there.

Biophysics apply to every section with at least one segment in the property's group, in file
order per kind (a later entry wins). A cell without morphology gives ``{'secs': {},
'secLists': {}, 'biophysics': [{'segmentGroup': g, ...}, ...]}``: each entry holds the keys of
a section (geom cm/Ra, mechs, ions, vinit, threshold) to merge into the sections of group g of
another morphology. Not mapped (a warning names them): channelPopulation,
channelDensityNonUniform*, densities on one segment, extracellularProperties.
"""
from __future__ import annotations

import contextlib
import io
import math
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import FormatError
from .channels import recognise_mechanisms
from .units import UnitError, convert

SECTION_LEX_ID = "sao864921383"  # NeuroLex: unbranched non-overlapping segment group


class _Invalid(FormatError):
    """A problem in the cell; re-raised as a FormatError naming the file and the cell."""


_PROBLEMS = (_Invalid, UnitError)


# --- the file and the cell -----------------------------------------------------------------
def cell_params_from_neuroml(path, cell_id=None) -> dict:
    """cellParams dict of the ``<cell>`` `cell_id` (default: the first) of a NeuroML2 file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no NeuroML2 file {path}")
    # libNeuroML is slow to import and only needed here
    from neuroml.loaders import read_neuroml2_file

    sink = io.StringIO()  # libNeuroML prints schema warnings and exits on a missing include
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            doc = read_neuroml2_file(str(path), include_includes=True)
    except (Exception, SystemExit) as e:
        raise FormatError(f"{path}: not a readable NeuroML2 file "
                          f"({e or sink.getvalue().strip() or 'missing include'})") from None
    ids = [c.id for c in doc.cells]
    if not ids:
        raise FormatError(f"{path}: the file has no <cell>")
    cell = doc.cells[0] if cell_id is None else next(
        (c for c in doc.cells if c.id == str(cell_id)), None)
    if cell is None:
        raise FormatError(f"{path}: no cell with id {cell_id!r}; cells in the file: {ids}")
    return cell_params_from_objects(cell, doc, path)[0]


def cell_params_from_objects(cell, doc, path, builtins: bool = True):
    """(cellParams dict, sites) of a libNeuroML cell read from ``doc``; sites maps each
    segment id to (section, fraction where the segment starts, where it ends). With
    ``builtins`` False, channels that are exactly NEURON's hh or pas keep their own ids
    (they run as jNeuroML's mechanisms, as in its NEURON export)."""
    skipped: list[str] = []
    try:
        params, sites = _cell(cell, doc, path, skipped, builtins)
    except _PROBLEMS as e:
        raise FormatError(f"{path}: cell {cell.id!r}: {e}") from None
    if skipped:
        warnings.warn(f"{path}: cell {cell.id!r}: not imported: {', '.join(skipped)}",
                      stacklevel=3)
    return params, sites


def _linked(inline, ref, candidates, what):
    """A cell's morphology/biophysics, given inline or by the id of a top-level element."""
    if inline is not None or not ref:
        return inline
    found = next((c for c in candidates if c.id == ref), None)
    if found is None:
        raise _Invalid(f"refers to {what} {ref!r}, which is not in the file")
    return found


def _cell(cell, doc, path, skipped, builtins=True) -> dict:
    morph = _linked(cell.morphology, cell.morphology_attr, doc.morphology, "morphology")
    bio = _linked(cell.biophysical_properties, cell.biophysical_properties_attr,
                  doc.biophysical_properties, "biophysicalProperties")
    entries = _biophysics(bio, doc, path, skipped, builtins) if bio is not None else []
    if morph is None or not morph.segments:
        return {"secs": {}, "secLists": {},
                "biophysics": [{"segmentGroup": g, **part} for g, part in entries]}, {}
    secs, chains, resolve, lengths = _sections(morph)

    def sections_in(group_id):
        segs = resolve(group_id)
        return [name for name, chain in chains.items() if segs.intersection(chain)]

    for group_id, part in entries:
        for name in sections_in(group_id):
            _merge(secs[name], part)
    sec_lists = {}
    for g in morph.segment_groups:  # sections are no secLists; NEURON names must differ
        if g.neuro_lex_id != SECTION_LEX_ID and g.id not in secs and sections_in(g.id):
            sec_lists[g.id] = sections_in(g.id)
    if "all" not in secs:
        sec_lists["all"] = list(secs)
    params = {"secs": secs, "secLists": sec_lists}
    if _ion_defaults(bio):
        params["globals"] = _ion_defaults(bio)
    return params, _sites(chains, lengths)


def _ion_defaults(bio) -> dict:
    """NEURON's initial concentrations (``cai0_ca_ion``...) of the species a concentration
    model writes: finitialize resets such an ion's concentrations to these globals, over
    the values set per section (Ex15: 5e-5 mM instead of 7.55e-5, v 0.1 mV off for 50 ms).
    jNeuroML's NEURON export sets them too (one value per ion for the whole network)."""
    species = getattr(getattr(bio, "intracellular_properties", None), "species", None) or []
    out = {}
    for sp in species:
        if sp.concentration_model:
            ion = sp.ion or sp.id
            out[f"{ion}i0_{ion}_ion"] = convert(sp.initial_concentration, "mM")
            out[f"{ion}o0_{ion}_ion"] = convert(sp.initial_ext_concentration, "mM")
    return out


def location(sites: dict, segment: int, fraction: float):
    """(section, location along it) of a point ``fraction`` along ``segment``; ``sites``
    as cell_params_from_objects gives them (None: no such segment). A section of one
    segment gives the fraction itself, untouched."""
    if segment not in sites:
        return None
    section, start, end = sites[segment]
    return section, fraction if (start, end) == (0.0, 1.0) else start + fraction * (end - start)


def _sites(chains, lengths) -> dict:
    """{segment id: (section, start, end)}: where along its section each segment lies."""
    out = {}
    for name, chain in chains.items():
        total, run = sum(lengths[name]), 0.0
        for k, (seg_id, length) in enumerate(zip(chain, lengths[name])):
            if total > 0:
                start, run = run / total, run + length
                out[seg_id] = (name, start, run / total if k < len(chain) - 1 else 1.0)
            else:
                out[seg_id] = (name, k / len(chain), (k + 1) / len(chain))
    return out


def _merge(dst: dict, src: dict) -> None:
    """Deep-merge a partial section into a section (fresh dicts: sections share nothing)."""
    for key, value in src.items():
        if isinstance(value, dict):
            _merge(dst.setdefault(key, {}), value)
        else:
            dst[key] = value


# --- morphology ------------------------------------------------------------------------------
def _sections(morph):
    """(secs with geom and topol, {section: [segment ids from its root end]}, resolver)."""
    segs = {s.id: s for s in morph.segments}
    order = {s.id: i for i, s in enumerate(morph.segments)}
    children: dict[int, list[int]] = {}
    for s in morph.segments:
        if s.parent is not None:
            if s.parent.segments not in segs:
                raise _Invalid(f"segment {s.id} has unknown parent {s.parent.segments}")
            children.setdefault(s.parent.segments, []).append(s.id)
    resolve, groups = _resolver(morph, segs, children), {g.id: g for g in morph.segment_groups}
    chains, owner = {}, {}
    for g in morph.segment_groups:
        if g.neuro_lex_id == SECTION_LEX_ID:
            ids = [i for i in sorted(resolve(g.id), key=order.get) if i not in owner]
            if ids:
                chains[g.id] = _chain(ids, segs, g.id)
                owner.update((i, g.id) for i in ids)
    for s in morph.segments:  # segments outside any section group: a section each
        if s.id not in owner:
            name = s.name if s.name and s.name not in chains else f"seg{s.id}"
            chains[name], owner[s.id] = [s.id], name
    chains = dict(sorted(chains.items(), key=lambda item: order[item[1][0]]))
    secs, lengths = {}, {}
    for name, chain in chains.items():
        pt3d, lengths[name] = _geometry(chain, segs)
        props = {p.tag: p.value for p in groups[name].properties} if name in groups else {}
        nseg = int(props.get("numberInternalDivisions", len(chain)))
        secs[name] = {"geom": {"pt3d": pt3d, "nseg": nseg}, "topol": {}, "mechs": {}, "ions": {}}
    for name, chain in chains.items():
        parent = segs[chain[0]].parent
        if parent is None:
            continue  # a root section: NetPyNE leaves its topol empty
        psec = owner[parent.segments]
        k, lens = chains[psec].index(parent.segments), lengths[psec]
        fraction = 1.0 if parent.fraction_along is None else float(parent.fraction_along)
        total = sum(lens)  # where along its section the parent segment's point lies
        x = ((sum(lens[:k]) + fraction * lens[k]) / total if total > 0
             else (k + fraction) / len(lens))
        secs[name]["topol"] = {"parentSec": psec, "parentX": x, "childX": 0.0}
    return secs, chains, resolve, lengths


def _chain(ids, segs, name):
    """The segments of an unbranched group in order from its root end."""
    inside, nxt = set(ids), {}
    heads = [i for i in ids if segs[i].parent is None or segs[i].parent.segments not in inside]
    for i in ids:
        p = segs[i].parent
        if p is not None and p.segments in inside:
            if p.segments in nxt:
                raise _Invalid(f"section group {name!r} branches at segment {p.segments}")
            nxt[p.segments] = i
    if len(heads) != 1:
        raise _Invalid(f"section group {name!r} is not one chain of connected segments")
    while heads[-1] in nxt:
        heads.append(nxt[heads[-1]])
    return heads


def _geometry(chain, segs):
    """(pt3d, length of each segment) of a section."""
    pts, lens = [], []
    for i in chain:
        seg = segs[i]
        if seg.proximal is None and seg.parent is None:
            raise _Invalid(f"root segment {i} has no proximal point")
        # NeuroML: no proximal point means the parent's distal one
        p = seg.proximal if seg.proximal is not None else segs[seg.parent.segments].distal
        prox, dist = ([float(q.x), float(q.y), float(q.z), float(q.diameter)]
                      for q in (p, seg.distal))
        if not pts or pts[-1] != prox:  # keeps a diameter step NeuroML expresses this way
            pts.append(prox)
        pts.append(dist)
        lens.append(math.dist(prox[:3], dist[:3]))
    if len(chain) == 1 and lens[0] == 0.0:  # a sphere: a cylinder with L = diam, same area
        x, y, z, d = pts[-1]
        pts, lens = [[x, y - d / 2, z, d], [x, y + d / 2, z, d]], [d]
    return pts, lens


def _resolver(morph, segs, children):
    """resolve(group id) -> set of segment ids, following includes, paths and subTrees."""
    groups, memo = {g.id: g for g in morph.segment_groups}, {}

    def ancestors(i):  # from segment i up to the root
        out = [i]
        while segs[out[-1]].parent is not None:
            out.append(segs[out[-1]].parent.segments)
        return out

    def descendants(i):
        out, stack = {i}, [i]
        while stack:
            stack += children.get(stack.pop(), [])
            out.update(stack)
        return out

    def resolve(gid, stack=()):
        if gid not in groups:
            if gid == "all":  # libNeuroML's default group of biophysics
                return set(segs)
            raise _Invalid(f"no segment group {gid!r}; groups: {sorted(groups)}")
        if gid in stack:
            raise _Invalid(f"segment group {gid!r} includes itself")
        if gid in memo:
            return memo[gid]
        g, out = groups[gid], set()
        try:
            out = {m.segments for m in g.members}
            if out - set(segs):
                raise KeyError(min(out - set(segs)))
            for inc in g.includes:
                out |= resolve(inc.segment_groups, stack + (gid,))
            for el in list(g.paths) + list(g.sub_trees):
                a, b = (e.segments if e is not None else None for e in (el.from_, el.to))
                if b is None:  # from a segment on: its whole subtree
                    out |= descendants(segs[a].id)
                    continue
                way = ancestors(b)  # to a segment: the way from `from` (or the root)
                if a is not None and a not in way:
                    raise _Invalid(f"segment group {gid!r}: no path from {a} to {b}")
                out |= set(way[:way.index(a) + 1] if a is not None else way)
        except KeyError as e:
            raise _Invalid(f"segment group {gid!r} names unknown segment {e.args[0]}") from None
        memo[gid] = out
        return out

    return resolve


# --- biophysics ----------------------------------------------------------------------------
def _gname(density_id, channel):
    """Conductance parameter: 'gbar_NaTs' -> 'gbar', 'g_pas_soma' -> 'g' (NEURON exports);
    else 'gmax', the name in the mod files jNeuroML generates."""
    i = density_id.find("_" + channel)
    while i > 0:
        if density_id[i + 1 + len(channel):][:1] in ("", "_"):
            return density_id[:i]
        i = density_id.find("_" + channel, i + 1)
    return "gmax"


#: ions NEURON (or the usual channel files) declare; others are a mechanism's own business
NEURON_IONS = ("na", "k", "ca", "cl")


def _biophysics(bio, doc, path, skipped, builtins=True):
    """[(segment group, partial section dict)] of each property, in file order per kind."""
    out, mp, ip = [], bio.membrane_properties, bio.intracellular_properties

    def add(el, part):
        if getattr(el, "segments", None) is not None:  # one segment: finer than a section
            skipped.append(f"{type(el).__name__} {getattr(el, 'id', '')} on one segment")
        else:
            out.append((el.segment_groups or "all", part))

    if mp is not None:
        if builtins:
            out += _builtin_mechanisms(mp.channel_densities, doc)
        recognised = {id(cd) for cd in mp.channel_densities} - {
            id(cd) for cd in (_unrecognised(mp.channel_densities, doc) if builtins
                              else mp.channel_densities)}
        for cd in [cd for cd in mp.channel_densities if id(cd) not in recognised] + list(
                mp.channel_density_v_shifts):
            mech = {_gname(cd.id, cd.ion_channel): convert(cd.cond_density, "S_per_cm2")}
            part = {"mechs": {cd.ion_channel: mech}}
            if getattr(cd, "v_shift", None) is not None:
                mech["vShift"] = convert(cd.v_shift, "mV")
            if cd.erev is not None and cd.ion in (None, "non_specific"):
                mech["e"] = convert(cd.erev, "mV")  # the mechanism's own reversal potential
            elif cd.erev is not None and cd.ion not in NEURON_IONS and (
                    cd.ion_channel not in _ion_channels(doc)):
                # an ion NEURON does not know (e.g. Allen's 'hcn'): the mechanism's own
                # reversal potential, as NEURON exports write it (Ih's ehcn)
                mech[f"e{cd.ion}"] = convert(cd.erev, "mV")
            elif cd.erev is not None:  # jNeuroML's mechanisms declare USEION <species>
                part["ions"] = {cd.ion: {"e": convert(cd.erev, "mV")}}
            add(cd, part)
        for cd in list(mp.channel_density_nernsts) + list(mp.channel_density_ghk2s):
            # erev follows the concentrations (NEURON computes it): nothing to set
            add(cd, {"mechs": {cd.ion_channel: {
                _gname(cd.id, cd.ion_channel): convert(cd.cond_density, "S_per_cm2")}}})
        for cd in mp.channel_density_ghks:  # the current follows GHK: no conductance, no erev
            add(cd, {"mechs": {cd.ion_channel: {
                "permeability": convert(cd.permeability, "cm_per_s")}}})
        for el in mp.specific_capacitances:
            add(el, {"geom": {"cm": convert(el.value, "uF_per_cm2")}})
        for el in mp.init_memb_potentials:
            add(el, {"vinit": convert(el.value, "mV")})
        for el in mp.spike_threshes:
            add(el, {"threshold": convert(el.value, "mV")})
        for kind in ("channel_populations",
                     "channel_density_non_uniforms", "channel_density_non_uniform_nernsts",
                     "channel_density_non_uniform_ghks"):
            skipped += [f"{kind} {el.id}" for el in getattr(mp, kind)]
    if ip is not None:
        for el in ip.resistivities:
            add(el, {"geom": {"Ra": convert(el.value, "ohm_cm")}})
        for sp in ip.species:
            part = {"ions": {sp.ion or sp.id: {"i": convert(sp.initial_concentration, "mM"),
                                               "o": convert(sp.initial_ext_concentration,
                                                            "mM")}}}
            if sp.concentration_model:
                part["mechs"] = {sp.concentration_model: _concentration_model(
                    sp.concentration_model, doc, path, skipped)}
            add(sp, part)
    if bio.extracellular_properties is not None:
        skipped.append("extracellularProperties")
    return out


def _ion_channels(doc) -> dict:
    return {c.id: c for c in list(doc.ion_channel) + list(doc.ion_channel_hhs)
            + list(doc.ion_channel_v_shifts) + list(doc.ion_channel_kses)}


def _by_group(densities) -> dict:
    groups: dict = {}
    for cd in densities:
        if getattr(cd, "segments", None) is None:
            groups.setdefault(cd.segment_groups or "all", []).append(cd)
    return groups


def _builtin_mechanisms(densities, doc) -> list:
    """[(group, part)] of NEURON's hh and pas found among a group's channel densities
    (neuroml/channels.py: exactly those channels, whatever their ids)."""
    out, channels = [], _ion_channels(doc)
    for group, mine in _by_group(densities).items():
        found = recognise_mechanisms(mine, channels)
        if found.mechs:
            part = {"mechs": found.mechs}
            if found.ions:
                part["ions"] = found.ions
            out.append((group, part))
    return out


def _unrecognised(densities, doc) -> list:
    channels, left = _ion_channels(doc), []
    for group, mine in _by_group(densities).items():
        left += recognise_mechanisms(mine, channels).unrecognised
    return left + [cd for cd in densities if getattr(cd, "segments", None) is not None]


#: units jNeuroML's concentration model mods declare where NEURON has no convention
#: (fixedFactorConcentrationModel's rho: 0.3 mol_per_m_per_A_per_s is 3.0E-9 there)
_MOD_UNITS = {"rho": "umol_per_cm_per_nA_per_ms"}


def _concentration_model(model_id, doc, path, skipped):
    """Parameters (NEURON units) of the concentration model mechanism `model_id`."""
    standard = list(doc.decaying_pool_concentration_models) + list(
        doc.fixed_factor_concentration_models)
    model = next((m for m in standard if m.id == model_id), None)
    if model is not None:
        out = {"restingConc": convert(model.resting_conc, "mM"),
               "decayConstant": convert(model.decay_constant, "ms")}
        if getattr(model, "shell_thickness", None) is not None:
            # jNeuroML's mod declares it in cm (Gran_CaPool: 8.4E-6 (cm)), not um
            out["shellThickness"] = convert(model.shell_thickness, "cm")
        if getattr(model, "rho", None) is not None:
            out["rho"] = convert(model.rho, _MOD_UNITS["rho"])
        return out
    attrs = _xml_concentration_models(path, set()).get(model_id)
    if attrs is not None:  # e.g. Allen's CaDynamics: decay, gamma, depth, minCai
        return {k: convert(v, _MOD_UNITS.get(k)) for k, v in attrs.items()
                if k not in ("id", "type", "ion", "segmentGroup") and "}" not in k}
    skipped.append(f"parameters of concentration model {model_id} (not in the file)")
    return {}


def _xml_concentration_models(path: Path, seen: set) -> dict:
    """{id: attributes} of <concentrationModel> elements in a file and its includes: NEURON
    exports write this generic element, which is not in the NeuroML2 schema and which
    libNeuroML therefore drops."""
    path = path.resolve()
    if path in seen or not path.is_file():
        return {}
    seen.add(path)
    out: dict = {}
    with contextlib.suppress(ET.ParseError):
        for el in ET.parse(path).getroot().iter():
            tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
            if tag == "concentrationModel" and el.get("id"):
                out.setdefault(el.get("id"), dict(el.attrib))
            elif tag == "include" and el.get("href"):
                for k, v in _xml_concentration_models(path.parent / el.get("href"),
                                                      seen).items():
                    out.setdefault(k, v)
    return out
