"""NetPyNE's intervalSave: a running model's recordings (and weights) saved every interval
of simulated time, for ``Session.interval_save`` (``sim.intervalSave``)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..results import save as saving
from ..results.simdata import Recordings
from .views import conn_stim_rows


def save_interval(session, sim_time: float, weights=None) -> Path | None:
    """``Session.interval_save``: the session's recordings so far saved to
    ``interval_<t>.pkl`` on rank 0 (see there); the file, or None on other ranks."""
    session._need("model", "sim.create()")
    out = session.current_output()
    raw = session.model.gather(session.model.collect(final=False), everywhere=False)
    all_weights = weights_now(session, weights) if out.save_weights else None
    if not session.is_root:
        return None
    recordings = Recordings.from_raw(raw, session.run_spec.duration)
    folder = getattr(session.sim_config, "intervalFolder", None) or \
        Path(out.save_folder or ".") / "interval_data"
    sim_data = recordings.sim_data(session.network.num_cells)
    if all_weights is not None:
        sim_data["allWeights"] = session.interval_weights = all_weights
    payload = saving.data_payload(session.net_params, session.sim_config, session.network,
                                  sim_data, out.include, out.save_cell_conns,
                                  out.save_cell_secs, run_id=session.run_id)
    path = saving.save_pickle(Path(folder) / f"interval_{sim_time:.0f}.pkl", payload)
    previous, session.interval_file = session.interval_file, path
    if previous is not None and previous != path and previous.exists():
        previous.unlink()
    session.log(f"Saved data at {sim_time:.0f} ms in {path}")
    return path


def weights_now(session, weights) -> list | None:
    """simConfig.saveWeights' list on rank 0 (None on the others): the script's
    ``weights`` of every rank (one rank: that very list, which the script may extend
    later), else the weights NEURON holds now. Every rank must call it."""
    if weights is not None:
        parts = session.model.gather_objects(list(weights))
        if parts is None:
            return None
        return weights if len(parts) == 1 else [w for part in parts for w in part]
    current = session.model.connection_weights()
    stimuli = session.model.stimuli.by_row if session.model.stimuli is not None else {}
    driven = session.model.gather_objects(  # the NetStims' NetCons, as NEURON holds them
        {row: nc.weight[0] for row, (_, nc) in stimuli.items() if nc is not None})
    if current is None:
        return None
    # as sim.net.cells[i].conns lists them: each cell's connections, then its stimuli
    stims, rows = session.network.stims, conn_stim_rows(session.network)
    stim_weights = np.array(stims.weight, dtype=float)
    for part in driven:
        stim_weights[list(part)] = list(part.values())
    gids = np.concatenate([session.network.conns.post_gid, stims.gid[rows]])
    kind = np.repeat([0, 1], [len(current), len(rows)])
    order = np.lexsort((kind, gids))  # stable: each kind keeps its table order
    return np.concatenate([current, stim_weights[rows]])[order].tolist()
