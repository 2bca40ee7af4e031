"""``sim.net``: the tutorial's view of the instantiated network, over the tables.

Nothing here stores network data: cells, pops and connections are read from the Network
tables and the live NEURON objects each time they are asked for.
"""
from __future__ import annotations

import numpy as np

from ..model.stim_types import stim_type_of
from ..specs.dicts import Dict
from .rxd_view import rxd_view


class NetView:
    def __init__(self, session):
        self._session = session

    @property
    def params(self):
        return self._session.net_params

    # -- the tutorial's steps -------------------------------------------------------------
    def createPops(self):
        self._session.create_pops()
        return self.pops

    def createCells(self):
        self._session.create_cells()
        return self.cells

    def connectCells(self):
        self._session.connect_cells()

    def addStims(self):
        self._session.add_stims()

    @property
    def rxd(self):
        """rxdParams with each item's live rxd object under 'hObj' (sim/rxd_view.py)."""
        return rxd_view(self._session)

    def addRxD(self, nthreads=None):
        """Reaction-diffusion (rxdParams); ``nthreads`` is NetPyNE's and not used."""
        self._session.add_rxd()

    # -- changing the network ---------------------------------------------------------------
    def modifyCells(self, params):
        """{'conds': {tag: value...}, 'secs': {sec: {'geom': {...}, 'mechs': {...}}}}"""
        return self._session.modify("cells", params)

    def modifyConns(self, params):
        """{'conds': {'label': rule, ...}, 'preConds', 'postConds', 'weight', 'delay'}"""
        return self._session.modify("conns", params)

    def modifySynMechs(self, params):
        """{'conds': {'label': synMech, 'sec', 'loc'}, 'cellConds': {...}, param: value}"""
        return self._session.modify("synMechs", params)

    def modifyStims(self, params):
        """{'conds': {'label': rule, 'source', ...}, 'cellConds': {...}, value...}"""
        return self._session.modify("stims", params)

    @property
    def cells(self) -> list:
        """This rank's cells, in gid order."""
        s = self._session
        gids = s.model.gids if s.model is not None else s.network.cells.gids
        return [cell_view(s, int(g)) for g in gids]

    @property
    def pops(self) -> Dict:
        net = self._session.network
        return Dict({p.label: PopView(p) for p in net.pops})

    @property
    def allCells(self) -> list:
        return [cell_view(self._session, int(g)) for g in self._session.network.cells.gids]


class PopView:
    def __init__(self, pop):
        self.tags = Dict(pop=pop.label, cellType=pop.cell_type, cellModel=pop.cell_model,
                         numCells=pop.size)
        self.cellGids = list(pop.gids)

    def __repr__(self):
        return f"Pop({self.tags['pop']!r}, {len(self.cellGids)} cells)"


