"""The validated spec: typed, frozen, complete (every default filled in).

Everything downstream of validation (build, engine, exporters) reads these, never the
user's mutable NetParams/SimConfig, so a later change to the spec cannot leak into a
network that was already built.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model.catalog import CellType, Params, StimSource, SynMech


@dataclass(frozen=True)
class Cond:
    """A cell must have tag ``tag`` equal to one of ``values``."""

    tag: str
    values: tuple


@dataclass(frozen=True)
class PopSpec:
    label: str
    cell_type: str
    cell_model: str
    num_cells: int


@dataclass(frozen=True)
class StimTargetSpec:
    label: str
    source: str
    conds: tuple[Cond, ...]
    weight: float
    delay: float
    syn_mech: str
    sec: str | None  # None: the target cell type's default section
    loc: float


@dataclass(frozen=True)
class ConnRuleSpec:
    label: str
    pre_conds: tuple[Cond, ...]
    post_conds: tuple[Cond, ...]
    connector: str  # 'probability' | 'convergence' | 'divergence' | 'full'
    amount: float  # the probability, convergence or divergence (unused for 'full')
    weight: float
    delay: float
    syn_mech: str
    sec: str | None
    loc: float


@dataclass(frozen=True)
class NetSpec:
    cell_types: tuple[CellType, ...]
    pops: tuple[PopSpec, ...]
    syn_mechs: tuple[SynMech, ...]
    stim_sources: tuple[StimSource, ...]
    stim_targets: tuple[StimTargetSpec, ...]
    conn_rules: tuple[ConnRuleSpec, ...]
    size: tuple[float, float, float]
    variables: Params = ()  # the user's own numeric NetParams attributes



@dataclass(frozen=True)
class TraceSpec:
    label: str
    var: str
    sec: str | None
    loc: float
    mech: str | None


@dataclass(frozen=True)
class RunSpec:
    duration: float
    dt: float
    hparams: Params
    seeds: tuple[tuple[str, int], ...]
    one_syn_per_netcon: bool
    linear_syn_mechs: frozenset[str]
    record_cells: tuple = ()
    traces: tuple[TraceSpec, ...] = ()
    record_step: float = 0.1
    verbose: bool = False

    def seed(self, purpose: str) -> int:
        return dict(self.seeds)[purpose]


@dataclass(frozen=True)
class OutputSpec:
    filename: str
    save_folder: str
    save_json: bool
    save_pickle: bool
    save_spikes_sonata: bool
    analysis: tuple[tuple[str, Params], ...] = field(default=())
