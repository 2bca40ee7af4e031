"""NEURON's built-in density mechanisms ``hh`` and ``pas`` as NeuroML2 ion channels, both ways.

NeuroML has no "hh": a membrane holds ion channels, each placed on a segment group by a
``<channelDensity>`` (conductance density, reversal potential, ion). NEURON's hh.mod is three
such channels and ``pas`` is one:

  NEURON          NeuroML channel                                      channelDensity
  hh gnabar, ena  neuroloom_hh_na   ionChannelHH, species na, m^3 h    gnabar, ena, ion na
  hh gkbar, ek    neuroloom_hh_k    ionChannelHH, species k, n^4       gkbar, ek, ion k
  hh gl, el       neuroloom_hh_leak ionChannel type=ionChannelPassive  gl, el, non_specific
  pas g, e        neuroloom_pas     ionChannel type=ionChannelPassive  g, e, non_specific

hh.mod's rates (v in mV, rates in 1/ms) in NeuroML's forms, x = (v - midpoint)/scale:
  alpha_m = .1*vtrap(-(v+40),10) = .1*(v+40)/(1-exp(-(v+40)/10))
            HHExpLinearRate rate*x/(1-exp(-x)): rate 1, midpoint -40, scale 10
            (.1*(v+40) = 1*(v+40)/10: the 1/10 of x moves into the rate)
  beta_m  = 4*exp(-(v+65)/18)       HHExpRate rate*exp(x): 4, -65, -18
  alpha_h = .07*exp(-(v+65)/20)     HHExpRate .07, -65, -20
  beta_h  = 1/(exp(-(v+35)/10)+1)   HHSigmoidRate rate/(1+exp(-x)): 1, -35, 10
  alpha_n = .01*vtrap(-(v+55),10)   HHExpLinearRate .1, -55, 10
  beta_n  = .125*exp(-(v+65)/80)    HHExpRate .125, -65, -80
Both sides take the limit at x = 0 of the linear-exponential rate. NEURON interpolates hh's
rates in a 1 mV table by default (usetable_hh); NeuroML computes them exactly.

Temperature: hh.mod multiplies every rate by 3^((celsius - 6.3)/10). NeuroML rates have no
implicit temperature dependence, so without q10 the channels would run 6.3 degC kinetics at
any temperature. Every gate therefore carries q10Settings q10ExpTemp (factor 3 at 6.3 degC):
the same factor, with the network's temperature in place of celsius.

Numbers: conductance densities in S_per_cm2 and potentials in mV (NEURON's units), written as
the float's repr; ``convert`` reads digits in a matching unit without arithmetic, so every
value comes back bit for bit.

Reading is structural: ids and gate names are free. A channel is hh's Na (K) channel when its
gates have exactly hh's instances, rate types, rate/midpoint/scale values and q10 settings;
any gate-less channel with a non-specific current is NEURON's pas (i = g*(v - e)).

Other channels read from NeuroML run as the mechanisms jNeuroML generates for them
(neuroml/generated.py, named ``nml_<id>_<digest>``) and keep their NeuroML definition: the
importer writes the channel element, as the file gave it, beside the generated mod
(``<mechanism>.nml`` in the network's mod folder, ``keep_definition``), and an export writes it
back with a channelDensity per section (``kept_definitions``, ``generated_density``): the
conductance density from the mechanism's ``gmax`` (S/cm2), the reversal potential from the
section's ion (or the mechanism's ``e`` for a non-specific current). Synapses jNeuroML
generates mechanisms for (blockingPlasticSynapse...) keep theirs the same way.
"""
from __future__ import annotations

import contextlib
import io
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from functools import cache
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

import neuroml

from ..atomic import atomic_path
from ..errors import FormatError
from .component_types import (component_types_used, file_component_types, local_name,
                              plain_text)
from .conventions import NAMESPACE
from .units import convert