class CellView:
    """One cell: gid, tags, secs (with NEURON sections under 'hObj'), conns, stims."""

    def __init__(self, session, gid: int):
        self._session = session
        self.gid = gid

    @property
    def tags(self) -> Dict:
        return Dict(self._session.network.tags(self.gid))

    @property
    def secs(self) -> Dict:
        net, model = self._session.network, self._session.model
        live = model.cells.get(self.gid) if model is not None and model.cells else None
        out = Dict()
        for spec in net.cell_type_of(self.gid).sections:
            sec = Dict(geom=Dict(diam=spec.diam, L=spec.L, Ra=spec.Ra, cm=spec.cm,
                                 nseg=spec.nseg),
                       mechs=Dict({m: Dict(params) for m, params in spec.mechs}),
                       pointps=Dict({p.label: Dict(mod=p.mod, loc=p.loc, **dict(p.params))
                                     for p in spec.pointps}))
            if spec.parent is not None:
                sec["topol"] = Dict(parentSec=spec.parent, parentX=spec.parent_x,
                                    childX=spec.child_x)
            if live is not None:
                sec["hObj"] = live.secs[spec.name]
            out[spec.name] = sec
        return out

    @property
    def conns(self) -> list:
        """The cell's incoming connections, then (as NetPyNE lists them) the synapses its
        spike-source stimuli drive (preGid 'NetStim', preLabel the source); with NEURON
        live, each has its NetCon (hObj)."""
        return conn_index(self._session).of(self.gid)

    @property
    def stims(self) -> list:
        """The cell's stimuli; with NEURON live, each has its source object (hObj) and, for
        spike sources, the NetCon that delivers them (hNetcon)."""
        net, model = self._session.network, self._session.model
        s = net.stims
        rows = np.flatnonzero(s.gid == self.gid)
        out = [Dict(source=net.stim_sources[s.source[i]].label,
                    type=net.stim_sources[s.source[i]].type,
                    label=net.stim_rules[s.rule[i]], sec=_section(net, s.sec[i]),
                    loc=float(s.loc[i]), synMech=_syn_mech(net, s.syn_mech[i]),
                    weight=float(s.weight[i]), delay=float(s.delay[i])) for i in rows]
        if model is not None and model.stimuli is not None:
            for stim, row in zip(out, rows.tolist()):
                if row not in model.stimuli.by_row:
                    continue  # another rank's cell
                source, netcon = model.stimuli.by_row[row]
                stim["hObj"] = source
                if netcon is not None:
                    stim["hNetcon"] = netcon
        return out

    def __repr__(self):
        return f"Cell(gid={self.gid}, pop={self.tags['pop']!r})"


