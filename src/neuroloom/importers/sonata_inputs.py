"""SONATA inputs -> the virtual nodes' spike trains and the stimuli (current and voltage
clamps), read as BMTK (the reference simulator) reads the simulation config's ``inputs``:
every key its modules read is read here or refused with the key named.
"""
from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..model.catalog import StimSource
from ..model.stim_types import SONATA_INPUTS, STIM_TYPES
from ..model.tables import SpikeTrains, StimTable
from ..sonata import conventions as sc
from ..sonata.files import read_spike_file
from ..specs import SimConfig
from ..suggest import hint


# What BMTK 1.2.0 does with an input is chosen by its module (and, for IClamp, by its
# input_type); every key its modules read is read here or refused with the key named.
ICLAMP_INPUT_TYPES = ("current_clamp",)  # BMTK's IClamp also reads csv, file, nwb, allen
VOLTAGE_CLAMP_MODULE = "SEClamp"
#: BMTK's keys placing a clamp (and their defaults): the middle of soma[0]
CLAMP_PLACE = (("section_name", "soma"), ("section_index", 0), ("section_dist", 0.5))
#: BMTK 1.2.0's other input modules, which neuroloom does not run
OTHER_BMTK_MODULES = ("csv", "nwb", "function", "xstim", "comsol", "replay", "syn_activity",
                      "ecephys_probe")
#: input_type spikes modules BMTK reads
BMTK_SPIKE_MODULES = (*sc.SPIKE_MODULES, "csv", "nwb", "function")


def inputs(network, config, node_sets, layout, ext):
    """The network with the virtual cells' spike trains and the stimuli of the simulation
    config's inputs (of an exported circuit: its stimulus table).

    As BMTK 1.2.0 runs them: ``spikes`` (modules sonata, h5) replayed by the virtual nodes
    of the node set; an ``IClamp`` (input_type current_clamp; amp, delay and duration
    numbers or lists of one pulse each) at ``section_name[section_index](section_dist)``,
    by default the middle of the soma, of every cell of the node set that has sections:
    virtual nodes are skipped (BMTK puts clamps on the cells it simulates; build_env_bionet
    writes clamps on its node set ``all``), point cells are an error (BMTK fails on them);
    the env writer's ``gids`` key is ignored, as BMTK ignores it; a ``voltage_clamp``
    (module SEClamp) as ``_voltage_clamp`` says. An input's missing file,
    unknown module or bad value is a FormatError naming the config key
    (``inputs['LGN_spikes'].input_file``) and the path.
    """
    virtual = np.flatnonzero(np.isin(network.cells.cell_type, [
        i for i, t in enumerate(network.cell_types)
        if t.is_artificial and t.artificial.mod == "VecStim"]))
    trains = {int(g): [] for g in virtual}
    stims, sources, rules = [], [], []
    section_names = list(network.section_names)  # clamps may add the sections they use
    for name, spec in ((config.simulation or {}).get("inputs") or {}).items():
        where = f"{config.simulation_path}: inputs['{name}']"
        if not isinstance(spec, dict):
            raise FormatError(f"{where}: an input is an object with input_type and module, "
                              f"not {spec!r}")
        if ext and spec.get(sc.STIM_RULE) is not None:
            continue  # a stimulus of the exported network: in its stimulus table
        kind, module = spec.get("input_type"), spec.get("module")
        if kind == "spikes":
            _spike_input(spec, where, node_sets, layout, trains)
        elif kind == "current_clamp" and module is None or module == "IClamp":
            for stim, source in _current_clamps(name, spec, where, node_sets, network,
                                                len(sources), len(rules), section_names,
                                                set(virtual.tolist())):
                stims.append(stim)
                sources.append(source)
            rules.append(name)
        elif module == VOLTAGE_CLAMP_MODULE:
            for stim, source in _voltage_clamp(name, spec, where, node_sets, network,
                                               set(virtual.tolist()), len(sources),
                                               len(rules), section_names, _run(config)):
                stims.append(stim)
                sources.append(source)
            rules.append(name)
        else:
            _unknown_input(kind, module, where)
    gids = sorted(trains)
    spike_trains = SpikeTrains.from_lists(gids, [np.sort(np.concatenate(trains[g] or [[]]))
                                                 for g in gids]) if gids else SpikeTrains.empty()
    if ext:
        return replace(network, spike_trains=spike_trains, stims=ext["stims"],
                       stim_trains=ext["stim_trains"], stim_sources=ext["stim_sources"],
                       stim_rules=ext["stim_rules"])
    return replace(network, spike_trains=spike_trains, stims=StimTable.concat(stims),
                   stim_sources=tuple(sources), stim_rules=tuple(rules),
                   section_names=tuple(section_names))