HH_NA_ID = "neuroloom_hh_na"
HH_K_ID = "neuroloom_hh_k"
HH_LEAK_ID = "neuroloom_hh_leak"
PAS_ID = "neuroloom_pas"

#: the NEURON mechanisms this module maps; others need channels of their own
BUILTIN_MECHANISMS = ("hh", "pas")
#: NEURON's parameter defaults (hh.mod, pas) and default reversal potentials (mV)
HH_DEFAULTS = {"gnabar": 0.12, "gkbar": 0.036, "gl": 0.0003, "el": -54.3}
PAS_DEFAULTS = {"g": 0.001, "e": -70.0}
ION_DEFAULTS = {"na": 50.0, "k": -77.0}

# hh.mod's gates: (id, instances, forward rate, reverse rate); a rate is
# (NeuroML type, rate per_ms, midpoint mV, scale mV), see the module docstring
_NA_GATES = (
    ("m", 3, ("HHExpLinearRate", "1", "-40", "10"), ("HHExpRate", "4", "-65", "-18")),
    ("h", 1, ("HHExpRate", "0.07", "-65", "-20"), ("HHSigmoidRate", "1", "-35", "10")),
)
_K_GATES = (
    ("n", 4, ("HHExpLinearRate", "0.1", "-55", "10"), ("HHExpRate", "0.125", "-65", "-80")),
)
_Q10 = ("q10ExpTemp", "3", "6.3")  # hh.mod: q10 = 3^((celsius - 6.3)/10)
# per-channel conductance: required by NeuroML's ionChannel, unused by channelDensity
_UNIT_CONDUCTANCE = "10pS"
_NML_ID = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_NON_SPECIFIC = "non_specific"


# --- NEURON -> NeuroML ---------------------------------------------------------------------
def ion_channels() -> list:
    """The four channels (libNeuroML objects, new each call): hh's Na, K and leak, and pas."""
    return [_hh_channel(HH_NA_ID, "na", _NA_GATES), _hh_channel(HH_K_ID, "k", _K_GATES),
            _passive_channel(HH_LEAK_ID, "hh's leak: i = gl*(v - el)"),
            _passive_channel(PAS_ID, "NEURON's pas: i = g*(v - e)")]


def _hh_channel(channel_id, species, gates):
    return neuroml.IonChannelHH(
        id=channel_id, species=species, conductance=_UNIT_CONDUCTANCE,
        notes=f"NEURON's hh.mod {species} channel (neuroloom)",
        gate_hh_rates=[_gate(*gate) for gate in gates])


def _gate(gate_id, instances, forward, reverse):
    q10_type, factor, temperature = _Q10
    return neuroml.GateHHRates(
        id=gate_id, instances=instances, forward_rate=_rate(*forward),
        reverse_rate=_rate(*reverse),
        q10_settings=neuroml.Q10Settings(type=q10_type, q10_factor=factor,
                                         experimental_temp=f"{temperature}degC"))


def _rate(rate_type, rate, midpoint, scale):
    return neuroml.HHRate(type=rate_type, rate=f"{rate}per_ms", midpoint=f"{midpoint}mV",
                          scale=f"{scale}mV")


def _passive_channel(channel_id, notes):
    return neuroml.IonChannel(id=channel_id, type="ionChannelPassive",
                              conductance=_UNIT_CONDUCTANCE, notes=notes)


