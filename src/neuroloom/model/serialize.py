"""Network <-> plain dicts of lists (for JSON and pickle), losslessly."""
from __future__ import annotations

from dataclasses import asdict

from ..errors import FormatError
from .catalog import (Artificial, CellTemplate, CellType, Plasticity, PointProcess, Pointer,
                      Population, Section, StimSource, SynMech)
from .network import Network, Provenance
from .rxd import rxd_from_dict, rxd_to_dict
from .saved_checks import check_network_dict
from .tables import CellTable, ConnTable, SpikeTrains, StimTable

FORMAT = "neuroloom-network/1"


def network_to_dict(network: Network, arrays: bool = False) -> dict:
    """Plain dicts; the tables' columns as lists, or with ``arrays`` as numpy arrays (for
    HDF5, without a Python object per value)."""
    column = (lambda values: values) if arrays else (lambda values: values.tolist())
    return {
        "format": FORMAT,
        **catalogs_to_dict(network),
        "cells": _columns(network.cells, column),
        "conns": _columns(network.conns, column),
        "stims": _columns(network.stims, column),
        "spikeTrains": _trains(network.spike_trains, column),
        "stimTrains": _trains(network.stim_trains, column),
        "provenance": {**asdict(network.provenance),
                       "seeds": dict(network.provenance.seeds)},
    }


def catalogs_to_dict(network: Network) -> dict:
    """The network's catalogs (everything but the tables and trains) as plain data."""
    return {
        "size": list(network.size),
        "pops": [asdict(p) for p in network.pops],
        "cellTypes": [_cell_type_to_dict(t) for t in network.cell_types],
        "synMechs": [_params_entry(m) for m in network.syn_mechs],
        "stimSources": [_params_entry(s) for s in network.stim_sources],
        "sectionNames": list(network.section_names),
        "connRules": list(network.conn_rules),
        "stimRules": list(network.stim_rules),
        "rxd": rxd_to_dict(network.rxd),
        "modFolders": list(network.mod_folders),
        "connPlasticity": [None if p is None else {"mech": p.mech, "params": _pairs_out(p.params)}
                           for p in network.conn_plasticity],
    }


def catalogs_from_dict(data: dict) -> dict:
    """Network keyword arguments of the catalogs ``catalogs_to_dict`` wrote."""
    return dict(
        pops=tuple(Population(**p) for p in data["pops"]),
        cell_types=tuple(_cell_type_from_dict(t) for t in data["cellTypes"]),
        syn_mechs=tuple(SynMech(label=m["label"], mod=m["mod"], params=_pairs_in(m["params"]),
                                pointer=None if m["pointer"] is None else Pointer(**m["pointer"]),
                                variant_of=m.get("variant_of", ""))
                        for m in data["synMechs"]),
        stim_sources=tuple(StimSource(label=s["label"], type=s["type"],
                                      params=_pairs_in(s["params"]),
                                      param_functions=_pairs_in(s["param_functions"]),
                                      neuron_class=s.get("neuron_class", ""))
                           for s in data["stimSources"]),
        section_names=tuple(data["sectionNames"]), conn_rules=tuple(data["connRules"]),
        stim_rules=tuple(data["stimRules"]), size=tuple(data["size"]),
        rxd=rxd_from_dict(data.get("rxd")), mod_folders=tuple(data.get("modFolders", ())),
        conn_plasticity=tuple(None if p is None else Plasticity(p["mech"], _pairs_in(p["params"]))
                              for p in data.get("connPlasticity", ())))


