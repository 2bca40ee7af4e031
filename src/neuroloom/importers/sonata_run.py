"""A SONATA simulation config -> the SimConfig that runs it: run and conditions, outputs
(spike file, reports) and, for circuits neuroloom exported, the seeds it used."""
from __future__ import annotations

from ..errors import FormatError
from ..sonata import conventions as sc
from ..specs import SimConfig

REPORT_SECTIONS = ("soma", "all")


def sim_config(config, node_sets) -> SimConfig:
    sim = config.simulation or {}
    where = str(config.simulation_path)
    cfg = SimConfig()
    cfg.saveJson = False
    cfg.saveSpikesSonata = False
    cfg.recordTraces = {}
    cfg.analysis = {}
    run = sim.get("run", {})
    if run.get("tstart", 0):
        raise FormatError(f"{where}: run.tstart {run['tstart']} (a start after 0) is not "
                          "supported")
    cfg.duration = float(run.get("tstop", cfg.duration))
    cfg.dt = float(run.get("dt", cfg.dt))
    cfg.recordStep = cfg.dt
    conditions = sim.get("conditions", {})
    unknown = sorted(set(conditions) - set(sc.CONDITIONS))
    if unknown:
        raise FormatError(f"{where}: conditions {unknown} are not supported "
                          f"({', '.join(sc.CONDITIONS)})")
    cfg.hParams = {**cfg.hParams, **{sc.CONDITIONS[k]: float(v) for k, v in conditions.items()}}
    extra = sim.get("neuroloom", {})
    if "seeds" in extra:
        cfg.seeds = dict(extra["seeds"])
    output = sim.get("output", {})
    if output:
        cfg.saveFolder = output.get("output_dir", ".")
        order = output.get("spikes_sort_order", "time")
        if order not in ("time", "none"):
            raise FormatError(f"{where}: output.spikes_sort_order {order!r}: spikes are "
                              "written sorted by time")
        cfg.saveSpikesSonata = output.get("spikes_file", "spikes.h5")
    cfg.sonataReports = {name: _report(name, spec, f"{where}: reports['{name}']", node_sets,
                                       cfg)
                         for name, spec in (sim.get("reports") or {}).items()}
    return cfg


def _report(name, spec, where, node_sets, cfg) -> dict:
    module = spec.get("module", spec.get("type"))
    if module not in ("membrane_report", "compartment"):
        raise FormatError(f"{where}: report module {module!r} is not supported "
                          "(membrane_report, compartment)")
    sections = spec.get("sections", "soma")
    if sections not in REPORT_SECTIONS:
        raise FormatError(f"{where}: sections {sections!r} (supported: soma, all)")
    for key, default in (("start_time", 0.0), ("end_time", cfg.duration), ("dt", cfg.dt)):
        if key in spec and float(spec[key]) != default:
            raise FormatError(f"{where}: {key} {spec[key]} differs from the run's {default}; "
                              "reports cover the whole run at its dt")
    if "variable_name" not in spec or "cells" not in spec:
        raise FormatError(f"{where}: a report needs cells and variable_name")
    return {"cells": node_sets.gids(spec["cells"], where).tolist(),
            "var": spec["variable_name"], "sections": sections,
            "file": spec.get("file_name", f"{name}.h5"),
            "units": spec.get("unit", sc.UNITS.get(spec["variable_name"], ""))}