def channel_densities(mechs: Mapping, segment_group: str, ions: Mapping | None = None) -> list:
    """channelDensity elements (libNeuroML) on `segment_group` for NEURON mechanisms
    ``{'hh': {gnabar, gkbar, gl, el}, 'pas': {g, e}}`` (missing parameters: NEURON's
    defaults); hh's ena/ek come from ``ions`` ``{'na': {'e': mV}, 'k': {'e': mV}}`` (default
    50 and -77). Ids: ``hh_na_<group>``, ``hh_k_<group>``, ``hh_leak_<group>``, ``pas_<group>``.
    """
    unknown = sorted(set(mechs) - set(BUILTIN_MECHANISMS))
    if unknown:
        raise ValueError(f"no built-in NeuroML channels for mechanisms {unknown}; "
                         f"this maps only {list(BUILTIN_MECHANISMS)}")
    if not _NML_ID.fullmatch(str(segment_group)):
        raise ValueError(f"segment group {segment_group!r} is not a NeuroML id")
    out = []
    if "hh" in mechs:
        hh = _with_defaults("hh", mechs["hh"], HH_DEFAULTS)
        out += [_density("hh_na", segment_group, HH_NA_ID, hh["gnabar"],
                         _erev(ions, "na"), "na"),
                _density("hh_k", segment_group, HH_K_ID, hh["gkbar"], _erev(ions, "k"), "k"),
                _density("hh_leak", segment_group, HH_LEAK_ID, hh["gl"], hh["el"],
                         _NON_SPECIFIC)]
    if "pas" in mechs:
        pas = _with_defaults("pas", mechs["pas"], PAS_DEFAULTS)
        out.append(_density("pas", segment_group, PAS_ID, pas["g"], pas["e"], _NON_SPECIFIC))
    return out


def _with_defaults(mech, params, defaults):
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise ValueError(f"{mech}: unknown parameters {unknown}; known: {list(defaults)}")
    return {**defaults, **params}


def _erev(ions, ion):
    return ((ions or {}).get(ion) or {}).get("e", ION_DEFAULTS[ion])


def _density(prefix, segment_group, channel_id, g, erev, ion):
    return neuroml.ChannelDensity(
        id=f"{prefix}_{segment_group}", ion_channel=channel_id, segment_groups=segment_group,
        cond_density=_quantity(g, "S_per_cm2"), erev=_quantity(erev, "mV"), ion=ion)


def _quantity(value, unit):
    """'0.12 S_per_cm2': repr is the shortest text that reads back as the same float."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{value} {unit} cannot be written to NeuroML")
    # NeuroML's quantity pattern has no '+' in exponents: 1e+22 -> 1e22 (the same float)
    return f"{repr(value).replace('e+', 'e')} {unit}"


# --- NeuroML -> NEURON ---------------------------------------------------------------------
class Recognised(NamedTuple):
    """What ``recognise_mechanisms`` made of one segment group's channel densities."""
    mechs: dict          # {'hh': {gnabar, gkbar, gl, el}, 'pas': {g, e}}: those found
    ions: dict           # {'na': {'e': mV}, 'k': {'e': mV}}: only where not NEURON's default
    unrecognised: list   # the densities (libNeuroML objects) left to the caller, in order


def recognise_mechanisms(densities: Iterable, channels: Iterable | Mapping) -> Recognised:
    """NEURON's hh and pas in one segment group's channel densities (libNeuroML objects).

    `channels` are the ion channels the densities may reference (objects, or {id: object}).
    An hh Na and/or K density make hh (a missing one has conductance 0: exactly the same
    currents); its leak is a passive density (ours first, else the first), gl = 0 without
    one. The next passive density is pas. A section holds one hh and one pas, so further
    Na/K/passive densities stay unrecognised, as do all others.
    """
    if not isinstance(channels, Mapping):
        channels = {c.id: c for c in channels}
    densities = list(densities)
    found = {"na": [], "k": [], "passive": []}
    for density in densities:
        kind = _density_kind(density, channels)
        if kind:
            found[kind].append(density)
    passive = sorted(found["passive"], key=lambda d: d.ion_channel != HH_LEAK_ID)
    na, k = found["na"][:1], found["k"][:1]
    leak = passive[:1] if na or k else []
    pas = passive[len(leak):][:1]
    mechs, ions = {}, {}
    if na or k:
        mechs["hh"] = _hh_params(na, k, leak, ions)
    if pas:
        g, e = _g_erev(pas[0])
        mechs["pas"] = {"g": g, "e": e}
    used = {id(d) for d in na + k + leak + pas}
    return Recognised(mechs, ions, [d for d in densities if id(d) not in used])