def _run(config) -> tuple[float, float]:
    """(dt, tstop) of the simulation config's run (SimConfig's defaults where absent)."""
    run = (config.simulation or {}).get("run") or {}
    default = SimConfig()
    return float(run.get("dt", default.dt)), float(run.get("tstop", default.duration))


def _unknown_input(kind, module, where) -> None:
    modules = ("IClamp", VOLTAGE_CLAMP_MODULE, *sc.SPIKE_MODULES)
    if module in OTHER_BMTK_MODULES:
        raise FormatError(f"{where}.module: BMTK's module {module!r} is not supported "
                          f"(supported: {', '.join(modules)})")
    if module is None:
        raise FormatError(f"{where}: input_type {kind!r} without a module is not an input "
                          f"neuroloom or BMTK runs (modules: {', '.join(modules)})")
    raise FormatError(f"{where}.module: unknown input module {module!r} "
                      f"({hint(str(module), modules + OTHER_BMTK_MODULES)}; supported: "
                      f"{', '.join(modules)})")


def _spike_input(spec, where, node_sets, layout, trains) -> None:
    module, file_key = spec.get("module"), "input_file"
    if module == sc.SPEC_SPIKE_MODULE:  # the specification's form: the same, by other names
        if "input_file" in spec:
            raise FormatError(f"{where}: a {module} input names its file as "
                              f"{sc.SPEC_SPIKE_FILE}, not input_file")
        spec = {**{k: v for k, v in spec.items() if k != sc.SPEC_SPIKE_FILE},
                "module": "h5", "input_file": spec.get(sc.SPEC_SPIKE_FILE)}
        if spec["input_file"] is None:
            raise FormatError(f"{where}: a spike input needs {sc.SPEC_SPIKE_FILE}")
        module, file_key = "h5", sc.SPEC_SPIKE_FILE
    if module not in sc.SPIKE_MODULES:
        if module in BMTK_SPIKE_MODULES:
            raise FormatError(f"{where}.module: spike input module {module!r} is not "
                              f"supported ({', '.join(sc.SPIKE_MODULES)})")
        raise FormatError(f"{where}.module: unknown spike input module {module!r} "
                          f"({hint(str(module), BMTK_SPIKE_MODULES)}; supported: "
                          f"{', '.join(sc.SPIKE_MODULES)})")
    for key in ("input_file", "node_set"):
        if key not in spec:
            raise FormatError(f"{where}: a spike input needs {key}")
    path = Path(spec["input_file"])
    if not path.is_file():
        what = "a folder, not a spike file" if path.is_dir() else "file not found"
        raise FormatError(f"{where}.{file_key}: {path}: {what}")
    population = node_sets.population(spec["node_set"], where)
    if spec.get("population", population) != population:
        raise FormatError(f"{where}.population: {spec['population']!r} is not the population "
                          f"of node_set {spec['node_set']!r} ('{population}')")
    pop = layout[population]
    try:
        ids, times = read_spike_file(path, population)
    except FormatError as error:
        raise FormatError(f"{where}.{file_key}: {error}") from None
    except (OSError, RuntimeError, KeyError, TypeError, ValueError,
            AttributeError) as error:  # h5py's errors of a damaged file
        raise FormatError(f"{where}.{file_key}: {path}: a damaged spike file "
                          f"({type(error).__name__}: {error})") from None
    allowed = set(node_sets.gids(spec["node_set"], where).tolist())
    bad = np.flatnonzero((ids < 0) | (ids >= len(pop)))
    if len(bad):
        raise FormatError(f"{where}.{file_key}: {path}: row {bad[0]}: node id {ids[bad[0]]} "
                          f"is not in population '{population}' ({len(pop)} nodes, ids 0.."
                          f"{len(pop) - 1})")
    gids = pop.gids[ids]
    for node_id in np.unique(ids).tolist():
        gid = int(pop.gids[node_id])
        if gid not in trains:
            raise FormatError(f"{where}.{file_key}: {path}: spikes for node {node_id} of "
                              f"'{population}', which is not a virtual node")
        if gid in allowed:
            trains[gid].append(times[gids == gid])


