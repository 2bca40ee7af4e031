"""NetPyNE's own saved runs (``<name>_data.json`` and ``.pkl``) read as neuroloom runs.

NetPyNE saves ``netpyne_version``, ``net`` (``params``: the netParams; ``cells``: each
cell's gid, tags, secs, conns and stims; ``pops``: each population's tags and cellGids),
``simConfig`` and ``simData``. The network is made from what the file holds, not by
running the rules again: the cells where the file places them, the connections it lists
(each postsynaptic cell's ``conns``, as dicts or in the compactConnFormat lists its
simConfig names). The saved netParams give what the cells are made of (cell types,
synaptic mechanisms, stimulus sources) and the stimuli, placed by their rules; the weights
and delays of the NetStim stimuli are then the saved ones. What the file holds that
neuroloom does not use is named in a warning, never dropped silently.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np

from ..builder import build_network
from ..errors import FormatError
from ..model.network import Provenance
from ..model.tables import CellTable, ConnTable
from ..specs import NetParams, SimConfig
from ..specs.dicts import Dict, ODict
from ..specs.pickles import PlainDataUnpickler
from ..validate import validate
from ..validate.simconfig import compact_conn_format
from .saved_run import saved_sim_config
from .simdata import saved_sim_data

#: the keys of a connection in NetPyNE's cell.conns that the network keeps
CONN_KEYS = ("preGid", "preLabel", "sec", "loc", "synMech", "weight", "delay", "label")
#: keys NetPyNE writes that carry nothing a neuroloom connection lacks (the presynaptic
#: place of a spike-detecting connection is the cell's spike detector)
CONN_IDLE = ("preLoc", "preSec", "hObj", "weightIndex")
POSITION = ("x", "y", "z", "xnorm", "ynorm", "znorm")


class NetPyNEUnpickler(PlainDataUnpickler):
    """NetPyNE's pickles refer to its Dict classes (netpyne.specs.dicts.Dict, ODict and
    the *Params rule dicts): they become neuroloom's, so NetPyNE need not be installed.
    Any other NetPyNE object is an error naming it; anything that is not plain data is
    refused (specs/pickles.py)."""

    def netpyne_class(self, module, name):
        if name == "Dict":
            return Dict
        if name == "ODict" or name.endswith("Params"):
            return ODict
        raise FormatError(f"the pickle holds a NetPyNE object {module}.{name}, which "
                          "neuroloom cannot read")


def is_netpyne(payload) -> bool:
    """Whether a loaded payload is a run NetPyNE saved."""
    return isinstance(payload, dict) and "netpyne_version" in payload \
        and "neuroloom_version" not in payload


@dataclass(frozen=True)
class NetPyNERun:
    """A NetPyNE run: its specs, the saved network (None when the file holds no cells)
    and simData (None when not saved)."""

    net_params: NetParams | None
    sim_config: SimConfig
    network: object | None
    sim_data: Dict | None


def netpyne_run(payload: dict, where: str = "the file") -> NetPyNERun:
    """The run a NetPyNE payload holds.

    Parameters
    ----------
    payload : dict
        A NetPyNE data file's content (``results.save.load_payload``).
    where : str
        Names the file in messages.

    Returns
    -------
    NetPyNERun

    Raises
    ------
    FormatError
        It holds cells but not the netParams that say what they are, or connections that
        its netParams cannot place (an unknown section or synMech).
    SpecError
        Its netParams or simConfig are not a valid spec.
    """
    net = payload.get("net") or {}
    if not isinstance(net, dict):
        raise FormatError(f"{where}: its 'net' is a {type(net).__name__}, not a dict")
    cfg = saved_sim_config(payload, where, stacklevel=4)
    params = net.get("params")
    net_params = None if params is None else netpyne_net_params(params, net.get("pops"))
    network = None
    if "cells" in net:
        if net_params is None:
            raise FormatError(f"{where} holds NetPyNE cells but not the netParams that say "
                              "what they are made of: save it with 'netParams' in "
                              "saveDataInclude")
        network = netpyne_network(net, net_params, cfg, where)
    sim_data = saved_sim_data(payload["simData"], where) if "simData" in payload else None
    return NetPyNERun(net_params, cfg, network, sim_data)


def netpyne_sim_config(raw: dict) -> SimConfig:
    """A SimConfig of NetPyNE's saved one (without its private '_' attributes)."""
    return SimConfig(_public(raw))


