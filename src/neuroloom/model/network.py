"""Network: the canonical, NEURON-free description of a built network.

Specs, NeuroML2 and SONATA are all turned into a Network; NEURON instantiation and the
exporters all read from one. Two networks are equal when their tables and catalogs are
equal (provenance, which says where a network came from, and the folders its mechanisms
are compiled from, are not compared).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import CellType, Plasticity, Population, StimSource, SynMech
from .rxd import RxD
from .tables import CellTable, ConnTable, SpikeTrains, StimTable


@dataclass(frozen=True)
class Provenance:
    """Where a network came from; written into every output file."""

    seeds: tuple[tuple[str, int], ...] = ()
    spec_hash: str = ""
    version: str = ""
    source: str = "spec"


@dataclass(frozen=True, eq=False)
class Network:
    cells: CellTable
    conns: ConnTable
    stims: StimTable
    pops: tuple[Population, ...]
    cell_types: tuple[CellType, ...]
    syn_mechs: tuple[SynMech, ...]
    stim_sources: tuple[StimSource, ...]
    section_names: tuple[str, ...]  # what ConnTable.sec / StimTable.sec codes mean
    conn_rules: tuple[str, ...]  # what ConnTable.rule codes mean
    stim_rules: tuple[str, ...]  # what StimTable.rule codes mean
    size: tuple[float, float, float] = (100.0, 100.0, 100.0)
    spike_trains: SpikeTrains = field(default_factory=SpikeTrains.empty)  # VecStim cells
    stim_trains: SpikeTrains = field(default_factory=SpikeTrains.empty)  # VecStim stimuli
    provenance: Provenance = field(default_factory=Provenance)
    rxd: RxD | None = None  # reaction-diffusion (netParams.rxdParams)
    # NMODL folders of the mechanisms its cells and synapses use that neither NEURON nor
    # neuroloom ships (a SONATA circuit's mechanisms_dir, what jNeuroML generated for a
    # NeuroML2 file): the engine loads them before instantiating
    mod_folders: tuple[str, ...] = ()
    # per conn_rules code, the rule's synaptic plasticity (connParams' 'plast') or None;
    # may be shorter than conn_rules (rules past its end have none)
    conn_plasticity: tuple[Plasticity | None, ...] = ()

    def __eq__(self, other) -> bool:
        if type(self) is not type(other):
            return False
        names = ("cells", "conns", "stims", "pops", "cell_types", "syn_mechs", "stim_sources",
                 "section_names", "conn_rules", "stim_rules", "size", "spike_trains",
                 "stim_trains", "rxd", "conn_plasticity")
        return all(getattr(self, n) == getattr(other, n) for n in names)

    __hash__ = None

    def __repr__(self) -> str:
        return (f"Network({len(self.pops)} populations, {self.num_cells} cells, "
                f"{len(self.cell_types)} cell types, {len(self.conns)} connections, "
                f"{len(self.stims)} stimuli, {len(self.syn_mechs)} synaptic mechanisms; "
                f"from {self.provenance.source})")

    @property
    def num_cells(self) -> int:
        return len(self.cells)

    @property
    def neuroloom_only(self) -> tuple[str, ...]:
        """The parts of this network NeuroML2 and SONATA have no form for: exports keep
        them in neuroloom's own part of the files, and other simulators run without them."""
        return tuple(part for part, present in (
            ("reaction-diffusion (rxdParams)", self.rxd is not None),
            ("connection plasticity (connParams' 'plast')",
             any(p is not None for p in self.conn_plasticity))) if present)

    # -- lookups ------------------------------------------------------------------------
    def pop(self, label: str) -> Population:
        for pop in self.pops:
            if pop.label == label:
                return pop
        raise KeyError(label)

    def cell_type_of(self, gid: int) -> CellType:
        return self.cell_types[self.cells.cell_type[gid]]

    def pop_of(self, gid: int) -> Population:
        return self.pops[self.cells.pop[gid]]

    def tags(self, gid: int) -> dict:
        """The tutorial's cell tags: pop, cellType, cellModel and position."""
        pop = self.pop_of(gid)
        c = self.cells
        return {"pop": pop.label, "cellType": self.cell_type_of(gid).user_label,
                "cellModel": pop.cell_model,
                **{k: float(getattr(c, k)[gid]) for k in ("x", "y", "z", "xnorm", "ynorm",
                                                          "znorm")}}
