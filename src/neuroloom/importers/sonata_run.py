"""A SONATA simulation config -> the SimConfig that runs it: run and conditions, outputs
(spike file, reports) and, for circuits neuroloom exported, the seeds it used.

The spike file's settings BMTK reads (``spikes_sort_order``; only simulated populations,
virtual ones when the neuroloom extension asks) are in ``spikes_output``, and the
extracellular (``ecp``) reports in ``ecp_reports``: their writers take them from there.
"""
from __future__ import annotations

import csv
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..sonata import conventions as sc
from ..specs import SimConfig

REPORT_SECTIONS = ("soma", "all")
#: BMTK's names of a spike file's order -> SONATA's ``sorting``
SORT_ORDERS = {"time": "by_time", "by_time": "by_time", "id": "by_id", "by_id": "by_id",
               "node_id": "by_id", "gid": "by_id", "none": "none", "na": "none"}
MEMBRANE_MODULES = ("membrane_report", "compartment")
SYNAPSE_MODULE = "netcon_report"  # BMTK's synapse report: a variable of each synapse
CLAMP_MODULE = "clamp_report"  # BMTK's: the current of each clamp
CLAMP_VARIABLES = {"se": "voltage clamps", "ic": "current clamps"}
ECP_MODULES = ("extracellular", "ecp")
ECP_SIGMA = 0.3  # S/m: the conductivity BMTK's extracellular report uses (fixed there)
ELECTRODE_COLUMNS = ("x_pos", "y_pos", "z_pos")


@dataclass(frozen=True)
class SpikesOutput:
    """The spike file a simulation config asks for."""

    path: Path
    sort_order: str  # 'by_time', 'by_id' or 'none'
    virtual: bool  # also the spikes virtual nodes replay (neuroloom.virtual_spikes)


@dataclass(frozen=True)
class EcpReport:
    """An extracellular report: the potential at electrodes from the cells' membrane
    currents (BMTK's module ``extracellular``)."""

    name: str
    path: Path
    gids: np.ndarray  # the cells whose currents count
    channels: np.ndarray  # the electrodes' channel ids
    electrodes: np.ndarray  # (n, 3) positions in um, in the circuit's frame
    sigma: float = ECP_SIGMA


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
        _sort_order(output, where)
        cfg.saveSpikesSonata = output.get("spikes_file", "spikes.h5")
    reports = sim.get("reports") or {}
    cfg.sonataReports = {name: _report(name, spec, f"{where}: reports['{name}']", node_sets,
                                       cfg)
                         for name, spec in reports.items() if _module(spec) not in ECP_MODULES}
    if any(r.get("sections") == "synapses" for r in cfg.sonataReports.values()):
        cfg.oneSynPerNetcon = True  # BMTK's synapses: one per NetCon, each reported
    ecp = ecp_reports(config, node_sets)
    if ecp:  # every ecp report is computed from one LFP recording of all electrodes
        # recordLFP's y is depth (NEURON's -y); BMTK's electrodes are in NEURON's frame
        electrodes = np.concatenate([r.electrodes for r in ecp]) * np.array([1.0, -1.0, 1.0])
        cfg.recordLFP = electrodes.tolist()
        cfg.lfpSigma = ECP_SIGMA
        cfg.saveLFPCells = sorted({int(g) for r in ecp for g in r.gids})
    return cfg


def spikes_output(config) -> SpikesOutput | None:
    """The spike file the simulation config asks for (None when it has no ``output``).

    Parameters
    ----------
    config : sonata.files.Config
        The loaded circuit and simulation config.

    Returns
    -------
    SpikesOutput or None
        Its path (``spikes_file`` in ``output_dir`` unless absolute), the sort order
        (``spikes_sort_order``; BMTK's default 'none') as SONATA names it, and whether
        virtual populations are written too (BMTK never writes them; the neuroloom
        extension ``"neuroloom": {"virtual_spikes": true}`` asks for them).
    """
    sim = config.simulation or {}
    output = sim.get("output") or {}
    if not output:
        return None
    where = str(config.simulation_path)
    virtual = (sim.get("neuroloom") or {}).get("virtual_spikes", False)
    if not isinstance(virtual, bool):
        raise FormatError(f"{where}: neuroloom.virtual_spikes must be true or false, not "
                          f"{virtual!r}")
    folder = Path(output.get("output_dir", "."))
    return SpikesOutput(folder / output.get("spikes_file", "spikes.h5"),
                        _sort_order(output, where), virtual)


def ecp_reports(config, node_sets) -> list[EcpReport]:
    """The extracellular reports of the simulation config (module ``extracellular``).

    Raises
    ------
    FormatError
        Naming the report key and file: a missing or malformed electrode_positions file,
        unknown channels, options BMTK has that are not supported.
    """
    sim = config.simulation or {}
    folder = Path((sim.get("output") or {}).get("output_dir", "."))
    out = []
    for name, spec in (sim.get("reports") or {}).items():
        if _module(spec) not in ECP_MODULES:
            continue
        where = f"{config.simulation_path}: reports['{name}']"
        for key in ("contributions_dir", "cell_bounds", "file_name_nwb"):
            if spec.get(key) is not None:
                raise FormatError(f"{where}: {key} is not supported for an extracellular "
                                  "report")
        if spec.get("minimum_distance") not in (None, False, 0):
            raise FormatError(f"{where}: minimum_distance {spec['minimum_distance']!r} is "
                              "not supported (BMTK's default, none, is)")
        if "electrode_positions" not in spec:
            raise FormatError(f"{where}: an extracellular report needs electrode_positions")
        channels, electrodes = read_electrodes(Path(spec["electrode_positions"]),
                                               f"{where}.electrode_positions")
        wanted = spec.get("electrode_channels", "all")
        if wanted != "all":
            wanted = np.atleast_1d(np.asarray(wanted))
            missing = sorted(set(wanted.tolist()) - set(channels.tolist()))
            if missing:
                raise FormatError(f"{where}: electrode_channels {missing} are not in "
                                  f"{spec['electrode_positions']}")
            keep = np.isin(channels, wanted)
            channels, electrodes = channels[keep], electrodes[keep]
        if "cells" not in spec:
            raise FormatError(f"{where}: a report needs cells")
        file = Path(spec.get("file_name", f"{name}.h5"))
        out.append(EcpReport(name, folder / file, node_sets.gids(spec["cells"], where),
                             channels, electrodes))
    return out


