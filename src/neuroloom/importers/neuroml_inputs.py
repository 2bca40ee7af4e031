"""A NeuroML network's input lists -> neuroloom's stimulus sources and stimulus table
(importers/neuroml.py builds the rest of the network).

Each input component is read as the stimulus type model/stim_types.py maps it onto
(pulseGenerator -> IClamp, timedSynapticInput and spikeArray -> VecStim trains, Poisson
synapses -> NetStim or NlRandomStim: a reader per type, ``_READERS``), else as the mechanism
jNeuroML generates for it. An input's weight scales what the input does
(neuroml_projections.current_weights for current sources).
"""
from __future__ import annotations

import numpy as np

from ..errors import FormatError
from ..model.catalog import StimSource
from ..model.stim_types import NEUROML_INPUTS, STIM_TYPES, stim_type_of
from ..model.tables import SpikeTrains, StimTable
from ..neuroml.channels import keep_definition
from ..neuroml.sources import NEVER, poisson_window
from ..neuroml.units import UnitError, convert
from .neuroml_projections import current_weights


class InputLists:
    """The input-list part of the network builder (importers/neuroml.py's _Standard), which
    provides ``doc``, ``trains``, ``gbase`` and the methods ``generated``, ``_component``,
    ``_synapse`` and ``_sites``."""

    def _inputs(self, pops, cells):
        parts, sources, rules, trains = [], [], [], []
        source_codes = {}
        for inputs in self.doc.projections:
            if inputs.kind != "inputList":
                continue
            comp = self.doc.components[inputs.component]
            c = inputs.columns
            gids = pops[inputs.post].gid_start + c["cell"]
            n = len(gids)
            if comp.id not in source_codes:
                source_codes[comp.id] = len(sources)
                sources.append(self._source(comp))
            source = sources[source_codes[comp.id]]
            syn, weight = np.full(n, -1), np.zeros(n)
            extra = {}
            kind = stim_type_of(source.type)
            if kind.spike_source:
                syn_id = comp.element.get("synapse")
                syn = np.full(n, self._synapse(syn_id, comp.where))
                weight = c["weight"] * self.gbase[syn_id]
            else:  # a current source: scaled by the weights (neuroml_projections.py)
                own = () if kind.name in STIM_TYPES else \
                    self._component(comp.id, comp.where).parameters  # jNeuroML's mechanism
                extra.update(current_weights(comp, source, c["weight"],
                                             any(p[0] == "weight" for p in own)))
            if kind.replayed:
                train = len(trains)
                trains.append(self.trains[comp.id])
                extra["train"] = np.full(n, float(train))
            sec, loc = self._sites(cells.cell_type[gids], c["segment"], c["fraction"])
            rules.append(inputs.id)
            parts.append(StimTable(gid=gids, source=np.full(n, source_codes[comp.id]),
                                   rule=np.full(n, len(rules) - 1), sec=sec, loc=loc,
                                   syn_mech=syn, weight=weight, delay=np.zeros(n),
                                   extra=extra))
        stims = StimTable.concat(parts) if parts else StimTable.empty()
        stim_trains = SpikeTrains(gids=np.arange(len(trains)),
                                  bounds=np.concatenate([[0], np.cumsum([len(t) for t in trains])]
                                                        ).astype(np.int64),
                                  times=np.concatenate(trains or [np.empty(0)]))
        return stims, sources, rules, stim_trains

    def _source(self, comp) -> StimSource:
        """The stimulus type model/stim_types.py reads this component as (a reader per type
        below), else the mechanism jNeuroML generates for it."""
        kind = NEUROML_INPUTS.get(comp.type)
        if kind is None:
            info = self._component(comp.id, comp.where)
            # an export writes it back (neuroml/channels.py)
            keep_definition(self.generated().folder, info.mechanism, comp.element)
            return StimSource(label=comp.id, type=info.mechanism, params=())
        params = _READERS[kind.name](self, comp, kind)
        if kind.name == "NetStim" and "stop" in dict(params):  # a window: NlRandomStim
            return StimSource(label=comp.id, type=kind.name, params=params,
                              neuron_class="NlRandomStim")
        return StimSource(label=comp.id, type=kind.name, params=params)

    # the readers of stimulus components, by stimulus type (_READERS)
    def _mapped_input(self, comp, kind) -> tuple:
        """Parameters the type's NeuroML form maps one to one (pulseGenerator -> IClamp)."""
        return tuple((ours, quantity(comp.element.get(attr), unit, comp.where))
                     for ours, attr, unit, _ in kind.neuroml.params)

    def _timed_input(self, comp, kind) -> tuple:
        """A spike train (timedSynapticInput): its times, kept for the stimulus table."""
        self.trains[comp.id] = np.asarray(sorted(
            quantity(s.get("time"), "ms", comp.where) for s in comp.element
            if tag(s) == "spike"))
        return ()

    def _poisson_input(self, comp, kind) -> tuple:
        """Poisson firing synapses: Poisson firing from ``delay`` for ``duration`` (a NetStim
        with noise 1 and, with a duration, a stop time: made as NlRandomStim)."""
        el, where = comp.element, comp.where
        rate = quantity(el.get("averageRate"), "Hz", where)
        start = quantity(el.get("delay"), "ms", where) if el.get("delay") else 0.0
        if not rate >= 0:
            raise FormatError(f"{where}: averageRate must be 0 or more")
        if el.get("duration") is None:  # endless: NEURON's own NetStim
            return tuple((k, v) for k, v in poisson_window(rate, start, NEVER)
                         if k not in ("stop", "spread"))
        return poisson_window(rate, start, quantity(el.get("duration"), "ms", where))


#: stimulus type -> the _Standard method reading its parameters from a NeuroML component
#: (which components are read as which type: model/stim_types.py)
_READERS = {"IClamp": InputLists._mapped_input, "VecStim": InputLists._timed_input,
            "NetStim": InputLists._poisson_input}


def tag(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def quantity(text, unit, where) -> float:
    if text is None:
        raise FormatError(f"{where}: a required {unit} value is missing")
    try:
        return convert(text, unit)
    except UnitError as err:
        raise FormatError(f"{where}: {err}") from None