def _clamp_type(spec, where):
    """The stimulus type of a current clamp, by its module (model/stim_types.py)."""
    modules = {module: kind for (input_type, module), kind in SONATA_INPUTS.items()
               if input_type == "current_clamp"}
    module = spec.get("module", STIM_TYPES["IClamp"].sonata.module)  # BMTK's default
    if not isinstance(module, str) or module not in modules:
        raise FormatError(f"{where}.module: current_clamp module {module!r} is not "
                          f"supported ({', '.join(modules)})")
    kind = spec.get("input_type")
    if kind not in ICLAMP_INPUT_TYPES:
        raise FormatError(f"{where}.input_type: {kind!r} (BMTK's IClamp reads the pulses of "
                          "current_clamp, or a csv, file, nwb or allen recording: only "
                          "current_clamp is supported)")
    return modules[module]


def _pulses(stim_type, spec, where) -> list[tuple]:
    """The parameters of each pulse (BMTK: amp, delay, duration numbers, or lists of the
    same length, one IClamp per pulse), in the type's order."""
    theirs_of = dict(stim_type.sonata.params)
    columns, count = {}, None
    for ours in (p for p in stim_type.params if p in theirs_of):
        theirs = theirs_of[ours]
        if theirs not in spec:
            raise FormatError(f"{where}: a current clamp needs {theirs} (BMTK's IClamp "
                              "reads amp, delay and duration)")
        values = spec[theirs] if isinstance(spec[theirs], list) else [spec[theirs]]
        if not values or not all(_is_number(v) for v in values):
            raise FormatError(f"{where}.{theirs}: {spec[theirs]!r} is not a number or a "
                              "list of numbers")
        if count is not None and len(values) != count:
            raise FormatError(f"{where}.{theirs}: {len(values)} values where the other "
                              f"parameters have {count} (one per pulse)")
        count = len(values)
        columns[ours] = [float(v) for v in values]
    for ours, theirs in (("del", "delay"), ("dur", "duration")):
        negative = [v for v in columns.get(ours, ()) if v < 0]
        if negative:
            raise FormatError(f"{where}.{theirs}: {negative[0]} is negative")
    return [tuple((ours, values[i]) for ours, values in columns.items())
            for i in range(count or 0)]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        bool(np.isfinite(value))


def _clamp_targets(spec, where, node_sets, network, virtual, what):
    """The gids a clamp acts on (BMTK's node_set, default all): the cells of the node set
    with sections; virtual nodes are skipped, point cells are an error."""
    node_set = spec.get("node_set", "all")  # BMTK's default
    gids = node_sets.gids(node_set, where)
    keep = np.array([g not in virtual for g in gids.tolist()], bool)
    for gid in gids[keep].tolist():
        if network.cell_type_of(gid).is_artificial:
            raise FormatError(f"{where}.node_set: {node_set!r} holds point cell {gid} "
                              f"('{network.cell_type_of(gid).label}'): a {what} acts on a "
                              "section (BMTK 1.2.0 fails on point cells too)")
    if spec.get("gids", "all") != "all":
        warnings.warn(f"{where}.gids: {spec['gids']!r} is ignored, as BMTK 1.2.0 ignores it: "
                      f"the {what} acts on every cell of node_set {node_set!r}",
                      UserWarning, stacklevel=3)
    if not keep.any():
        warnings.warn(f"{where}.node_set: {node_set!r} holds no cell the {what} can act on "
                      "(only virtual nodes, which BMTK skips): it acts on none",
                      UserWarning, stacklevel=3)
    return gids[keep]


