"""Stimulus types: the one table of what a stimSourceParams 'type' may be.

Each entry says which parameters the type takes and their bounds (plain data: validation
interprets it, see validate/stims.py), whether it is a spike source (it drives a synapse of
the target through NetCons: weight, delay, synMech and synsPerConn apply) or acts on the
target itself (a point process on the target's section), the NEURON class the engine makes,
and its NeuroML and SONATA forms (what the exporters write and the importers read back).

Every part of neuroloom reads stimulus types from here: validation (validate/stims.py), the
builder (builder/stims.py), the engine (engine/wiring.py), the exporters and importers
(NeuroML, SONATA). Adding a stimulus type is one entry in STIM_TYPES, plus a form in an
exporter's table of writers if that exporter can write it. It lives in model/ because
that is the lowest layer all of them may import.

Networks read from files may hold stimulus sources of other types: the point process a
file brings with it (e.g. the mechanism jNeuroML generates for a NeuroML input). They act
on the target (``stim_type_of``); a spec can never name them (validation refuses any type
not in STIM_TYPES, with the closest name).
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

# -- parameter shapes ------------------------------------------------------------------------
NUMBER = "number"  # a number, or a string function of the target's post_ variables
TIMES = "times"  # a list of spike times (ms)
PULSES = "pulses"  # pulses of firing, as in popParams (see validate/pops.py)
LIST3 = "list3"  # one to three numbers, as VClamp's dur and amp


@dataclass(frozen=True)
class Param:
    """A stimulus parameter: its shape and, for numbers, its bounds."""

    shape: str = NUMBER
    minimum: float | None = None
    maximum: float | None = None
    positive: bool = False
    unit: str = ""
    #: NEURON's object takes this parameter as another one: (name, k), its value k / ours
    as_neuron: tuple[str, float] | None = None

    def bounds(self) -> dict:
        """Keyword arguments for validate.values.value."""
        return dict(minimum=self.minimum, maximum=self.maximum, positive=self.positive)


POSITIVE = Param(positive=True)
NONNEGATIVE = Param(minimum=0)
ANY = Param()
FRACTION = Param(minimum=0, maximum=1)


@dataclass(frozen=True)
class ParamWord:
    """A word a parameter may be instead of a value: the source is then made as another
    NEURON class, with ``params`` for the parameter and without the type's defaults named
    in ``unset``."""

    param: str
    word: str
    neuron_class: str
    params: tuple[tuple[str, float], ...] = ()
    unset: tuple[str, ...] = ()


# -- forms in file formats ---------------------------------------------------------------------
@dataclass(frozen=True)
class NeuroMLForm:
    """The NeuroML component a stimulus is written as (exporters/neuroml.py has a writer per
    element) and the NeuroML components read back as this type (importers/neuroml.py)."""

    element: str
    #: parameters written one to one: (ours, NeuroML attribute, unit, value when unset)
    params: tuple[tuple[str, str, str, float], ...] = ()
    exact: bool = True  # False: an approximation, noted in the document
    reads: tuple[str, ...] = ()  # components the importer reads as this type


@dataclass(frozen=True)
class SonataForm:
    """The SONATA simulation-config input a stimulus is written as (exporters/sonata.py;
    spike sources also get a virtual population and edges), and read back as
    (importers/sonata_inputs.py, for standard inputs)."""

    input_type: str
    module: str
    #: parameters written one to one, in the order written: (ours, SONATA name)
    params: tuple[tuple[str, str], ...] = ()
    standard: bool = True  # False: neuroloom's own module, which other simulators refuse


#: what a stimulus without a SONATA form of its own is written as (module: its type)
SONATA_OWN_INPUT = "neuroloom"


# -- the table ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class StimType:
    name: str
    params: Mapping[str, Param]
    spike_source: bool  # drives a synapse through NetCons; else acts on the target itself
    neuron_class: str | None  # what the engine makes (None: nothing, its train is replayed)
    replayed: bool = False  # its spike train is made by the builder and replayed (VecStim)
    one_of: tuple[str, ...] = ()  # exactly one of these parameters must be given
    defaults: tuple[tuple[str, object], ...] = ()  # filled in when not given, in this order
    #: other names of a parameter: (alias, name); IClamp's 'del' is 'delay' in Python
    aliases: tuple[tuple[str, str], ...] = ()
    words: tuple[ParamWord, ...] = ()  # words a parameter may be instead of a value
    neuroml: NeuroMLForm | None = None
    sonata: SonataForm | None = None

    def __post_init__(self):
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def to_neuron(self, name: str, value):
        """(name, value) as NEURON's object takes them (a NetStim's rate is its interval);
        ``value`` may be a number or an array."""
        param = self.params.get(name)
        if param is None or param.as_neuron is None:
            return name, value
        other, k = param.as_neuron
        return other, k / value

    @property
    def train_params(self) -> tuple[str, ...]:
        """Parameters that make the spike train (not set on a NEURON object)."""
        return tuple(n for n, p in self.params.items() if p.shape in (TIMES, PULSES))


def _table(*types: StimType) -> Mapping[str, StimType]:
    return MappingProxyType({t.name: t for t in types})


STIM_TYPES: Mapping[str, StimType] = _table(
    StimType(
        "NetStim",
        {"rate": Param(positive=True, unit="Hz", as_neuron=("interval", 1000.0)),
         "interval": Param(positive=True, unit="ms"), "noise": FRACTION, "start": ANY,
         "number": NONNEGATIVE},
        spike_source=True, neuron_class="NetStim", one_of=("rate", "interval"),
        defaults=(("number", 1e9), ("start", 0.0), ("noise", 0.0)),
        # NetPyNE: rate 'variable' makes an NSLOC (the mechanism of the examples' nsloc.mod)
        # firing at 0.1 Hz until the model's code sets its interval; start stays NSLOC's own
        words=(ParamWord("rate", "variable", "NSLOC", (("interval", 1e4),), ("start",)),),
        # Poisson firing (exact for noise 1): rate and duration from rate/interval and number
        neuroml=NeuroMLForm("transientPoissonFiringSynapse", (("start", "delay", "ms", 0.0),),
                            reads=("poissonFiringSynapse", "transientPoissonFiringSynapse")),
        # the trains its NetStims fire in the run, as a spike file of virtual nodes that
        # any SONATA simulator replays (exporters/sonata_inputs.py); an NSLOC, whose
        # interval the model's code sets as it runs, is neuroloom's own input
        sonata=SonataForm("spikes", "h5")),
    StimType(
        "VecStim", {"spkTimes": Param(shape=TIMES), "pulses": Param(shape=PULSES)},
        spike_source=True, neuron_class=None, replayed=True,
        neuroml=NeuroMLForm("timedSynapticInput", reads=("timedSynapticInput",)),
        sonata=SonataForm("spikes", "h5")),
    StimType(
        "IClamp", {"del": NONNEGATIVE, "dur": NONNEGATIVE, "amp": ANY},
        spike_source=False, neuron_class="IClamp", aliases=(("delay", "del"),),
        neuroml=NeuroMLForm("pulseGenerator", (("del", "delay", "ms", 0.0),
                                               ("dur", "duration", "ms", 0.0),
                                               ("amp", "amplitude", "nA", 0.0)),
                            reads=("pulseGenerator",)),
        # written when every target gets the same values at the middle of its soma
        sonata=SonataForm("current_clamp", "IClamp", (("amp", "amp"), ("del", "delay"),
                                                      ("dur", "duration")))),
    StimType(
        "VClamp", {"dur": Param(shape=LIST3), "amp": Param(shape=LIST3), "gain": POSITIVE,
                   "rstim": POSITIVE, "tau1": NONNEGATIVE, "tau2": NONNEGATIVE},
        spike_source=False, neuron_class="VClamp",
        neuroml=NeuroMLForm("voltageClampTriple", exact=False)),
    StimType(
        "SEClamp", {"dur1": NONNEGATIVE, "dur2": NONNEGATIVE, "dur3": NONNEGATIVE, "amp1": ANY,
                    "amp2": ANY, "amp3": ANY, "rs": POSITIVE},
        spike_source=False, neuron_class="SEClamp",
        neuroml=NeuroMLForm("voltageClampTriple", exact=False)),
    StimType(
        "AlphaSynapse", {"onset": ANY, "tau": POSITIVE, "gmax": NONNEGATIVE, "e": ANY},
        spike_source=False, neuron_class="AlphaSynapse",
        # driven by a timedSynapticInput with one spike at its onset
        neuroml=NeuroMLForm("alphaSynapse", (("tau", "tau", "ms", 0.1),
                                             ("gmax", "gbase", "uS", 0.0),
                                             ("e", "erev", "mV", 0.0)))),
)

#: the types that drive a synapse through NetCons
SPIKE_SOURCES: tuple[str, ...] = tuple(n for n, t in STIM_TYPES.items() if t.spike_source)


def stim_type_of(name: str) -> StimType:
    """The table's entry for ``name``; for a type only a file brings (a point process of
    its own, e.g. jNeuroML's mechanism for a NeuroML input) an entry saying it acts on the
    target, as the NEURON class of that name, with no parameters or forms of its own."""
    known = STIM_TYPES.get(name)
    if known is not None:
        return known
    return StimType(name, {}, spike_source=False, neuron_class=name)


#: NeuroML components the importer reads as stimuli -> stimulus type
NEUROML_INPUTS: Mapping[str, StimType] = MappingProxyType({
    element: t for t in STIM_TYPES.values() if t.neuroml for element in t.neuroml.reads})

#: SONATA standard inputs the importer reads as stimuli: (input_type, module) -> type
SONATA_INPUTS: Mapping[tuple[str, str], StimType] = MappingProxyType({
    (t.sonata.input_type, t.sonata.module): t for t in STIM_TYPES.values()
    if t.sonata and t.sonata.standard and not t.spike_source})