def _hh_params(na, k, leak, ions):
    """hh's parameters from its densities (each a list of 0 or 1); sets non-default ions."""
    hh = {"gnabar": 0.0, "gkbar": 0.0, "gl": 0.0, "el": HH_DEFAULTS["el"]}
    for densities, g_name, ion in ((na, "gnabar", "na"), (k, "gkbar", "k")):
        if densities:
            hh[g_name], erev = _g_erev(densities[0])
            if erev != ION_DEFAULTS[ion]:
                ions[ion] = {"e": erev}
    if leak:
        hh["gl"], hh["el"] = _g_erev(leak[0])
    return hh


def _g_erev(density):
    return convert(density.cond_density, "S_per_cm2"), convert(density.erev, "mV")


def _density_kind(density, channels):
    """'na' / 'k' (hh's channels), 'passive', or None for a density this cannot map."""
    # subclasses (channelDensityVShift) and per-segment or variable densities are not NEURON's
    if type(density) is not neuroml.ChannelDensity or density.segments is not None \
            or density.variable_parameters or density.erev is None:
        return None
    kind = _channel_kind(channels.get(density.ion_channel))
    ion = {"na": "na", "k": "k", "passive": _NON_SPECIFIC}.get(kind)
    # hh writes ina and ik, pas a non-specific current: another ion would change concentrations
    return kind if ion is not None and density.ion == ion else None


def _channel_kind(channel):
    if not isinstance(channel, neuroml.IonChannel) or channel.q10_conductance_scalings:
        return None  # missing, another kind of channel, or temperature-dependent conductance
    gates = _all_gates(channel)
    if not gates:
        return "passive"
    if type(channel) not in (neuroml.IonChannel, neuroml.IonChannelHH):
        return None  # e.g. ionChannelVShift: shifted gates
    signature = _gates_signature(gates)
    for species, expected in (("na", _NA_GATES), ("k", _K_GATES)):
        if channel.species in (None, species) and signature == _expected_signature(expected):
            return species
    return None


def _all_gates(channel):
    return [gate for kind in ("gates", "gate_hh_rates", "gate_h_hrates_taus",
                              "gate_hh_tau_infs", "gate_h_hrates_infs",
                              "gate_h_hrates_tau_infs", "gate_hh_instantaneouses",
                              "gate_fractionals")
            for gate in getattr(channel, kind, None) or []]


@cache
def _expected_signature(gates):
    return _gates_signature([_gate(*gate) for gate in gates])


def _gates_signature(gates):
    """Multiset of gate signatures (gate ids and order do not matter); None if any gate is
    not plain forward/reverse rates with readable values."""
    try:
        signatures = [_gate_signature(gate) for gate in gates]
    except FormatError:  # an unreadable or unconvertible quantity: not hh's values
        return None
    return None if None in signatures else Counter(signatures)


def _gate_signature(gate):
    if isinstance(gate, neuroml.GateHHUndetermined):  # <gate type="gateHHrates"> form
        if gate.type != "gateHHrates" or gate.time_course or gate.steady_state \
                or gate.sub_gates:
            return None
    elif not isinstance(gate, neuroml.GateHHRates):
        return None
    if gate.instances is None or gate.forward_rate is None or gate.reverse_rate is None:
        return None
    return (int(gate.instances), _rate_signature(gate.forward_rate),
            _rate_signature(gate.reverse_rate), _q10_signature(gate.q10_settings))


def _rate_signature(rate):
    return (rate.type, convert(rate.rate, "per_ms"), convert(rate.midpoint, "mV"),
            convert(rate.scale, "mV"))


def _q10_signature(q10):
    if q10 is None:
        return None
    return (q10.type, _optional(q10.fixed_q10, ""), _optional(q10.q10_factor, ""),
            _optional(q10.experimental_temp, "degC"))


def _optional(text, unit):
    return None if text is None else convert(text, unit)


