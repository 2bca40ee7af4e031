"""The validated spec: typed, frozen, complete (every default filled in).

Everything downstream of validation (build, engine, exporters) reads these, never the
user's mutable NetParams/SimConfig, so a later change to the spec cannot leak into a
network that was already built. String functions arrive here compiled (expr.Expression).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Union

from ..expr import Expression
from ..model.catalog import Artificial, CellType, Params, Plasticity, StimSource, SynMech
from ..model.rxd import RxD

#: a rule value: a number, a string function, or (where allowed) a list of numbers
Value = Union[float, Expression, tuple]


@dataclass(frozen=True)
class Cond:
    """A cell's tag must be one of ``values``, or lie in ``range`` = [low, high) ([low,
    high] when ``closed``: cellParams conds, as NetPyNE checks them)."""

    tag: str
    values: tuple | None = None
    range: tuple[float, float] | None = None
    closed: bool = False


@dataclass(frozen=True)
class CellRuleSpec:
    """A cellParams rule: the cells it applies to and what it gives them. Without conds
    it applies to the cells whose cellType is its label; with conds, to the cells whose
    tags match them (several rules may apply to one cell: they are merged in order, as
    NetPyNE applies them). ``secs`` holds each section's given values only (nested
    (key, value) pairs; values are numbers, per-segment tuples or compiled string
    functions), so rules can be merged before defaults are filled in
    (validate/cells.py merge_rules, assemble)."""

    label: str
    conds: tuple[Cond, ...] | None  # None: no conds (selected by its label)
    secs: tuple
    sec_lists: tuple[tuple[str, tuple[str, ...]], ...] = ()
    globals: Params = ()
    vars: tuple[tuple[str, object], ...] = ()  # cell variables: numbers or Expressions
    diversity_fraction: float | None = None
    threshold: float = 10.0  # mV: spikes, unless a section says (netParams.defaultThreshold)


@dataclass(frozen=True)
class PopSpec:
    label: str
    cell_type: str
    cell_model: str
    method: str  # 'count' | 'density' | 'grid' | 'list'
    norm_ranges: tuple  # ((x0, x1), (y0, y1), (z0, z1)) as fractions of the network size
    num_cells: int | None = None
    density: float | Expression | None = None  # cells per mm3
    grid_spacing: tuple[float, float, float] | None = None  # um
    cells_list: tuple = ()  # ((tag, value), ...) per cell
    artificial: Artificial | None = None  # NetStim, VecStim, IntFire... cells
    spike_times: tuple = ()  # VecStim: times shared by all cells, or one tuple per cell
    pulses: tuple = ()  # VecStim: (start, end, interval, noise) pulses of firing
    diversity: bool = False  # cells get a 'fraction' tag for cellParams diversityFraction
    rate_range: tuple[float, float] | None = None  # NetStim: a rate (Hz) drawn per cell


@dataclass(frozen=True)
class StimSourceSpec:
    source: StimSource  # numeric parameters
    expressions: tuple[tuple[str, Expression], ...] = ()  # per-target string parameters


@dataclass(frozen=True)
class StimTargetSpec:
    label: str
    source: str
    conds: tuple[Cond, ...]
    cell_list: tuple[int, ...] | None  # indices into the cells matching conds
    sec: tuple[str, ...] | None  # None: the target cell type's default section
    loc: Value
    # spike sources (NetStim, VecStim) drive synapses: the others leave these unset
    weight: Value = 0.0
    delay: Value = 0.0
    syn_mechs: tuple[str, ...] = ()  # each gets synsPerConn synapses
    syns_per_conn: int = 1
    weight_scale: float = 1.0  # netParams.scaleConnWeightNetStims
    # what value lists run over: 'mech' (one per synMech) or 'syn' (one per synapse)
    list_axis: str | None = None
    # synMechWeightFactor, synMechDelayFactor, synMechLocFactor (several synMechs only)
    weight_factors: tuple[float, ...] | None = None
    delay_factors: tuple[float, ...] | None = None
    loc_factors: tuple[float, ...] | None = None
    loc_given: bool = False  # 'loc' was set (NetPyNE refuses it where it places itself)


@dataclass(frozen=True)
class ConnRuleSpec:
    label: str
    pre_conds: tuple[Cond, ...]
    post_conds: tuple[Cond, ...]
    connector: str  # 'probability' | 'convergence' | 'divergence' | 'full' | 'connList'
    amount: float | Expression = 0.0  # probability, convergence or divergence
    conn_list: tuple[tuple[int, int], ...] = ()
    syn_mechs: tuple[str, ...] = ()
    weight: Value = 1.0
    delay: Value = 1.0
    loc: Value = 0.5
    syns_per_conn: int | Expression = 1
    sec: tuple[str, ...] | None = None  # section or secList names; None: default section
    weight_factors: tuple[float, ...] | None = None  # synMechWeightFactor
    delay_factors: tuple[float, ...] | None = None  # synMechDelayFactor
    weight_scale: float = 1.0  # netParams.scaleConnWeight
    list_axis: str | None = None  # what value lists run over: 'conn', 'mech' or 'syn'
    gap_junction: bool = False  # its synMechs read the other cell's voltage (pointers)
    pre_sec: str | None = None  # where pointer synapses read the presynaptic cell
    pre_loc: float = 0.5
    random_sec_from_list: bool | None = None  # connRandomSecFromList; None: simConfig's
    # distributeSynsUniformly; None: simConfig's
    distribute_syns_uniformly: bool | None = None
    loc_given: bool = False  # 'loc' was set (NetPyNE refuses it where it places itself)
    plast: Plasticity | None = None  # synaptic plasticity of each connection ('plast')


@dataclass(frozen=True)
class ConnOptions:
    """simConfig's options on making connections, which NetPyNE reads while it builds the
    network (so they are part of the spec the network is built from)."""

    allow_self_conns: bool = False  # allowSelfConns: full and probability rules only
    allow_weight0: bool = True  # allowConnsWithWeight0
    random_sec_from_list: bool = True  # connRandomSecFromList: a random section, else first
    # distributeSynsUniformly: several synapses of a connection spread evenly along a
    # list of sections; else random (connRandomSecFromList) or as listed
    distribute_syns_uniformly: bool = True


@dataclass(frozen=True)
class SubConnSpec:
    label: str
    pre_conds: tuple[Cond, ...]
    post_conds: tuple[Cond, ...]
    sec: tuple[str, ...] | None
    density: str  # 'uniform' | 'distance' | '1Dmap' | '2Dmap'
    group_syn_mechs: tuple[str, ...] = ()
    ref_sec: str | None = None  # for 'distance'
    ref_seg: float = 0.5
    target_distance: float = 0.0
    coord: str = "topological"  # 'distance': along the sections, or 'cartesian' (3D)
    grid_x: tuple[float, ...] = ()  # '2Dmap': x of the grid's columns (um)
    grid_y: tuple[float, ...] = ()  # '1Dmap', '2Dmap': y of the grid's rows (um)
    grid_values: tuple = ()  # synapse density per grid point (1D, or per x a row over y)
    fixed_soma_y: float | None = None  # the soma's y the grid was drawn for


@dataclass(frozen=True)
class NetSpec:
    cell_types: tuple[CellType, ...]  # each cellParams rule alone, artificial populations'
    pops: tuple[PopSpec, ...]
    syn_mechs: tuple[SynMech, ...]
    stim_sources: tuple[StimSourceSpec, ...]
    stim_targets: tuple[StimTargetSpec, ...]
    conn_rules: tuple[ConnRuleSpec, ...]
    sub_conn_rules: tuple[SubConnSpec, ...] = ()
    size: tuple[float, float, float] = (100.0, 100.0, 100.0)
    shape: str = "cuboid"
    scale: float = 1.0
    variables: Params = ()  # every numeric NetParams attribute, for string functions
    rxd: RxD | None = None  # reaction-diffusion (rxdParams)
    cell_rules: tuple[CellRuleSpec, ...] = ()  # cellParams, in order: which cell gets what
    conn_options: ConnOptions = ConnOptions()  # simConfig's (validate() sets them)


@dataclass(frozen=True)
class TraceSpec:
    """A variable to record: of a section's segment (or a mechanism there), or of a point
    process: a synapse (synMech label), the cell's own point process (pointp label) or a
    stimulus (stimTarget label). ``conds`` narrows the recorded cells."""

    label: str
    var: str
    sec: str | None
    loc: float
    mech: str | None = None
    syn_mech: str | None = None
    pointp: str | None = None
    stim: str | None = None
    conds: tuple = ()


@dataclass(frozen=True)
class LFPSpec:
    """Extracellular recording (engine/lfp.py): electrode positions as the user gives
    them (um, y is depth), the medium's conductivity (S/m), the current dipole, and whose
    own signals to keep (include items for cells, population labels)."""

    electrodes: tuple[tuple[float, float, float], ...] = ()  # () when only the dipole
    sigma: float = 0.3
    dipole: bool = False
    lfp_cells: tuple = ()
    lfp_pops: tuple[str, ...] = ()
    dipole_cells: tuple = ()
    dipole_pops: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunSpec:
    duration: float
    dt: float
    hparams: Params
    seeds: tuple[tuple[str, int], ...]
    one_syn_per_netcon: bool
    linear_syn_mechs: frozenset[str]
    mod_folders: tuple[str, ...] = ()  # the user's own NMODL folders to compile and load
    record_cells: tuple = ()
    traces: tuple[TraceSpec, ...] = ()
    record_step: float = 0.1
    verbose: bool = False
    progress: bool = True  # report the run's progress (rank 0 shows it)
    coreneuron: bool = False  # run on CoreNEURON (in memory)
    load_balance: str = "roundrobin"  # which rank builds which cells (engine/balance.py)
    lfp: LFPSpec | None = None  # LFP and current dipoles, when asked for
    record_stim: bool = False  # the spike times of spike-source stimuli (simData['stims'])
    record_final: bool = False  # traces include t = duration (every step, then strided)
    create_neuron_obj: bool = True  # False: the network is built, never put into NEURON
    # simConfig.maxMemoryGB: the memory estimate's limit (GB); None: the memory available
    max_memory_gb: float | None = None

    def seed(self, purpose: str) -> int:
        return dict(self.seeds)[purpose]


@dataclass(frozen=True)
class ReportSpec:
    """A SONATA report: ``var`` of the cells ``cells`` (include items) at the middle of
    their soma ('soma'), at every segment ('all'), of each synapse of class ``syn_type``
    their connections drive ('synapses', BMTK's netcon_report) or of their clamps
    ('clamps': ``var`` 'se' voltage clamps, 'ic' current clamps, their current; BMTK's
    clamp_report), every time step, into ``file``."""

    label: str
    cells: tuple
    var: str
    sections: str
    file: str
    units: str
    syn_type: str = ""


@dataclass(frozen=True)
class OutputSpec:
    filename: str
    save_folder: str
    save_json: bool
    save_pickle: bool
    spikes_file: str  # the SONATA spike file to write ('' for none)
    save_hdf5: bool = False
    save_dat: bool = False
    save_csv: bool = False
    save_timing: bool = False
    timing: bool = True
    print_pop_avg_rates: tuple = ()  # ((start, stop or None: the run's end), ...) ms
    include: tuple[str, ...] = ("netParams", "netCells", "netPops", "simConfig", "simData")
    analysis: tuple[tuple[str, Params], ...] = field(default=())
    reports: tuple[ReportSpec, ...] = ()
    sonata_populations: tuple[tuple[str, tuple[str, ...]], ...] = ()  # grouped node pops
    save_mat: bool = False  # also a MATLAB .mat file (scipy.io)
    save_cell_conns: bool = True  # the connections in saved networks
    save_cell_secs: bool = True  # the cell types' sections in saved networks
    save_weights: bool = False  # sim.intervalSave also saves simData['allWeights']


@dataclass(frozen=True)
class Plot:
    """One plot of simConfig.analysis and sim.analysis: an entry of the table of plots
    (validate/plots.py PLOTS; sim/plots.py draws it)."""

    description: str  # one line: the first of the generated function's docstring
    options: Mapping[str, object]  # every option (NetPyNE's names) -> its default
    choices: Mapping[str, tuple] = field(default_factory=dict)  # option -> allowed values
    # further checks of the options over their defaults, recording problems (and
    # normalising values in place): check(options, path, pop_labels, rxd, checker)
    check: Callable | None = None
    # saveFig=True's file after <filename>, formatted with the options
    # ('_plot_conn_{groupBy}_{feature}.png'); None: the plot saves several files its own way
    file: str | None = None
    needs_run: bool = True  # draws a run's results (False: the network alone)
    # options that lead the generated function's signature, positional too:
    # plotRxDConcentration(speciesLabel=None, regionLabel=None, **options)
    arguments: tuple[str, ...] = ()
