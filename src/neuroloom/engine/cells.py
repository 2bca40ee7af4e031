"""Cells in NEURON: compartmental cells (sections, geometry, topology, mechanisms, ions,
point processes) and artificial cells (NetStim, IntFire...)."""
from __future__ import annotations

from .. import rng


class CellInstance:
    """The NEURON objects of one compartmental cell. Sections are owned here and die
    with it."""

    def __init__(self, h, gid: int, cell_type, position):
        self.gid = gid
        self.cell_type = cell_type
        self.secs, self.pointps = {}, {}
        if not cell_type.place_pt3d:
            position = (0.0, 0.0, 0.0)
        for spec in cell_type.sections:
            self.secs[spec.name] = self._section(h, spec, position)
        for spec in cell_type.sections:
            if spec.parent is not None:
                self.secs[spec.name].connect(self.secs[spec.parent](spec.parent_x), spec.child_x)

    def _section(self, h, spec, position):
        sec = h.Section(name=spec.name, cell=self)
        if spec.pt3d:
            # 3D points set L and diam; they are placed at the cell's position, y downwards
            # as NetPyNE does (y is depth)
            x0, y0, z0 = position
            if len(spec.pt3d) == 1:  # NEURON keeps the diameter, makes L 1e-9 um
                sec.diam = spec.diam
            for x, y, z, diam in spec.pt3d:
                h.pt3dadd(x + x0, y - y0, z + z0, diam, sec=sec)
        else:
            sec.L, sec.diam = spec.L, spec.diam
        sec.nseg, sec.Ra, sec.cm = spec.nseg, spec.Ra, spec.cm
        for mech, params in spec.mechs:
            sec.insert(mech)
            for name, value in params:
                if isinstance(value, tuple):  # one value per segment
                    for seg, v in zip(sec, value):
                        setattr(getattr(seg, mech), name, v)
                else:
                    setattr(sec, f"{name}_{mech}", value)  # 'gnabar_hh' sets every segment
        for ion, values in spec.ions:
            sec.insert(f"{ion}_ion")
            for kind, value in values:  # e -> ena, i -> nai, o -> nao
                setattr(sec, f"e{ion}" if kind == "e" else f"{ion}{kind}", value)
        for pointp in spec.pointps:
            obj = getattr(h, pointp.mod)(sec(pointp.loc))
            for name, value in pointp.params:
                setattr(obj, name, value)
            self.pointps[(spec.name, pointp.label)] = obj
        return sec

    def segment(self, sec: str, loc: float):
        return self.secs[sec](loc)

    def target(self, sec: str):
        """The point process that receives connections onto ``sec`` itself (one with a
        vref), or None: then connections get synapses."""
        for pointp in self.cell_type.section(sec).pointps:
            if pointp.vref:
                return self.pointps[(sec, pointp.label)]
        return None

    def spike_detector(self, h):
        """A NetCon watching where this cell's spikes are detected (for pc.cell): the
        voltage of a point process that has its own (vref), else the section's v."""
        t = self.cell_type
        sec = self.secs[t.spike_sec]
        own = t.spike_vref
        if own is not None:
            pointp = self.pointps[(t.spike_sec, own.label)]
            nc = h.NetCon(getattr(pointp, f"_ref_{own.vref}"), None, sec=sec)
        else:
            nc = h.NetCon(sec(t.spike_loc)._ref_v, None, sec=sec)
        nc.threshold = t.threshold
        return nc

    def initial_voltages(self):
        """(section, vinit) of the sections that start at their own voltage."""
        return [(self.secs[s.name], s.vinit) for s in self.cell_type.sections
                if s.vinit is not None]

    def __repr__(self):
        return f"{self.cell_type.label}[{self.gid}]"


class ArtificialInstance:
    """One artificial cell: a NetStim, IntFire or a user's ARTIFICIAL_CELL (VecStim cells
    are not objects: their trains are replayed, see replay.py)."""

    secs, pointps = {}, {}

    def __init__(self, h, gid: int, cell_type, pop_label: str, seed: int,
                 vecstim_duration: float | None = None):
        """``vecstim_duration``: for a VecStim population given a rate (a NetStim here),
        the run's duration, which caps its number of spikes as NetPyNE's does."""
        self.gid, self.cell_type = gid, cell_type
        model = cell_type.artificial
        self.obj = getattr(h, model.mod)()
        for name, value in model.params:
            setattr(self.obj, name, value)
        if vecstim_duration is not None:
            self.obj.number = vecstim_spike_cap(dict(model.params), vecstim_duration)
        if model.mod in ("NetStim", "NlRandomStim"):  # (NlRandomStim: neuroloom's, mod/)
            # noise keyed by (gid, population, seed): the same on any number of ranks
            self.obj.noiseFromRandom123(gid, rng.stream_id32("pop", pop_label), seed)

    def target(self, sec=None):
        return self.obj

    def spike_detector(self, h):
        nc = h.NetCon(self.obj, None)
        nc.threshold = self.cell_type.threshold
        return nc

    def initial_voltages(self):
        return []

    def __repr__(self):
        return f"{self.cell_type.label}[{self.gid}]"


def vecstim_spike_cap(params: dict, duration: float) -> int:
    """How many spikes NetPyNE draws for a VecStim population given a rate: enough for
    (1 + 1.5 noise) times the run's duration at the mean interval, int-truncated (none
    at all when the interval is longer than that); the same process as a NetStim
    otherwise.

    Parameters
    ----------
    params : dict
        The NetStim parameters of the cell: ``interval`` (ms) and ``noise``.
    duration : float
        The run's duration (ms) when the cell is made.

    Returns
    -------
    int
        The cell's largest number of spikes.
    """
    noise = float(params.get("noise", 0.0))
    return int((1.0 + 1.5 * noise) * duration / float(params["interval"]))