# --- channels jNeuroML generates mechanisms for: their NeuroML definitions -------------------
DEFINITION_SUFFIX = ".nml"  # <mechanism>.nml beside <mechanism>.mod


def keep_definition(folder, mechanism: str, element: ET.Element, files=()) -> None:
    """Keep a channel's (or synapse's, cell's, input's) NeuroML element beside the mechanism
    generated from it, with the LEMS ComponentTypes of ``files`` it uses (a rate of the
    file's own, Ex10's newExpRate): an export needs them to be read again."""
    path = Path(folder) / f"{mechanism}{DEFINITION_SUFFIX}"
    types = file_component_types(files)
    parts = [*component_types_used(element, files), element]
    text = (f'<neuroml xmlns="{NAMESPACE}" id="{mechanism}">\n'
            + "".join(f'{plain_text(e, types)}\n' for e in parts) + "</neuroml>\n")
    if path.exists() and path.read_text() == text:
        return
    with atomic_path(path, suffix=DEFINITION_SUFFIX) as tmp:
        Path(tmp).write_text(text)


def channel_from_element(element: ET.Element, where: str):
    """A component element (as neuroml/reader.py keeps them) as a libNeuroML object."""
    return channel_from_text(f'<neuroml xmlns="{NAMESPACE}" id="channel">'
                             f'{ET.tostring(element, encoding="unicode")}</neuroml>', where)


def kept_definitions(folders: Iterable, mechanisms: Iterable[str]) -> dict:
    """{mechanism: libNeuroML component} of the mechanisms whose definition is kept in one
    of ``folders`` (mechanisms without one are left out)."""
    wanted, out = set(mechanisms), {}
    for folder in folders:
        for mechanism in sorted(wanted - set(out)):
            path = Path(folder) / f"{mechanism}{DEFINITION_SUFFIX}"
            if path.is_file():
                out[mechanism] = channel_from_text(path.read_text(), str(path))
    return out


def kept_component_types(folders: Iterable, mechanisms: Iterable[str]) -> dict:
    """{name: libNeuroML ComponentType} kept with these mechanisms' definitions."""
    # libNeuroML's loader is slow to import and only needed here
    from neuroml.loaders import read_neuroml2_string

    out = {}
    for folder in folders:
        for mechanism in sorted(set(mechanisms)):
            path = Path(folder) / f"{mechanism}{DEFINITION_SUFFIX}"
            if not path.is_file() or "<ComponentType" not in path.read_text():
                continue
            sink = io.StringIO()  # libNeuroML prints what it reads
            try:
                with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                    doc = read_neuroml2_string(path.read_text(), include_includes=False,
                                               verbose=False)
            except Exception as err:  # noqa: BLE001 - libNeuroML raises many kinds
                raise FormatError(f"{path}: libNeuroML cannot read it ({err})") from None
            for kind in doc.ComponentType:
                out.setdefault(kind.name, kind)
    return out


def channel_from_text(text: str, where: str):
    """The one component (an ion channel, or a synapse jNeuroML generates a mechanism for) of
    a NeuroML document's text, as a libNeuroML object."""
    # libNeuroML's loader is slow to import and only needed here
    from neuroml.loaders import read_neuroml2_string

    root = ET.fromstring(text)
    elements = [c for c in root if isinstance(c.tag, str) and local_name(c.tag) != "ComponentType"]
    if len(elements) != 1 or not elements[0].get("id"):
        raise FormatError(f"{where}: expected one component, found {len(elements)}")
    sink = io.StringIO()  # libNeuroML prints what it reads
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            doc = read_neuroml2_string(text, include_includes=False, verbose=False)
    except Exception as err:  # noqa: BLE001 - libNeuroML raises many kinds
        raise FormatError(f"{where}: libNeuroML cannot read the component ({err})") from None
    found = doc.get_by_id(elements[0].get("id"))
    if isinstance(found, list):  # an id that is also a member's name (IF_curr_alpha)
        found = next((c for c in found if getattr(c, "id", None) == elements[0].get("id")),
                     None)
    if found is None:
        tag = elements[0].tag.rsplit("}", 1)[-1]
        raise FormatError(f"<{tag} id=\"{elements[0].get('id')}\"> has no element in the "
                          "NeuroML schema (a type of NeuroML's LEMS definitions that jNeuroML "
                          "reads only in a LEMS file), so it cannot be written to a NeuroML "
                          f"document (kept in {where})")
    return found