def read_electrodes(path: Path, where: str) -> tuple[np.ndarray, np.ndarray]:
    """(channel ids, (n, 3) positions) of a BMTK electrode file: space-separated columns
    ``channel x_pos y_pos z_pos``."""
    if not path.is_file():
        raise FormatError(f"{where}: no file {path}")
    with open(path, newline="") as f:
        rows = [row for row in csv.reader(f, delimiter=" ", skipinitialspace=True) if row]
    if not rows:
        raise FormatError(f"{where}: {path} is empty")
    header, body = rows[0], rows[1:]
    missing = [c for c in ("channel", *ELECTRODE_COLUMNS) if c not in header]
    if missing:
        raise FormatError(f"{where}: {path} lacks the columns {missing} (has {header})")
    try:
        table = np.array([[float(row[header.index(c)]) for c in ("channel",
                                                                   *ELECTRODE_COLUMNS)]
                          for row in body], dtype=float).reshape(-1, 4)
    except (ValueError, IndexError) as error:
        raise FormatError(f"{where}: {path}: {error}") from None
    return table[:, 0].astype(np.int64), table[:, 1:]


def _module(spec) -> str | None:
    return spec.get("module", spec.get("type"))


def _sort_order(output, where) -> str:
    order = output.get("spikes_sort_order", "none")  # BMTK's default
    if order not in SORT_ORDERS:
        raise FormatError(f"{where}: output.spikes_sort_order {order!r} (BMTK reads "
                          f"{', '.join(SORT_ORDERS)})")
    return SORT_ORDERS[order]


def _report(name, spec, where, node_sets, cfg) -> dict:
    module = _module(spec)
    if module == CLAMP_MODULE:
        return _clamp_report(name, spec, where, node_sets)
    if module not in (*MEMBRANE_MODULES, SYNAPSE_MODULE):
        raise FormatError(f"{where}: report module {module!r} is not supported "
                          f"({', '.join(MEMBRANE_MODULES + ECP_MODULES)}, {SYNAPSE_MODULE}, "
                          f"{CLAMP_MODULE})")
    sections = spec.get("sections", "soma")
    if module == SYNAPSE_MODULE:  # BMTK reads no sections there: every synapse
        sections = "synapses"
    elif sections not in REPORT_SECTIONS:
        raise FormatError(f"{where}: sections {sections!r} (supported: soma, all)")
    for key, default in (("start_time", 0.0), ("end_time", cfg.duration), ("dt", cfg.dt)):
        if key in spec and float(spec[key]) != default:
            raise FormatError(f"{where}: {key} {spec[key]} differs from the run's {default}; "
                              "reports cover the whole run at its dt")
    if "variable_name" not in spec or "cells" not in spec:
        raise FormatError(f"{where}: a report needs cells and variable_name")
    report = {"cells": node_sets.gids(spec["cells"], where).tolist(),
              "var": spec["variable_name"], "sections": sections,
              "file": spec.get("file_name", f"{name}.h5"),
              "units": spec.get("unit", sc.UNITS.get(spec["variable_name"], ""))}
    if not report["units"]:  # a unit the writer knows (g: uS), or none
        del report["units"]
    if module == SYNAPSE_MODULE:
        syn_type = spec.get("syn_type", "Exp2Syn")  # BMTK's default
        if not isinstance(syn_type, str) or not syn_type:
            raise FormatError(f"{where}.syn_type: {syn_type!r} is not a synapse class name "
                              "(Exp2Syn, BMTK's default)")
        if syn_type == "netcon":
            raise FormatError(f"{where}.syn_type: 'netcon' (BMTK records a variable of the "
                              "NetCons themselves) is not supported; name a synapse class")
        report["synType"] = syn_type
    return report


def _clamp_report(name, spec, where, node_sets) -> dict:
    """BMTK's clamp_report: the current of every clamp of a kind (variable_name 'se':
    voltage clamps, 'ic': current clamps), one column each."""
    variable = spec.get("variable_name")
    if variable not in CLAMP_VARIABLES:
        raise FormatError(f"{where}.variable_name: {variable!r} (a clamp report records "
                          f"{', '.join(f'{k} ({v})' for k, v in CLAMP_VARIABLES.items())}; "
                          f"BMTK's f_ic, file current clamps, is not supported)")
    warnings.warn(f"{where}: neuroloom writes the current of each of the "
                  f"{CLAMP_VARIABLES[variable]} (nA, one column each); BMTK 1.2.0 writes "
                  "this file with no column for the clamps of its SEClamp and IClamp input "
                  "modules (its clamp report sees only clamps made through its older "
                  "attach_* calls)", UserWarning, stacklevel=2)
    cells = spec.get("cells", "all")
    return {"cells": node_sets.gids(cells, where).tolist(), "var": variable,
            "sections": "clamps", "file": spec.get("file_name", f"{name}.h5"),
            "units": "nA"}
