"""Catalog entries: what the rows of the network tables refer to by code.

Cell types, synaptic mechanisms, stimulus sources and populations are few and rich, so they
are plain frozen objects; cells, connections and stimuli are many and simple, so they are
table rows (see tables.py) holding codes into these catalogs.
"""
from __future__ import annotations

from dataclasses import dataclass

Params = tuple[tuple[str, object], ...]  # ordered (name, value) pairs


@dataclass(frozen=True)
class PointProcess:
    """A point process that is part of a cell, e.g. an Izhikevich neuron on its soma."""

    label: str
    mod: str
    loc: float
    params: Params
    vref: str | None = None  # its own voltage variable: spikes are read there, inputs go to it
    syn_list: tuple[str, ...] = ()  # synMechs it receives itself (NetCon weight index = position)


@dataclass(frozen=True)
class Section:
    """One unbranched cable of a cell type, with NEURON's geometry and mechanisms."""

    name: str
    diam: float  # um
    L: float  # um
    Ra: float  # ohm cm
    cm: float  # uF/cm2
    nseg: int
    parent: str | None  # the section this one hangs from
    parent_x: float  # where on the parent (0..1)
    child_x: float  # which end of this section attaches (0 or 1)
    mechs: tuple[tuple[str, Params], ...]  # density mechanisms and their parameters
    pointps: tuple[PointProcess, ...] = ()
    ions: tuple[tuple[str, Params], ...] = ()  # ion -> e/i/o concentrations and potentials
    vinit: float | None = None  # initial voltage of this section (mV)
    pt3d: tuple[tuple[float, float, float, float], ...] = ()  # x, y, z, diam relative to cell


@dataclass(frozen=True)
class Artificial:
    """An artificial cell model (NetStim, VecStim, IntFire1/2/4, ...) and its parameters."""

    mod: str
    params: Params = ()
    seed: int | None = None  # NetStim: the seed of its noise streams (default: seeds['stim'])


@dataclass(frozen=True)
class CellTemplate:
    """A cell whose sections a program makes: a SONATA biophysical cell as BMTK builds it
    (kind 'bmtk_biophysical', sonata/bmtk_cells.py), the only kind so far. Importing
    records the program's inputs and what is known without running it; the engine runs it
    in NEURON when the model is instantiated (engine/cell_templates.py) and the cell type
    then has its sections too."""

    kind: str
    params: Params  # the program's inputs as plain values (paths, numbers, JSON text)
    section_names: tuple[str, ...]  # the sections it makes, in order
    mechanisms: tuple[str, ...] = ()  # the NEURON mechanisms it inserts


@dataclass(frozen=True)
class CellType:
    """A cell model: compartmental (sections) or artificial, and where spikes come from.

    A compartmental cell type made by a program (``template``) has no sections until the
    engine has made them: its section names come from the template."""

    label: str
    sections: tuple[Section, ...]
    spike_sec: str  # compartmental cells: where spikes are detected
    spike_loc: float
    threshold: float  # mV
    sec_lists: tuple[tuple[str, tuple[str, ...]], ...] = ()  # named groups of sections
    globals: Params = ()  # NEURON globals the cell type needs (e.g. of its mechanisms)
    artificial: Artificial | None = None
    # the cellType its cells were given, when that is not its label: a modified copy for
    # some cells (sim.net.modifyCells), the cellParams rules a population's cellType (or
    # conds) selected, or one cell's copy with its own drawn values (builder/cell_rules.py)
    variant_of: str = ""
    # 3D points moved to each cell's position (NetPyNE), or kept as given (SONATA: BMTK
    # never moves morphologies, and NEURON keeps 3D points in single precision, so moving
    # them changes lengths and areas in the last bits)
    place_pt3d: bool = True
    template: CellTemplate | None = None  # the program that makes its sections

    @property
    def user_label(self) -> str:
        """The cellType label the user gave (a variant's is its original's)."""
        return self.variant_of or self.label

    @property
    def is_artificial(self) -> bool:
        return self.artificial is not None

    def section(self, name: str) -> Section:
        return next(s for s in self.sections if s.name == name)

    @property
    def spike_vref(self) -> PointProcess | None:
        """The point process whose own voltage (vref) gives the spikes, if any."""
        if not self.sections:
            return None
        return next((p for p in self.section(self.spike_sec).pointps if p.vref), None)

    @property
    def section_names(self) -> tuple[str, ...]:
        if self.awaits_sections:
            return self.template.section_names
        return tuple(s.name for s in self.sections)

    @property
    def awaits_sections(self) -> bool:
        """Made by a template the engine has not run yet: no sections, only their names."""
        return self.template is not None and not self.sections

    def resolve_secs(self, names) -> tuple[str, ...]:
        """Section names for a rule's 'sec': section names and secList names, in order."""
        lists = dict(self.sec_lists)
        out = []
        for name in names:
            out.extend(lists.get(name, (name,)))
        return tuple(dict.fromkeys(out))

    @property
    def default_sec(self) -> str:
        """Where a synapse or stimulus goes when its rule names no section ('' for
        artificial cells, which receive events themselves)."""
        names = self.section_names
        if not names:
            return ""
        return "soma" if "soma" in names else names[0]


@dataclass(frozen=True)
class Pointer:
    """How a gap junction or graded synapse reads the other cell: its variable
    ``target_var`` follows ``source_var`` of the other side (through ParallelContext);
    a bidirectional one is mirrored on the presynaptic cell."""

    target_var: str
    source_var: str = "v"
    bidirectional: bool = True


@dataclass(frozen=True)
class SynMech:
    """A synaptic mechanism: a NEURON point process (``mod``) with its parameters. With
    ``pointer`` it is driven by a voltage, not by spikes (gap junctions, graded synapses)."""

    label: str
    mod: str
    params: Params
    pointer: Pointer | None = None
    variant_of: str = ""  # a modified copy for some synapses (sim.net.modifySynMechs) of this

    @property
    def user_label(self) -> str:
        """The synMech label the user gave (a variant's is its original's)."""
        return self.variant_of or self.label


@dataclass(frozen=True)
class Plasticity:
    """connParams' 'plast': a point process ``mech`` made per connection on the
    postsynaptic cell, with ``params`` set on it. For NetPyNE's 'STDP' it also hears the
    presynaptic spikes (event weight +1) and the postsynaptic cell's own (-1), and holds a
    pointer ('synweight') to the connection's NetCon weight, which it changes during the run
    (engine/plasticity.py)."""

    mech: str
    params: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class StimSource:
    """A stimulus source such as a NetStim, with its NEURON parameters. Parameters given as
    string functions are evaluated per target (StimTable.extra); their text is kept here."""

    label: str
    type: str
    params: Params
    param_functions: tuple[tuple[str, str], ...] = ()
    #: the NEURON class made instead of the type's own (a NetStim of rate 'variable' is an
    #: NSLOC, whose rate the user's code changes during the run); "": the type's
    neuron_class: str = ""


@dataclass(frozen=True)
class Population:
    """A population owns the contiguous gids ``gid_start .. gid_start + size - 1``."""

    label: str
    cell_type: str
    cell_model: str
    gid_start: int
    size: int

    @property
    def gids(self) -> range:
        return range(self.gid_start, self.gid_start + self.size)