#: libNeuroML's lists of an ion channel's gates, one per gate element of the schema
_GATE_LISTS = {"gates": "gate", "gate_hh_rates": "gateHHrates",
               "gate_h_hrates_taus": "gateHHratesTau", "gate_hh_tau_infs": "gateHHtauInf",
               "gate_h_hrates_infs": "gateHHratesInf",
               "gate_h_hrates_tau_infs": "gateHHratesTauInf",
               "gate_hh_instantaneouses": "gateHHInstantaneous",
               "gate_fractionals": "gateFractional"}


def check_schema_gates(channel, where: str) -> None:
    """NeuroML's schema gives an ion channel gates of one kind only (an xs:choice); LEMS
    files may mix them (Ex24's k_slow: gateHHrates and gateFractional), which no NeuroML
    document can hold: FormatError naming them."""
    kinds = [tag for attr, tag in _GATE_LISTS.items() if getattr(channel, attr, None)]
    if len(kinds) > 1:
        raise FormatError(f"{where}: channel {channel.id} has gates of several kinds "
                          f"({', '.join(kinds)}); NeuroML's schema allows one kind per "
                          "channel, so no valid NeuroML document holds it (jNeuroML runs it "
                          "from a LEMS file)")


def generated_density(channel, values: Mapping, segment_group: str, ions: Mapping,
                      where: str):
    """The channelDensity (libNeuroML) of a generated channel's mechanism on a segment group:
    ``values`` its parameters ({'gmax': S/cm2} and, for a non-specific current, 'e' in mV;
    or, for a GHK current, only {'permeability': cm/s}: a channelDensityGHK, no erev);
    ``ions`` the section's {ion: {'e': mV}}."""
    if "permeability" in values:
        return _ghk_density(channel, values, segment_group, where)
    unknown = sorted(set(values) - {"gmax", "e"})
    if unknown:
        raise FormatError(f"{where}: channel {channel.id}: parameters {unknown} have no "
                          "channelDensity form (gmax and e have)")
    species = getattr(channel, "species", None) or _NON_SPECIFIC
    if species == _NON_SPECIFIC:
        erev = values.get("e")
    else:
        erev = ((ions or {}).get(species) or {}).get("e")
    if erev is None:
        raise FormatError(f"{where}: channel {channel.id} ({species}) has no reversal "
                          "potential here (a section's ion e, or the mechanism's e)")
    return neuroml.ChannelDensity(
        id=f"{channel.id}_{segment_group}", ion_channel=channel.id,
        segment_groups=segment_group, cond_density=_quantity(values.get("gmax", 0.0),
                                                             "S_per_cm2"),
        erev=_quantity(erev, "mV"), ion=species)


def _ghk_density(channel, values, segment_group, where):
    """channelDensityGHK: the current follows GHK from the permeability and the ion's
    concentrations, so it has neither a conductance nor a reversal potential."""
    unknown = sorted(set(values) - {"permeability"})
    if unknown:
        raise FormatError(f"{where}: channel {channel.id}: parameters {unknown} have no "
                          "channelDensityGHK form (permeability has)")
    species = getattr(channel, "species", None)
    if species in (None, _NON_SPECIFIC):
        raise FormatError(f"{where}: channel {channel.id} has a permeability but no ion "
                          "species; channelDensityGHK needs one")
    return neuroml.ChannelDensityGHK(
        id=f"{channel.id}_{segment_group}", ion_channel=channel.id,
        segment_groups=segment_group,
        permeability=_quantity(values["permeability"], "cm_per_s"), ion=species)