def _clamp_place(spec, where, cell_type, gid) -> tuple[str, float]:
    """(section, location) of a clamp: BMTK's ``section_name[section_index](section_dist)``
    of the cell, the middle of the soma by default."""
    name, index, dist = (spec.get(key, default) for key, default in CLAMP_PLACE)
    if not isinstance(name, str):
        raise FormatError(f"{where}.section_name: {name!r} (BMTK takes one section array "
                          "name; lists go with a distance range, which is not supported)")
    if isinstance(index, (list, tuple)):
        raise FormatError(f"{where}.section_index: a distance range {index!r} (BMTK picks a "
                          "section at random in it) is not supported; give an index")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise FormatError(f"{where}.section_index: {index!r} is not a section index")
    if not _is_number(dist) or not 0.0 <= dist <= 1.0:
        raise FormatError(f"{where}.section_dist: {dist!r} is not a position in [0, 1]")
    names = cell_type.section_names
    section = f"{name}_{index}"  # BMTK's soma[0] is neuroloom's soma_0
    if section not in names and (name, index) == ("soma", 0):
        section = cell_type.spike_sec  # a cell of another kind: its soma
    if section not in names:
        raise FormatError(f"{where}.section_name: cell {gid} ('{cell_type.label}') has no "
                          f"section {name}[{index}] ({hint(section, names)})")
    return section, float(dist)


def _current_clamps(name, spec, where, node_sets, network, source_code, rule_code, names,
                    virtual):
    """(StimTable, StimSource) of each pulse of a current clamp: an IClamp per target and
    pulse at the clamp's place; ``names`` (the network's section names) gets the sections
    it lacks."""
    stim_type = _clamp_type(spec, where)
    pulses = _pulses(stim_type, spec, where)
    gids = _clamp_targets(spec, where, node_sets, network, virtual, "current clamp")
    sec, loc = [], []
    for gid in gids.tolist():
        section, x = _clamp_place(spec, where, network.cell_type_of(gid), gid)
        if section not in names:
            names.append(section)
        sec.append(names.index(section))
        loc.append(x)
    n = len(gids)
    out = []
    for i, params in enumerate(pulses):
        label = name if len(pulses) == 1 else f"{name}[{i}]"
        table = StimTable(gid=gids, source=np.full(n, source_code + i),
                          rule=np.full(n, rule_code), sec=np.asarray(sec, dtype=np.int64),
                          loc=np.asarray(loc, dtype=float), syn_mech=np.full(n, -1),
                          weight=np.zeros(n), delay=np.zeros(n))
        out.append((table, StimSource(label=label, type=stim_type.name, params=params)))
    return out


#: BMTK's SEClamp module: the keys it reads (None: required) besides the clamp's place
VOLTAGE_CLAMP_KEYS = (("amp", None), ("delay", None), ("duration", None),
                      ("resistance", 1.0), ("vc", 0.0))
SECLAMP_RS = 1.0  # MOhm: NEURON's SEClamp default, which BMTK leaves for the first step
BMTK_OPEN_RS = 10.0e20  # MOhm: the resistance BMTK gives the clamp to switch it off