class ConnIndex:
    """Every cell's incoming connections, ready to hand out: the connection table's rows
    grouped by postsynaptic cell and its columns as Python values (labels resolved), made
    once per network and NEURON instance. A cell's list is then a slice of each column,
    not a search of the whole table (NetPyNE users walk ``cell.conns`` of every cell).
    After them come the cell's spike-source stimuli (StimIndex), as in NetPyNE."""

    def __init__(self, network, model):
        self.network, self.model = network, model
        self.stims = StimIndex(network, model)
        c = network.conns
        order = np.argsort(c.post_gid, kind="stable")
        counts = np.bincount(c.post_gid, minlength=network.num_cells)
        self._bounds = np.concatenate([[0], np.cumsum(counts)]).tolist()
        sections = np.array([*network.section_names, None], dtype=object)  # -1: None
        mechs = np.array([*(m.user_label for m in network.syn_mechs), None], dtype=object)
        rules = np.array(network.conn_rules, dtype=object)
        self._columns = (c.pre_gid[order].tolist(), sections[c.sec[order]].tolist(),
                         c.loc[order].tolist(), mechs[c.syn_mech[order]].tolist(),
                         c.weight[order].tolist(), c.delay[order].tolist(),
                         rules[c.rule[order]].tolist() if len(order) else [])
        self._netcons = self._complete = self._plast = self._stdp = None
        where = None
        if model is not None and model.netcons is not None:
            netcons = [*model.netcons, None]  # one pass over the hoc List; None: no NetCon
            rows = model.netcon_rows
            if len(rows) == len(order):  # every row has its NetCon (one rank, no pointers)
                where, found = order, np.ones(len(order), bool)
            else:
                where = np.searchsorted(rows, order)
                found = where < len(rows)
                found[found] = rows[where[found]] == order[found]
                where[~found] = len(rows)
            self._netcons = [netcons[i] for i in where.tolist()]
            # cells all of whose connections have a NetCon (this rank's)
            missing = np.concatenate([[0], np.cumsum(~found)])
            self._complete = (missing[counts.cumsum()] == missing[counts.cumsum() - counts]
                              ).tolist()
        if any(p is not None for p in network.conn_plasticity):
            self._index_plasticity(network, model, order, where)

    def _index_plasticity(self, network, model, order, where) -> None:
        """Per connection (in this index's order), its rule's 'plast' and, for a live
        STDP, NetPyNE's hSTDP, hSTDPprecon and hSTDPpstcon."""
        plast = [None if p is None else {"mech": p.mech, "params": dict(p.params)}
                 for p in network.conn_plasticity]
        plast += [None] * (len(network.conn_rules) - len(plast))
        self._plast = [plast[r] for r in network.conns.rule[order].tolist()]
        wiring = model.plasticity if model is not None else None
        if wiring is not None and where is not None:
            self._stdp = [wiring.stdp_of_netcon.get(i) for i in where.tolist()]

    def fits(self, network, model) -> bool:
        """Whether this index is of ``network`` as ``model`` instantiates it now.

        Parameters
        ----------
        network : model.Network
            The session's network.
        model : engine.NeuronModel or None
            Its NEURON instance.

        Returns
        -------
        bool
        """
        return network is self.network and model is self.model and (
            model is None or self._netcons is not None or model.netcons is None) and (
            self.stims.fits(model))

    def of(self, gid: int) -> list:
        """The connections onto a cell, as the tutorial's Dicts (new ones each time).

        Parameters
        ----------
        gid : int
            The postsynaptic cell.

        Returns
        -------
        list of specs.Dict
            preGid, sec, loc, synMech, weight, delay, label and, for a cell of this rank
            with NEURON live, hObj (its NetCon); then the cell's spike-source stimuli
            (see StimIndex.of).
        """
        start, stop = self._bounds[gid], self._bounds[gid + 1]
        columns = [column[start:stop] for column in self._columns]
        netcons = None if self._netcons is None else self._netcons[start:stop]
        new, fill = Dict.__new__, dict.__init__  # the values are plain: no conversion
        out = []
        if netcons is not None and self._complete[gid]:  # a cell of this rank
            for p, s, l, m, w, d, r, h in zip(*columns, netcons):
                conn = new(Dict)
                fill(conn, preGid=p, sec=s, loc=l, synMech=m, weight=w, delay=d, label=r,
                     hObj=h)
                out.append(conn)
        else:
            for p, s, l, m, w, d, r in zip(*columns):
                conn = new(Dict)
                fill(conn, preGid=p, sec=s, loc=l, synMech=m, weight=w, delay=d, label=r)
                out.append(conn)
            for conn, netcon in zip(out, netcons or ()):
                if netcon is not None:
                    dict.__setitem__(conn, "hObj", netcon)
        if self._plast is not None:
            self._add_plasticity(out, start, stop)
        if self.stims.has(gid):
            out.extend(self.stims.of(gid))
        return out


    def _add_plasticity(self, conns, start, stop) -> None:
        stdp = self._stdp[start:stop] if self._stdp is not None else [None] * (stop - start)
        for conn, plast, live in zip(conns, self._plast[start:stop], stdp):
            if plast is not None:
                dict.__setitem__(conn, "plast", Dict(plast))
            if live is not None:
                for key, obj in zip(("hSTDP", "hSTDPprecon", "hSTDPpstcon"), live):
                    dict.__setitem__(conn, key, obj)