def netpyne_net_params(raw: dict, pops=None) -> NetParams:
    """A NetParams of NetPyNE's saved one, without what NetPyNE added to the user's rules
    while building (each population's 'pop' label and the normalised range it derived from
    an absolute one; stimulus targets' None sec and loc) and its private attributes. The
    populations are put back in the order of their gids (``pops``: the file's net.pops),
    as NetPyNE does: a JSON file has them in alphabetical order."""
    params = _public(raw)
    if not any(dict(params.get("mapping") or {}).values()):  # empty: {'__dict__': {}}
        params.pop("mapping", None)
    size = {axis: params.get(f"size{axis.upper()}", 100.0) for axis in "xyz"}
    pops_saved, pops = pops, {}
    for label, pop in dict(params.get("popParams") or {}).items():
        pop = dict(pop)
        if pop.get("pop") == label:
            del pop["pop"]
        for axis in "xyz":
            given, derived = pop.get(f"{axis}Range"), pop.get(f"{axis}normRange")
            if given is not None and derived is not None and np.allclose(
                    np.asarray(given, float) / float(size[axis]), np.asarray(derived, float)):
                del pop[f"{axis}normRange"]
        pops[label] = pop
    first_gid = {label: min(pop.get("cellGids") or [np.inf]) for label, pop in
                 dict(pops_saved or {}).items()}
    pops = dict(sorted(pops.items(), key=lambda item: first_gid.get(item[0], np.inf)))
    if pops:
        params["popParams"] = ODict(pops)
    targets = dict(params.get("stimTargetParams") or {})
    if targets:
        params["stimTargetParams"] = ODict({label: {k: v for k, v in dict(rule).items()
                                                    if v is not None}
                                            for label, rule in targets.items()})
    return NetParams(params)


def _public(raw: dict) -> dict:
    return {k: v for k, v in dict(raw).items() if not str(k).startswith("_")}


def netpyne_network(net: dict, net_params, sim_config, where: str = "the file"):
    """The network of NetPyNE's saved cells and connections (see the module).

    Parameters
    ----------
    net : dict
        The file's ``net`` (cells, pops).
    net_params : specs.NetParams
        Its netParams (``netpyne_net_params``).
    sim_config : specs.SimConfig
        Its simConfig (seeds, compactConnFormat).
    where : str
        Names the file in messages.

    Returns
    -------
    model.Network

    Raises
    ------
    FormatError
        The cells differ from those the netParams make, or a connection names a section
        or synMech they lack.
    """
    spec, run, _ = validate(net_params, sim_config)
    built = build_network(replace(spec, conn_rules=(), sub_conn_rules=()), dict(run.seeds))
    cells = _saved_cells(net["cells"], where)
    _check_cells(cells, built, where)
    table = built.cells
    columns = {name: getattr(table, name) for name in CellTable.COLUMNS}
    for name in POSITION:
        columns[name] = np.array([float(c["tags"].get(name, columns[name][i]))
                                  for i, c in enumerate(cells)])
    fmt = compact_conn_format(getattr(sim_config, "compactConnFormat", False),
                              bool(spec.stim_targets))
    rules = [r.label for r in spec.conn_rules]
    conns, stim_conns, ignored = _conns(cells, fmt, built, rules, where)
    if ignored:
        warnings.warn(f"{where}: the connections' {', '.join(sorted(ignored))} are not "
                      "used by neuroloom", stacklevel=3)
    stims = _stims_as_saved(built, stim_conns, where)
    return replace(built, cells=CellTable(**columns, extra=table.extra), conns=conns,
                   stims=stims, conn_rules=tuple(rules),
                   provenance=Provenance(seeds=built.provenance.seeds,
                                         spec_hash=built.provenance.spec_hash,
                                         version=str(net.get("netpyne_version", "")),
                                         source="NetPyNE file"))