def network_from_dict(data: dict, where: str = "the saved network") -> Network:
    """The Network a saved dict holds, checked first (model/saved_checks.py).

    Parameters
    ----------
    data : dict
        ``network_to_dict``'s output, as a file gave it back.
    where : str
        Names the file in messages.

    Returns
    -------
    Network

    Raises
    ------
    FormatError
        It is not a saved network, or a catalog, table, column or value is missing, of the
        wrong type or out of range (the message names file, table, column and row).
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise FormatError(f"{where}: not a saved neuroloom network (format {found!r}, "
                          f"expected {FORMAT!r})")
    check_network_dict(data, where)
    try:
        prov = dict(data["provenance"])
        prov["seeds"] = tuple(sorted((k, int(v)) for k, v in prov["seeds"].items()))
        return Network(
            cells=_table(CellTable, data["cells"]), conns=_table(ConnTable, data["conns"]),
            stims=_table(StimTable, data["stims"]), **catalogs_from_dict(data),
            spike_trains=SpikeTrains(**data["spikeTrains"]),
            stim_trains=SpikeTrains(**data["stimTrains"]),
            provenance=Provenance(**prov))
    except FormatError:
        raise
    # a catalog entry without a key it needs, or of another type
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        raise FormatError(f"{where}: the saved network's catalogs are damaged "
                          f"({type(err).__name__}: {err})") from None


def _columns(table, column) -> dict:
    out = {name: column(values) for name, values in table.columns().items()}
    out["extra"] = {name: column(values) for name, values in table.extra.items()}
    return out


def _trains(trains, column) -> dict:
    return {"gids": column(trains.gids), "bounds": column(trains.bounds),
            "times": column(trains.times)}


def _table(cls, columns: dict):
    columns = dict(columns)
    extra = columns.pop("extra", {})
    return cls(**columns, extra=extra)


def _params_entry(entry) -> dict:
    out = asdict(entry)
    out["params"] = _pairs_out(entry.params)  # pairs keep their order
    if "param_functions" in out:
        out["param_functions"] = _pairs_out(entry.param_functions)
    return out


def _pairs_out(items) -> list:
    return [[k, list(v) if isinstance(v, tuple) else v] for k, v in items]


def _pairs_in(items) -> tuple:
    return tuple((str(k), tuple(v) if isinstance(v, list) else v) for k, v in items)


def _cell_type_to_dict(cell_type: CellType) -> dict:
    return {
        "label": cell_type.label, "variant_of": cell_type.variant_of,
        "place_pt3d": cell_type.place_pt3d,
        "spike_sec": cell_type.spike_sec,
        "spike_loc": cell_type.spike_loc, "threshold": cell_type.threshold,
        "sec_lists": [[name, list(members)] for name, members in cell_type.sec_lists],
        "globals": _pairs_out(cell_type.globals),
        "artificial": None if cell_type.artificial is None else {
            "mod": cell_type.artificial.mod,
            "params": _pairs_out(cell_type.artificial.params),
            "seed": cell_type.artificial.seed},
        "sections": [_section_to_dict(s) for s in cell_type.sections],
        "template": None if cell_type.template is None else {
            "kind": cell_type.template.kind, "params": _pairs_out(cell_type.template.params),
            "section_names": list(cell_type.template.section_names),
            "mechanisms": list(cell_type.template.mechanisms)},
    }


def _section_to_dict(sec: Section) -> dict:
    return {
        **{k: getattr(sec, k) for k in ("name", "diam", "L", "Ra", "cm", "nseg", "parent",
                                        "parent_x", "child_x", "vinit")},
        "mechs": [[m, _pairs_out(params)] for m, params in sec.mechs],
        "pointps": [{"label": p.label, "mod": p.mod, "loc": p.loc,
                     "params": _pairs_out(p.params), "vref": p.vref,
                     "syn_list": list(p.syn_list)} for p in sec.pointps],
        "ions": [[ion, _pairs_out(params)] for ion, params in sec.ions],
        "pt3d": [list(point) for point in sec.pt3d],
    }


def _cell_type_from_dict(data: dict) -> CellType:
    artificial = data["artificial"]
    return CellType(
        label=data["label"], variant_of=data.get("variant_of", ""),
        place_pt3d=data.get("place_pt3d", True),
        spike_sec=data["spike_sec"], spike_loc=data["spike_loc"],
        threshold=data["threshold"],
        sec_lists=tuple((name, tuple(members)) for name, members in data["sec_lists"]),
        globals=_pairs_in(data["globals"]),
        artificial=None if artificial is None else Artificial(
            mod=artificial["mod"], params=_pairs_in(artificial["params"]),
            seed=artificial["seed"]),
        sections=tuple(_section_from_dict(s) for s in data["sections"]),
        template=_template_from_dict(data.get("template")))


def _template_from_dict(data) -> CellTemplate | None:
    if data is None:
        return None
    return CellTemplate(kind=data["kind"], params=_pairs_in(data["params"]),
                        section_names=tuple(data["section_names"]),
                        mechanisms=tuple(data["mechanisms"]))


def _section_from_dict(data: dict) -> Section:
    return Section(
        **{k: data[k] for k in ("name", "diam", "L", "Ra", "cm", "nseg", "parent", "parent_x",
                                "child_x", "vinit")},
        mechs=tuple((m, _pairs_in(params)) for m, params in data["mechs"]),
        pointps=tuple(PointProcess(label=p["label"], mod=p["mod"], loc=p["loc"],
                                   params=_pairs_in(p["params"]), vref=p["vref"],
                                   syn_list=tuple(p["syn_list"])) for p in data["pointps"]),
        ions=tuple((ion, _pairs_in(params)) for ion, params in data["ions"]),
        pt3d=tuple(tuple(point) for point in data["pt3d"]))
