"""The simulation config of a SONATA export, in BMTK 1.2.0's form and in the SONATA
specification's form (its twin, for libsonata and bluepysnap).

The two forms differ only in the inputs: BMTK runs spike inputs of module 'h5' with
'input_file' and current clamps of module 'IClamp' with 'amp'; libsonata accepts only the
specification's modules ('synapse_replay' with 'spike_file', 'linear' with 'amp_start')
and requires every input's delay and duration. Neither reads the other's form.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..sonata import conventions as sc
from ..specs import SimConfig


def simulation_config(network, cfg, inputs: dict, run_extra: dict, report_node_set) -> dict:
    """The simulation config (BMTK's form) of an exported run.

    Parameters
    ----------
    network : model.Network
    cfg : specs.SimConfig
        The run: duration, dt, hParams, seeds and sonataReports.
    inputs : dict
        The config's inputs, as the export wrote them.
    run_extra : dict
        More ``run`` keys the cells need (e.g. dL, see exporters/segmentation.py).
    report_node_set : callable
        ``(report name, gids) -> node set name``: adds the node set of a report's cells.

    Returns
    -------
    dict
    """
    hparams = {**SimConfig.DEFAULTS["hParams"], **dict(cfg.hParams)}
    used = set(network.cells.cell_type.tolist())
    thresholds = sorted({t.threshold for code, t in enumerate(network.cell_types)
                         if not t.is_artificial and code in used})
    if len(thresholds) > 1:  # SONATA's run has one spike_threshold
        warnings.warn(f"cells detect spikes at thresholds {thresholds} mV; the SONATA run "
                      f"says {thresholds[0]} mV for all of them", UserWarning, stacklevel=5)
    return {
        "manifest": {"$BASE_DIR": ".", "$OUTPUT_DIR": "$BASE_DIR/output",
                     "$INPUT_DIR": "$BASE_DIR/inputs"},
        "target_simulator": "NEURON",
        "network": "$BASE_DIR/circuit_config.json",
        "node_sets_file": "$BASE_DIR/node_sets.json",
        "run": {"tstop": float(cfg.duration), "dt": float(cfg.dt),
                "spike_threshold": thresholds[0] if thresholds else -15.0,
                "nsteps_block": 5000, **run_extra,
                # SONATA requires it; neuroloom's own seeds are below
                "random_seed": int(dict(cfg.seeds).get("stim", 0))},
        "conditions": {"celsius": float(hparams["celsius"]),
                       "v_init": float(hparams["v_init"])},
        "inputs": inputs,
        "output": {"output_dir": "$OUTPUT_DIR", "spikes_file": "spikes.h5",
                   "spikes_sort_order": "by_time", "log_file": "log.txt"},
        "reports": _reports(cfg, report_node_set),
        "neuroloom": {"seeds": {k: int(v) for k, v in dict(cfg.seeds).items()}},
    }


def _reports(cfg, report_node_set) -> dict:
    """simConfig.sonataReports as the config's reports: membrane reports, BMTK's synapse
    report (``sections: 'synapses'``) and clamp report (``sections: 'clamps'``)."""
    reports = {}
    for name, spec in dict(getattr(cfg, "sonataReports", {}) or {}).items():
        gids = np.asarray(sorted({int(g) for g in spec.get("cells", [])}), dtype=np.int64)
        report = {"cells": report_node_set(name, gids), "variable_name": spec["var"],
                  "module": "membrane_report", "sections": spec.get("sections", "soma"),
                  "file_name": spec.get("file", f"{name}.h5"),
                  # what libsonata requires of every report
                  "type": "compartment", "dt": float(cfg.dt),
                  "start_time": 0.0, "end_time": float(cfg.duration)}
        if spec.get("sections") == "synapses":  # BMTK's synapse report
            report.update(module="netcon_report", type="synapse", sections="all",
                          syn_type=spec.get("synType", "Exp2Syn"))
        elif spec.get("sections") == "clamps":  # BMTK's: the clamps' current
            # libsonata has no type for it; a summed current is the nearest it knows
            report.update(module="clamp_report", type="summation")
            del report["sections"]
        reports[name] = report
    return reports


def spec_form(simulation: dict) -> dict:
    """The simulation config in the SONATA specification's form, which libsonata checks:
    a spike input as module 'synapse_replay' with its file as 'spike_file', a current
    clamp (BMTK's module 'IClamp', 'amp') as module 'linear' with 'amp_start', and every
    input with the 'delay' and 'duration' libsonata requires (a spike file: the whole run).
    neuroloom's own inputs, which the specification has no form for, move to the
    config's 'neuroloom' block (the export warned about each)."""
    inputs, own = {}, {}
    for name, spec in simulation["inputs"].items():
        spec = dict(spec)
        if spec.get("input_type") == "spikes" and spec.get("module") in sc.SPIKE_MODULES:
            spec["module"] = "synapse_replay"
            spec["spike_file"] = spec.pop("input_file")
            spec.setdefault("delay", 0.0)
            spec.setdefault("duration", simulation["run"]["tstop"])
        elif spec.get("input_type") == "current_clamp" and spec.get("module") == "IClamp":
            spec["module"] = "linear"
            spec["amp_start"] = spec.pop("amp")
        else:
            own[name] = spec
            continue
        inputs[name] = spec
    neuroloom = dict(simulation.get("neuroloom", {}))
    if own:
        neuroloom["inputs"] = own
    return {**simulation, "inputs": inputs, "neuroloom": neuroloom}