class StimIndex:
    """The synapses every cell's spike-source stimuli (NetStim, VecStim) drive, grouped by
    cell, as NetPyNE lists them in ``cell.conns`` after the cell's connections: in the
    order of stimTargetParams, then synMech, then synapse. NetPyNE's keys: preGid (the source's type,
    'NetStim'), sec, loc, synMech, weight, delay, preLoc (0.5), preLabel (the source's
    label), and hObj, the NetCon, for a cell of this rank with NEURON live; no 'label'.
    With NEURON live they appear once the stimuli are added (sim.net.addStims), as there.
    """

    def __init__(self, network, model):
        self._stimuli = None if model is None else model.stimuli
        s = network.stims
        shown = model is None or model.stimuli is not None
        rows = conn_stim_rows(network) if shown else np.empty(0, dtype=np.int64)
        counts = np.bincount(s.gid[rows], minlength=network.num_cells)
        self._any = (counts > 0).tolist()
        self._bounds = np.concatenate([[0], np.cumsum(counts)]).tolist()
        sections = np.array([*network.section_names, None], dtype=object)  # -1: None
        mechs = np.array([*(m.user_label for m in network.syn_mechs), None], dtype=object)
        sources = network.stim_sources
        self._columns = (
            [sources[i].type for i in s.source[rows].tolist()],
            sections[s.sec[rows]].tolist(), s.loc[rows].tolist(),
            mechs[s.syn_mech[rows]].tolist(), s.weight[rows].tolist(),
            s.delay[rows].tolist(), [sources[i].label for i in s.source[rows].tolist()])
        by_row = {} if self._stimuli is None else self._stimuli.by_row
        self._netcons = [by_row.get(row, (None, None))[1] for row in rows.tolist()]

    def fits(self, model) -> bool:
        """Whether this index is of ``model``'s stimuli as they are now.

        Parameters
        ----------
        model : engine.NeuronModel or None
            The session's NEURON instance.

        Returns
        -------
        bool
        """
        return model is None or model.stimuli is self._stimuli

    def has(self, gid: int) -> bool:
        """Whether the cell ``gid`` has spike-source stimuli."""
        return self._any[gid]

    def of(self, gid: int) -> list:
        """The synapses the cell's spike-source stimuli drive, as NetPyNE's cell.conns
        lists them (new Dicts each time).

        Parameters
        ----------
        gid : int
            The stimulated cell.

        Returns
        -------
        list of specs.Dict
            preGid, sec, loc, synMech, weight, delay, preLoc, preLabel and, with the
            NetCon made on this rank, hObj.
        """
        start, stop = self._bounds[gid], self._bounds[gid + 1]
        out = []
        for (p, s, l, m, w, d, label), netcon in zip(
                zip(*(column[start:stop] for column in self._columns)),
                self._netcons[start:stop]):
            conn = Dict.__new__(Dict)
            dict.__init__(conn, preGid=p, sec=s, loc=l, synMech=m, weight=w, delay=d,
                          preLoc=0.5, preLabel=label)
            if netcon is not None:
                dict.__setitem__(conn, "hObj", netcon)
            out.append(conn)
        return out


def conn_stim_rows(network) -> np.ndarray:
    """The StimTable rows ``cell.conns`` lists after each cell's connections (those of
    spike sources: NetStim, VecStim), in that order: by cell, then as in the table.

    Parameters
    ----------
    network : model.Network
        The network whose stimuli are listed.

    Returns
    -------
    numpy.ndarray
        Row indices into ``network.stims``.
    """
    s = network.stims
    spiking = np.array([stim_type_of(src.type).spike_source for src in network.stim_sources]
                       + [False], dtype=bool)
    rows = np.flatnonzero(spiking[s.source]) if len(s) else np.empty(0, dtype=np.int64)
    return rows[np.argsort(s.gid[rows], kind="stable")]


def cell_view(session, gid: int) -> CellView:
    """The one view of a cell while the network stays the same: attributes a model sets on
    a cell (RL_arm's ``cell.prange``) are there when it reads the cell again, as on
    NetPyNE's cell objects.

    Parameters
    ----------
    session : Session
        The model the cell belongs to.
    gid : int
        The cell.

    Returns
    -------
    CellView
    """
    network, views = getattr(session, "cell_views", None) or (None, None)
    if network is not session.network:
        views = {}
        session.cell_views = (session.network, views)
    view = views.get(gid)
    if view is None:
        view = views[gid] = CellView(session, gid)
    return view


def conn_index(session) -> ConnIndex:
    """The session's ConnIndex, made anew when its network or NEURON instance changed.

    Parameters
    ----------
    session : Session
        The model whose connections are walked.

    Returns
    -------
    ConnIndex
    """
    index = getattr(session, "conn_index", None)
    if index is None or not index.fits(session.network, session.model):
        index = ConnIndex(session.network, session.model)
        session.conn_index = index
    return index


def _section(net, code):
    """Section name of a row; None for artificial cells, which have no sections."""
    return net.section_names[code] if code >= 0 else None


def _syn_mech(net, code):
    """synMech label of a row; None when an artificial cell receives the event itself or
    the stimulus is not synaptic."""
    return net.syn_mechs[code].user_label if code >= 0 else None
