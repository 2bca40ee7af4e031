"""Network <-> plain dicts of lists (for JSON and pickle), losslessly."""
from __future__ import annotations

from dataclasses import asdict

from ..errors import FormatError
from .catalog import CellType, Population, Section, StimSource, SynMech
from .network import Network, Provenance
from .tables import CellTable, ConnTable, StimTable

FORMAT = "neuroloom-network/1"


def network_to_dict(network: Network) -> dict:
    return {
        "format": FORMAT,
        "size": list(network.size),
        "pops": [asdict(p) for p in network.pops],
        "cellTypes": [_cell_type_to_dict(t) for t in network.cell_types],
        "synMechs": [_params_entry(m) for m in network.syn_mechs],
        "stimSources": [_params_entry(s) for s in network.stim_sources],
        "sectionNames": list(network.section_names),
        "connRules": list(network.conn_rules),
        "stimRules": list(network.stim_rules),
        "cells": _columns(network.cells),
        "conns": _columns(network.conns),
        "stims": _columns(network.stims),
        "provenance": {**asdict(network.provenance),
                       "seeds": dict(network.provenance.seeds)},
    }


def network_from_dict(data: dict) -> Network:
    if data.get("format") != FORMAT:
        raise FormatError(f"not a saved neuroloom network (format {data.get('format')!r}, "
                          f"expected {FORMAT!r})")
    prov = dict(data["provenance"])
    prov["seeds"] = tuple(sorted((k, int(v)) for k, v in prov["seeds"].items()))
    return Network(
        cells=_table(CellTable, data["cells"]), conns=_table(ConnTable, data["conns"]),
        stims=_table(StimTable, data["stims"]),
        pops=tuple(Population(**p) for p in data["pops"]),
        cell_types=tuple(_cell_type_from_dict(t) for t in data["cellTypes"]),
        syn_mechs=tuple(SynMech(label=m["label"], mod=m["mod"], params=_pairs(m["params"]))
                        for m in data["synMechs"]),
        stim_sources=tuple(StimSource(label=s["label"], type=s["type"],
                                      params=_pairs(s["params"]),
                                      param_functions=_pairs(s["param_functions"]))
                           for s in data["stimSources"]),
        section_names=tuple(data["sectionNames"]), conn_rules=tuple(data["connRules"]),
        stim_rules=tuple(data["stimRules"]), size=tuple(data["size"]),
        provenance=Provenance(**prov))


def _columns(table) -> dict:
    out = {name: column.tolist() for name, column in table.columns().items()}
    out["extra"] = {name: column.tolist() for name, column in table.extra.items()}
    return out


def _table(cls, columns: dict):
    columns = dict(columns)
    extra = columns.pop("extra", {})
    return cls(**columns, extra=extra)


def _params_entry(entry) -> dict:
    out = asdict(entry)
    out["params"] = [list(p) for p in entry.params]  # pairs keep their order
    if "param_functions" in out:
        out["param_functions"] = [list(p) for p in entry.param_functions]
    return out


def _pairs(items) -> tuple:
    return tuple((str(k), v) for k, v in items)


def _cell_type_to_dict(cell_type: CellType) -> dict:
    out = asdict(cell_type)
    out["sec_lists"] = [[name, list(members)] for name, members in cell_type.sec_lists]
    out["sections"] = [{**asdict(s), "mechs": [[m, [list(p) for p in params]]
                                                for m, params in s.mechs]}
                       for s in cell_type.sections]
    return out


def _cell_type_from_dict(data: dict) -> CellType:
    sections = tuple(
        Section(**{**s, "mechs": tuple((m, _pairs(params)) for m, params in s["mechs"])})
        for s in data["sections"])
    sec_lists = tuple((name, tuple(members)) for name, members in data["sec_lists"])
    return CellType(**{**data, "sections": sections, "sec_lists": sec_lists})
