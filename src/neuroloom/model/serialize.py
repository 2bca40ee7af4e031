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
        cells=CellTable(**data["cells"]), conns=ConnTable(**data["conns"]),
        stims=StimTable(**data["stims"]),
        pops=tuple(Population(**p) for p in data["pops"]),
        cell_types=tuple(_cell_type_from_dict(t) for t in data["cellTypes"]),
        syn_mechs=tuple(SynMech(label=m["label"], mod=m["mod"], params=_pairs(m["params"]))
                        for m in data["synMechs"]),
        stim_sources=tuple(StimSource(label=s["label"], type=s["type"],
                                      params=_pairs(s["params"]))
                           for s in data["stimSources"]),
        section_names=tuple(data["sectionNames"]), conn_rules=tuple(data["connRules"]),
        stim_rules=tuple(data["stimRules"]), size=tuple(data["size"]),
        provenance=Provenance(**prov))


def _columns(table) -> dict:
    return {name: column.tolist() for name, column in table.columns().items()}


def _params_entry(entry) -> dict:
    out = asdict(entry)
    out["params"] = [list(p) for p in entry.params]  # pairs keep their order
    return out


def _pairs(items) -> tuple:
    return tuple((str(k), v) for k, v in items)


def _cell_type_to_dict(cell_type: CellType) -> dict:
    out = asdict(cell_type)
    out["sections"] = [{**asdict(s), "mechs": [[m, [list(p) for p in params]]
                                                for m, params in s.mechs]}
                       for s in cell_type.sections]
    return out


def _cell_type_from_dict(data: dict) -> CellType:
    sections = tuple(
        Section(**{**s, "mechs": tuple((m, _pairs(params)) for m, params in s["mechs"])})
        for s in data["sections"])
    return CellType(**{**data, "sections": sections})
