"""Reaction-diffusion of a network (netParams.rxdParams), validated, as plain frozen data.

engine/rxd.py maps it onto NEURON's rxd. Values that NetPyNE writes as strings (reaction
schemes, rates, initial concentrations) are kept as their text: they were parsed and
checked when the spec was validated (expr/kinetics.py) and are parsed again, never
evaluated as Python, where they are used. Numbers stay numbers.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

#: a number, or the text of an expression (expr/kinetics.py)
Value = float | str
#: a recorded trace's var naming a species (state, parameter) on a region: 'ca[cyt]'
TRACE_VAR = re.compile(r"^\s*(\w+)\s*\[\s*(\w+)\s*\]\s*$")

INTRACELLULAR, EXTRACELLULAR = "intracellular", "extracellular"


@dataclass(frozen=True)
class Region:
    """Sections of some cells (rxd.Region): ``cells`` are include items ('all', gids,
    population labels, (pop, indices)); ``secs`` section names (None: all)."""

    label: str
    cells: tuple = ("all",)
    secs: tuple[str, ...] | None = None
    nrn_region: str | None = None  # 'i' or 'o': NEURON's concentrations follow this region
    geometry: str | None = None  # None, 'inside', 'membrane' or an rxd geometry class
    geometry_args: tuple[tuple[str, object], ...] = ()
    dimension: int = 1
    dx: float | None = None  # um, the 3D voxel size
    kind: str = INTRACELLULAR


@dataclass(frozen=True)
class Extracellular:
    """A box of extracellular space (rxd.Extracellular), in NEURON's coordinates (um, y up:
    a cell at depth y sits at -y)."""

    label: str
    lo: tuple[float, float, float]
    hi: tuple[float, float, float]
    dx: tuple[float, ...]  # one voxel size, or one per axis
    volume_fraction: float = 1.0
    tortuosity: float = 1.0
    kind: str = EXTRACELLULAR


@dataclass(frozen=True)
class Species:
    """A species (diffuses, may carry charge), state (does not diffuse) or parameter (a
    value that reactions read) on some regions. ``initial`` is a parameter's value."""

    label: str
    kind: str  # 'species' | 'state' | 'parameter'
    regions: tuple[str, ...]
    name: str  # NEURON's name: a species on a region with nrn_region is the ion <name>
    d: float = 0.0  # diffusion coefficient, um2/ms
    charge: int = 0
    initial: Value | None = None  # mM; None: rxd's default (NEURON's ion concentration)
    atolscale: float = 1.0
    ecs_boundary_conditions: float | None = None  # mM at the box's faces (None: no flux)


@dataclass(frozen=True)
class Reaction:
    """A reaction in regions (rxd.Reaction) or across a membrane region
    (rxd.MultiCompartmentReaction, when ``membrane`` is set)."""

    label: str
    reactant: str
    product: str
    rate_f: Value
    rate_b: Value | None = None
    regions: tuple[str, ...] | None = None  # None: wherever all its species are
    mass_action: bool = True  # False: the rates are the whole fluxes (custom_dynamics)
    membrane: str | None = None
    membrane_flux: bool = False  # a current across the plasma membrane
    scale_by_area: bool = True

    @property
    def multicompartment(self) -> bool:
        return self.membrane is not None


@dataclass(frozen=True)
class Rate:
    """d(species)/dt = rate (rxd.Rate)."""

    label: str
    species: str  # 'ca' or 'ca[cyt]'
    rate: Value
    regions: tuple[str, ...] | None = None
    membrane_flux: bool = False


@dataclass(frozen=True)
class RxD:
    regions: tuple[Region | Extracellular, ...] = ()
    species: tuple[Species, ...] = ()  # species, then states, then parameters
    reactions: tuple[Reaction, ...] = ()  # reactions, then multicompartment reactions
    rates: tuple[Rate, ...] = ()
    constants: tuple[tuple[str, float], ...] = ()

    def region(self, label: str):
        return next(r for r in self.regions if r.label == label)

    def species_named(self, label: str) -> Species:
        return next(s for s in self.species if s.label == label)

    @property
    def extracellular(self) -> tuple[Extracellular, ...]:
        return tuple(r for r in self.regions if r.kind == EXTRACELLULAR)


def species_regions(rxd: RxD | None) -> tuple:
    """(label, its regions) of every species, state and parameter: what traces and plots
    may name."""
    return () if rxd is None else tuple((s.label, s.regions) for s in rxd.species)


def rxd_to_dict(rxd: RxD | None) -> dict | None:
    """Plain data (JSON): tuples become lists."""
    if rxd is None:
        return None
    return {"regions": [asdict(r) for r in rxd.regions],
            "species": [asdict(s) for s in rxd.species],
            "reactions": [asdict(r) for r in rxd.reactions],
            "rates": [asdict(r) for r in rxd.rates],
            "constants": [list(c) for c in rxd.constants]}


def rxd_from_dict(data: dict | None) -> RxD | None:
    if data is None:
        return None
    regions = []
    for r in data["regions"]:
        if r["kind"] == EXTRACELLULAR:
            regions.append(Extracellular(**{**r, "lo": tuple(r["lo"]), "hi": tuple(r["hi"]),
                                            "dx": tuple(r["dx"])}))
        else:  # cells: labels, gids and [pop, [indices]] pairs
            regions.append(Region(**{
                **r, "cells": tuple((c[0], tuple(c[1])) if isinstance(c, list) else c
                                    for c in r["cells"]),
                "secs": _tuple(r["secs"]),
                "geometry_args": tuple((k, _tuple(v)) for k, v in r["geometry_args"])}))
    return RxD(
        regions=tuple(regions),
        species=tuple(Species(**{**s, "regions": tuple(s["regions"])}) for s in data["species"]),
        reactions=tuple(Reaction(**{**r, "regions": _tuple(r["regions"])})
                        for r in data["reactions"]),
        rates=tuple(Rate(**{**r, "regions": _tuple(r["regions"])}) for r in data["rates"]),
        constants=tuple((str(k), float(v)) for k, v in data["constants"]))


def _tuple(value):
    return tuple(value) if isinstance(value, list) else value