def _voltage_clamp(name, spec, where, node_sets, network, virtual, source_code, rule_code,
                   names, run):
    """(StimTable, StimSource) of a ``voltage_clamp`` input (BMTK's module SEClamp), run
    as BMTK 1.2.0 runs it.

    BMTK makes a NEURON SEClamp at the clamp's place with dur1 = delay (amp1 0 mV),
    dur2 = duration (amp2 = amp) and dur3 0, and sets its series resistance after every
    time step: ``resistance`` while ``delay <= t <= delay + duration`` (t the time the step
    just made started at), 10e20 MOhm (open) otherwise; the first step runs with SEClamp's
    default 1 MOhm, so it clamps the cell at amp1, 0 mV, for one step. Here the same
    resistance, step by step, is played into the clamp (SEClamp's ``rs`` as a schedule).
    BMTK keeps the clamp of one cell of the node set, the last it makes (the others are
    freed when the next is made): so does neuroloom, with a warning naming the others.
    """
    if "delay" not in spec and ("amps" in spec or "durations" in spec):
        raise FormatError(f"{where}: amps/durations (what BMTK's build_env_bionet writes for "
                          "se_voltage_clamp) are not read by BMTK 1.2.0's SEClamp module, "
                          "which needs amp, delay and duration (BMTK fails with KeyError "
                          "'delay')")
    values = {}
    for key, default in VOLTAGE_CLAMP_KEYS:
        if key not in spec and default is None:
            raise FormatError(f"{where}.{key}: missing (BMTK's SEClamp reads amp, delay "
                              "and duration)")
        value = spec.get(key, default)
        if not _is_number(value):
            raise FormatError(f"{where}.{key}: {value!r} is not a number")
        values[key] = value
    for key in ("delay", "duration", "resistance"):
        if values[key] < 0 or key == "resistance" and values[key] == 0:
            raise FormatError(f"{where}.{key}: {float(values[key])} is out of range")
    if "vc" in spec:
        warnings.warn(f"{where}.vc: BMTK sets it on the SEClamp, which recomputes vc every "
                      "step from amp1/amp2 (delay, amp): it has no effect there nor here",
                      UserWarning, stacklevel=3)
    node_set = spec.get("node_set", "all")
    gids = node_sets.gids(node_set, where)
    skipped = [g for g in gids.tolist() if g in virtual]
    if skipped:
        raise FormatError(f"{where}.node_set: {node_set!r} holds virtual node(s) (gid "
                          f"{skipped[0]}): BMTK 1.2.0's SEClamp fails on them (it looks "
                          "them up among the cells it simulates)")
    places = {}
    for gid in gids.tolist():
        cell_type = network.cell_type_of(gid)
        if cell_type.is_artificial:
            raise FormatError(f"{where}.node_set: {node_set!r} holds point cell {gid}: a "
                              "voltage clamp acts on a section (BMTK fails on it too)")
        places[gid] = _clamp_place(spec, where, cell_type, gid)
    if not places:
        warnings.warn(f"{where}.node_set: {node_set!r} holds no cell: no voltage clamp",
                      UserWarning, stacklevel=3)
        return []
    kept = list(set(places))[-1]  # BMTK's order: it loops over set(gids)
    if len(places) > 1:
        warnings.warn(f"{where}: only cell {kept} of node_set {node_set!r} is clamped, as "
                      f"in BMTK 1.2.0, which keeps the last clamp it makes; "
                      f"{sorted(set(places) - {kept})} are not", UserWarning, stacklevel=3)
    section, x = places[kept]
    if section not in names:
        names.append(section)
    delay, duration = float(values["delay"]), float(values["duration"])
    params = (("dur1", delay), ("amp1", 0.0), ("dur2", duration), ("amp2", float(values["amp"])),
              ("dur3", 0.0), ("amp3", 0.0),
              ("rs", bmtk_resistance_schedule(values["delay"], values["duration"],
                                              float(values["resistance"]), *run)))
    table = StimTable(gid=np.array([kept]), source=np.array([source_code]),
                      rule=np.array([rule_code]), sec=np.array([names.index(section)]),
                      loc=np.array([x]), syn_mech=np.array([-1]), weight=np.zeros(1),
                      delay=np.zeros(1))
    return [(table, StimSource(label=name, type=VOLTAGE_CLAMP_MODULE, params=params))]


def bmtk_resistance_schedule(delay, duration, resistance, dt, tstop) -> tuple:
    """The series resistance BMTK 1.2.0 gives its SEClamp, as ((time, MOhm), ...): from
    each time on, until the next. Step k (from k*dt) runs with what BMTK set after step
    k-1: ``resistance`` if ``delay <= dt*(k-1) <= delay + duration`` (BMTK's float test,
    evaluated alike), else 10e20; step 0 with SEClamp's default. Each change is placed a
    quarter step before the step it applies to, so that NEURON delivers it at that step's
    start whatever the rounding of t."""
    steps = round(tstop / dt)
    ended = dt * np.arange(max(steps - 1, 0))  # BMTK's sim.dt*tstep after steps 1..
    on = (delay <= ended) & (ended <= delay + duration)
    per_step = np.concatenate([[SECLAMP_RS], np.where(on, resistance, BMTK_OPEN_RS)])
    change = np.flatnonzero(np.diff(per_step) != 0) + 1
    return ((0.0, SECLAMP_RS),) + tuple(((k - 0.25) * dt, float(per_step[k]))
                                        for k in change.tolist())
