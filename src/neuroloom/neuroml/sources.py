"""NeuroML spike sources as NEURON artificial cells, and the abstract cells NEURON cannot
watch.

A population of a spike source becomes artificial cells (``spike_source``), read from the
component alone, without generating code:

- spikeGenerator (period): a regular NetStim, first spike at one period;
- spikeGeneratorPoisson (averageRate r): a NetStim with interval 1000/r ms and noise 1;
- spikeGeneratorRefPoisson (averageRate r, minimumISI m): every interval is m plus an
  exponential of mean 1000/r - m (NeuroML's definition, first spike included), which is
  NEURON's NetStim with interval 1000/r, noise 1 - m r / 1000 and start m (its intervals are
  (1 - noise) interval + noise interval E, its first spike start + noise interval E);
- SpikeSourcePoisson (PyNN: start, duration, rate): Poisson spikes on (start, start +
  duration], as neuroloom's NlRandomStim (mod/randomstim/nlrandomstim.mod: a NetStim with a stop time
  and a uniform part in its intervals);
- spikeGeneratorRandom (minISI, maxISI): intervals uniform in [minISI, maxISI), as
  NlRandomStim.
``poisson_window`` gives the NlRandomStim of a transientPoissonFiringSynapse (Poisson
firing from delay to delay + duration), which the importer makes for that input.
The engine seeds each cell's Random123 stream by (gid, population, seed), so a source fires
the same train on any number of ranks; the trains follow NeuroML's distributions, not
jLEMS's random numbers (jNeuroML's own NEURON code for these does not compile on NEURON 9).

Abstract cells whose membrane potential is a state of their own, not the section's voltage
(``INTERNAL_VOLTAGE``: fitzHughNagumoCell, fitzHughNagumo1969Cell: dimensionless V;
pinskyRinzelCA3Cell: soma and dendrite potentials Vs, Vd) run as jNeuroML's NEURON export
runs them: their mechanism, a point process in a dummy section whose v never moves. NeuroML
gives them no spike events, so nothing is lost there; but their section's v is not their
voltage, so recording a v of theirs is an error (``check_internal_voltages``).
``check_runnable`` refuses, before any code is generated, the cells jNeuroML's NEURON code
cannot run (``NO_NEURON_CODE``): pinskyRinzelCA3Cell (Ex22), whose mod NEURON 9 does not
compile ("Multiple declaration of Sisat": declared ASSIGNED and STATE) and which, that
declaration removed, diverges within a step (Vs -60 -> 440 mV in 0.01 ms at Ex22's values,
where jLEMS moves 0.005 mV).
"""
from __future__ import annotations

from ..errors import FormatError
from .units import UnitError, convert

#: spike sources read here -> the NEURON artificial cell each becomes
SPIKE_SOURCES = {"spikeGenerator": "NetStim", "spikeGeneratorPoisson": "NetStim",
                 "spikeGeneratorRefPoisson": "NetStim", "SpikeSourcePoisson": "NlRandomStim",
                 "spikeGeneratorRandom": "NlRandomStim"}
#: abstract cells whose voltage is not the section's: why NEURON cannot watch them
INTERNAL_VOLTAGE = {
    "fitzHughNagumoCell": "its membrane potential V is dimensionless",
    "fitzHughNagumo1969Cell": "its membrane potential V is dimensionless",
    "pinskyRinzelCA3Cell": "its soma and dendrite potentials Vs and Vd are internal states"}
#: cells jNeuroML's NEURON code cannot run: why
NO_NEURON_CODE = {
    "pinskyRinzelCA3Cell": "jNeuroML's NEURON code for it does not compile on NEURON 9 "
                           "(\"Multiple declaration of Sisat\"), and with that declaration "
                           "fixed it diverges in the first step; jLEMS (`pynml LEMS_x.xml "
                           "-nogui`) runs it"}
NEVER = 1e9  # ms: a NetStim's number of spikes without end