def _saved_cells(raw, where: str) -> list:
    """The saved cells by gid, each a dict with an integer gid and a tags dict."""
    if not isinstance(raw, (list, tuple)):
        raise FormatError(f"{where}: net['cells'] is a {type(raw).__name__}, not a list")
    cells = []
    for row, cell in enumerate(raw):
        if not isinstance(cell, dict) or not isinstance(cell.get("tags"), dict):
            raise FormatError(f"{where}: net['cells'][{row}] is not a cell (a dict with "
                              "'gid' and 'tags')")
        cells.append({**cell, "gid": _integer(cell.get("gid"), f"net['cells'][{row}].gid",
                                              where)})
    return sorted(cells, key=lambda c: c["gid"])


def _integer(value, what: str, where: str) -> int:
    """An integral number as int: a float gid 3.5, NaN or a string is an error, never
    truncated."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                      np.floating)):
        raise FormatError(f"{where}: {what}: {value!r} is not an integer")
    if isinstance(value, (float, np.floating)) and not (np.isfinite(value)
                                                        and float(value).is_integer()):
        raise FormatError(f"{where}: {what}: {value!r} is not an integer")
    return int(value)


def _number(conn: dict, key: str, what: str, where: str, low=None, high=None,
            default=None) -> float:
    """A connection's finite number, in [low, high] when given."""
    value = conn.get(key, default)
    if value is None:
        raise FormatError(f"{where}: {what} has no {key!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FormatError(f"{where}: {what}.{key}: {value!r} is not a number") from None
    if not np.isfinite(number) or (low is not None and number < low) or (
            high is not None and number > high):
        wanted = "finite" if low is None else (f"in [{low:g}, {high:g}]" if high is not None
                                               else f"finite and >= {low:g}")
        raise FormatError(f"{where}: {what}.{key}: {value!r} is not {wanted}")
    return number


def _check_cells(cells: list, built, where: str) -> None:
    if [int(c["gid"]) for c in cells] != list(range(len(cells))):
        raise FormatError(f"{where}: the saved cells' gids are not 0..{len(cells) - 1}")
    if len(cells) != built.num_cells:
        raise FormatError(f"{where} holds {len(cells)} cells; its netParams make "
                          f"{built.num_cells}")
    labels = [p.label for p in built.pops]
    for gid, cell in enumerate(cells):
        pop = cell["tags"].get("pop")
        if pop != labels[built.cells.pop[gid]]:
            raise FormatError(f"{where}: cell {gid} is in population {pop!r}; its netParams "
                              f"put it in {labels[built.cells.pop[gid]]!r}")


def _conns(cells, fmt, built, rules, where):
    """The ConnTable of the saved connections, the saved NetStim connections by cell, and
    the connection keys not used."""
    sections = {name: code for code, name in enumerate(built.section_names)}
    mechs = {}
    for code, mech in enumerate(built.syn_mechs):
        if not mech.variant_of:
            mechs.setdefault(mech.label, code)
    rule_code = {label: code for code, label in enumerate(rules)}
    rows, stim_conns, ignored = [], {}, set()
    for cell in cells:
        post = int(cell["gid"])
        default_sec = built.cell_type_of(post).default_sec
        for index, raw in enumerate(cell.get("conns", ())):
            what = f"cell {post} conns[{index}]"
            if fmt and isinstance(raw, (list, tuple)):
                conn = dict(zip(fmt, raw))
            elif isinstance(raw, dict):
                conn = dict(raw)
            else:
                raise FormatError(f"{where}: {what} is a {type(raw).__name__}, not a "
                                  "connection")
            ignored.update(k for k in conn if k not in CONN_KEYS and k not in CONN_IDLE)
            if isinstance(conn.get("preGid"), str):  # 'NetStim': a stimulus, by its source
                stim_conns.setdefault(post, []).append(conn)
                continue
            label = conn.get("label", "")
            if not isinstance(label, str):
                raise FormatError(f"{where}: {what}.label: {label!r} is not a rule label")
            if label not in rule_code:
                rule_code[label] = len(rules)
                rules.append(label)
            sec = conn.get("sec", default_sec)
            mech = conn.get("synMech")
            if not isinstance(sec, str) or not isinstance(mech, str):
                raise FormatError(f"{where}: {what}: sec {sec!r} and synMech {mech!r} are "
                                  "not names")
            if sec not in sections:
                raise FormatError(f"{where}: a connection onto cell {post} is on section "
                                  f"{sec!r}, which its cell type lacks")
            if mech not in mechs:
                raise FormatError(f"{where}: a connection onto cell {post} uses synMech "
                                  f"{mech!r}, which the netParams do not define")
            if built.syn_mechs[mechs[mech]].pointer is not None:
                raise FormatError(f"{where}: gap junctions and graded synapses (synMech "
                                  f"{mech!r}) of NetPyNE files are not read yet")
            pre = _integer(conn.get("preGid"), f"{what}.preGid", where)
            if not 0 <= pre < len(cells):
                raise FormatError(f"{where}: {what}.preGid: {pre} is not a gid of the "
                                  f"{len(cells)} cells")
            rows.append((pre, post, mechs[mech], _number(conn, "weight", what, where),
                         _number(conn, "delay", what, where, low=0.0), sections[sec],
                         _number(conn, "loc", what, where, 0.0, 1.0, default=0.5),
                         rule_code[label]))
    names = ("pre_gid", "post_gid", "syn_mech", "weight", "delay", "sec", "loc", "rule")
    if not rows:
        return ConnTable.empty(), stim_conns, ignored
    return ConnTable(**dict(zip(names, map(np.asarray, zip(*rows))))), stim_conns, ignored


def _stims_as_saved(built, stim_conns: dict, where: str):
    """The stimuli the rules place, with the saved weights, delays and locations of the
    NetStim connections (by cell and source, in order); a warning where the file and the
    rules disagree on how many there are."""
    stims = built.stims
    weight, delay, loc = stims.weight.copy(), stims.delay.copy(), stims.loc.copy()
    sources = np.array([s.label for s in built.stim_sources], dtype=object)
    spiking = stims.syn_mech >= 0
    differ = []
    for gid in sorted(set(stims.gid[spiking].tolist()) | set(stim_conns)):
        rows = np.flatnonzero(spiking & (stims.gid == gid))
        saved = stim_conns.get(gid, [])
        for label in set(sources[stims.source[rows]].tolist()) | {
                c.get("preLabel") for c in saved}:
            mine = rows[sources[stims.source[rows]] == label]
            theirs = [c for c in saved if c.get("preLabel") == label]
            if len(mine) != len(theirs):
                differ.append(f"cell {gid} '{label}': {len(theirs)} saved, {len(mine)} "
                              "placed")
                continue
            for row, conn in zip(mine.tolist(), theirs):
                what = f"cell {gid}'s connection from {label!r}"
                weight[row] = _number(conn, "weight", what, where)
                delay[row] = _number(conn, "delay", what, where, low=0.0)
                loc[row] = _number(conn, "loc", what, where, 0.0, 1.0, default=loc[row])
    if differ:
        warnings.warn(f"{where}: the stimuli the netParams place differ from the saved ones "
                      f"({'; '.join(differ[:5])}{'...' if len(differ) > 5 else ''}): the "
                      "placed ones are used", stacklevel=4)
    return type(stims)(**{**stims.columns(), "weight": weight, "delay": delay, "loc": loc},
                       extra=stims.extra)
