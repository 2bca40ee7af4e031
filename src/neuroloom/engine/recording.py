"""What is recorded during a run: spikes of every cell, and the requested traces."""
from __future__ import annotations

import numpy as np

from ..errors import MechanismError


class Recorder:
    def __init__(self, h, pc, cells: dict, traces, trace_gids, record_step: float):
        self.spike_t = h.Vector()
        self.spike_gid = h.Vector()
        pc.spike_record(-1, self.spike_t, self.spike_gid)
        self.t = h.Vector()
        self.t.record(h._ref_t, record_step)
        self.traces = {}  # trace label -> {gid: Vector}
        problems = []
        for trace in traces:
            vectors = {}
            for gid in trace_gids:
                cell = cells.get(int(gid))
                if cell is None:
                    continue  # another rank owns it
                sec = trace.sec or cell.cell_type.default_sec
                if sec not in cell.secs:
                    continue  # this cell type has no such section
                ref = _reference(cell.segment(sec, trace.loc), trace)
                if isinstance(ref, str):
                    problems.append(f"recordTraces['{trace.label}'] in cellType "
                                    f"'{cell.cell_type.label}', section '{sec}': {ref}")
                    continue
                vec = h.Vector()
                vec.record(ref, record_step)
                vectors[int(gid)] = vec
            self.traces[trace.label] = vectors
        if problems:
            raise MechanismError("\n".join(dict.fromkeys(problems)))

    def collect(self) -> dict:
        """This rank's recordings as numpy arrays (picklable, for gathering)."""
        return {
            "spike_t": np.array(self.spike_t),
            "spike_gid": np.array(self.spike_gid).astype(np.int64),
            "t": np.array(self.t),
            "traces": {label: {gid: np.array(v) for gid, v in vecs.items()}
                       for label, vecs in self.traces.items()},
        }


def _reference(seg, trace):
    """A pointer to the traced variable, or a message saying why there is none."""
    owner = seg
    if trace.mech:
        try:
            owner = getattr(seg, trace.mech)
        except (AttributeError, NameError):
            return f"mechanism '{trace.mech}' is not inserted there"
    try:
        return getattr(owner, f"_ref_{trace.var}")
    except (AttributeError, NameError):
        what = f"mechanism '{trace.mech}'" if trace.mech else "a section"
        return f"'{trace.var}' is not a variable of {what}"