def spike_source(comp) -> tuple[str, tuple[tuple[str, float], ...]]:
    """The artificial cell a NeuroML spike source becomes.

    Parameters
    ----------
    comp : neuroml.reader.Component
        A component whose type is one of ``SPIKE_SOURCES``.

    Returns
    -------
    (str, tuple)
        The NEURON class (NetStim or NlRandomStim) and its parameters (NEURON units).

    Raises
    ------
    FormatError
        A missing, negative or inconsistent value, naming the element and attribute.
    """
    read = _Reader(comp)
    kind = comp.type
    if kind == "spikeGenerator":
        period = read.time("period", positive=True)
        return "NetStim", (("interval", period), ("number", NEVER), ("start", period),
                           ("noise", 0.0))
    if kind in ("spikeGeneratorPoisson", "spikeGeneratorRefPoisson"):
        rate = read.rate("averageRate")
        if rate == 0:  # no spikes, as in NeuroML (an infinite interval)
            return "NetStim", (("interval", NEVER), ("number", 0.0), ("start", 0.0),
                               ("noise", 0.0))
        mean = 1000.0 / rate
        refractory = read.time("minimumISI") if kind == "spikeGeneratorRefPoisson" else 0.0
        if refractory >= mean:
            raise FormatError(f"{comp.where}: minimumISI {refractory:g} ms is not below the "
                              f"mean interval 1/averageRate = {mean:g} ms")
        return "NetStim", (("interval", mean), ("number", NEVER), ("start", refractory),
                           ("noise", 1.0 - refractory / mean))
    if kind == "SpikeSourcePoisson":
        start, duration, rate = read.time("start"), read.time("duration"), read.rate("rate")
        return "NlRandomStim", poisson_window(rate, start, duration)
    if kind == "spikeGeneratorRandom":
        low, high = read.time("minISI"), read.time("maxISI")
        if high < low or high <= 0:
            raise FormatError(f"{comp.where}: maxISI {high:g} ms must be above 0 and not "
                              f"below minISI {low:g} ms")
        return "NlRandomStim", (("interval", low), ("noise", 0.0), ("start", low),
                                ("number", NEVER), ("stop", NEVER), ("spread", high - low))
    raise FormatError(f"{comp.where}: {kind} is not a spike source neuroloom reads "
                      f"({', '.join(SPIKE_SOURCES)})")


def poisson_window(rate: float, start: float, duration: float) -> tuple:
    """NlRandomStim's parameters for Poisson firing at ``rate`` (Hz) on (start, start +
    duration] (ms); rate 0 fires nothing.

    Parameters
    ----------
    rate : float
        Mean rate (Hz), 0 or more.
    start, duration : float
        The window (ms).

    Returns
    -------
    tuple of (str, float)
        interval, noise, start, number, stop and spread, as mod/randomstim/nlrandomstim.mod takes them.
    """
    return (("interval", 1000.0 / rate if rate > 0 else NEVER), ("noise", 1.0),
            ("start", start), ("number", NEVER if rate > 0 else 0.0),
            ("stop", start + duration), ("spread", 0.0))


def check_runnable(comp) -> None:
    """Refuse a cell jNeuroML's NEURON code cannot run (``NO_NEURON_CODE``), before any code
    is generated for it.

    Raises
    ------
    FormatError
        Naming the element, its type and why.
    """
    why = NO_NEURON_CODE.get(comp.type)
    if why is not None:
        raise FormatError(f"{comp.where}: a {comp.type} cannot run in neuroloom: {why}")


def check_internal_voltages(doc) -> None:
    """Refuse, before any code is generated, an OutputColumn recording the ``v`` of a cell
    in ``INTERNAL_VOLTAGE`` (jNeuroML's NEURON export fails on it in raw Java text).

    Parameters
    ----------
    doc : neuroml.reader.Document
        The file read.

    Raises
    ------
    FormatError
        Naming the OutputColumn, the cell's type and why.
    """
    sim = doc.simulation
    types = {p.id: doc.components[p.component].type for p in doc.populations
             if p.component in doc.components}
    for out in (sim or {}).get("outputs", ()):
        if out.kind != "OutputFile":
            continue
        for _, quantity, where in out.items:
            pieces = quantity.split("/")
            kind = types.get(pieces[0].split("[")[0])
            if pieces[-1] == "v" and kind in INTERNAL_VOLTAGE:
                raise FormatError(
                    f"{where}: '{quantity}': a {kind} has no membrane potential v ("
                    f"{INTERNAL_VOLTAGE[kind]}); neuroloom runs its mechanism as jNeuroML's "
                    "NEURON export does, in a section whose v is not its voltage")


class _Reader:
    """Attributes of one component in NEURON units, each a clear error when bad."""

    def __init__(self, comp):
        self.comp = comp

    def _value(self, name, unit) -> float:
        text = self.comp.element.get(name)
        if text is None:
            raise FormatError(f"{self.comp.where}: missing attribute {name}")
        try:
            value = convert(text, unit)
        except UnitError as err:
            raise FormatError(f"{self.comp.where}: {name}: {err}") from None
        if not value >= 0:  # also NaN
            raise FormatError(f"{self.comp.where}: {name} = {text!r} must be 0 or more")
        return value

    def time(self, name, positive=False) -> float:
        value = self._value(name, "ms")
        if positive and value == 0:
            raise FormatError(f"{self.comp.where}: {name} must be above 0")
        return value

    def rate(self, name) -> float:
        return self._value(name, "Hz")
