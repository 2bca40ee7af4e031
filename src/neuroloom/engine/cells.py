"""Compartmental cells in NEURON: sections, geometry, topology, mechanisms."""
from __future__ import annotations


class CellInstance:
    """The NEURON objects of one cell. Sections are owned here and die with it."""

    def __init__(self, h, gid: int, cell_type):
        self.gid = gid
        self.cell_type = cell_type
        self.secs = {}
        for spec in cell_type.sections:
            sec = h.Section(name=spec.name, cell=self)
            sec.L, sec.nseg, sec.diam = spec.L, spec.nseg, spec.diam
            sec.Ra, sec.cm = spec.Ra, spec.cm
            for mech, params in spec.mechs:
                sec.insert(mech)
                for name, value in params:
                    # 'gnabar_hh' on a section sets it in every segment
                    setattr(sec, f"{name}_{mech}", value)
            self.secs[spec.name] = sec
        for spec in cell_type.sections:
            if spec.parent is not None:
                self.secs[spec.name].connect(self.secs[spec.parent](spec.parent_x), spec.child_x)

    def segment(self, sec: str, loc: float):
        return self.secs[sec](loc)

    def spike_detector(self, h):
        """A NetCon watching v where this cell's spikes are detected (for pc.cell)."""
        t = self.cell_type
        sec = self.secs[t.spike_sec]
        nc = h.NetCon(sec(t.spike_loc)._ref_v, None, sec=sec)
        nc.threshold = t.threshold
        return nc

    def __repr__(self):
        return f"{self.cell_type.label}[{self.gid}]"
