"""Reading SONATA files as they are: configs (manifest variables, relative paths), node and
edge populations (HDF5 groups and type CSVs merged into one value per node or edge), node
sets and spike files. Every problem is a FormatError naming the file and the item.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

from ..errors import FormatError
from ..suggest import hint
from .conventions import NONE

_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


# -- configs -----------------------------------------------------------------------------
@dataclass
class Config:
    """A circuit config and, when given, the simulation config that runs it (manifest
    variables substituted, paths absolute)."""

    circuit: dict
    simulation: dict | None
    node_sets: dict = field(default_factory=dict)
    circuit_path: Path | None = None
    simulation_path: Path | None = None

    def component(self, name: str) -> Path | None:
        """The folder ``components.<name>`` names, None when the config has none."""
        value = self.circuit.get("components", {}).get(name)
        return Path(value) if value else None

    def existing_component(self, name: str) -> Path | None:
        """:meth:`component`, which must exist when given: an error naming the config key
        and the path otherwise."""
        folder = self.component(name)
        if folder is not None and not folder.is_dir():
            raise FormatError(f"{self.circuit_path}: components.{name} {str(folder)!r} does "
                              "not exist" if not folder.exists() else
                              f"{self.circuit_path}: components.{name} {str(folder)!r} is not "
                              "a folder")
        return folder

    def dynamics(self, component: str, name, where: str) -> dict:
        """A dynamics_params JSON file, relative to the ``component`` folder ({} for
        none)."""
        if name is None:
            return {}
        folder = self.component(component)
        path = Path(name) if Path(name).is_absolute() or folder is None else folder / name
        try:
            return json.loads(path.read_text())
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            key = f"components.{component}" if folder is not None else \
                f"components.{component} (not given)"
            hint = "; it looks like a Python dict, which BMTK's NetworkBuilder writes in " \
                "place of per-node dynamics_params (BMTK 1.2.0 cannot read it either: give " \
                "the values as node attributes or a file)" if str(name).startswith("{") else ""
            raise FormatError(f"{where}: dynamics_params file {path} not found (dynamics_params "
                              f"{name!r} in {key} of {self.circuit_path}){hint}") from None
        except ValueError as err:
            raise FormatError(f"{path}: not valid JSON ({err})") from None


def load_config(path) -> Config:
    """A SONATA config: a circuit config, a simulation config (whose "network" names the
    circuit), or the top-level {"network": ..., "simulation": ...} file."""
    path = Path(path).resolve()
    data = _read_json(path)
    if isinstance(data.get("network"), str) and isinstance(data.get("simulation"), str) \
            and "run" not in data:
        circuit_path = _named(path, data, "network")
        simulation_path = _named(path, data, "simulation")
        simulation = resolve(_read_json(simulation_path), simulation_path)
    elif "networks" in data and isinstance(data.get("simulation"), str) \
            and "run" not in data:  # a circuit config naming its simulation
        circuit_path, simulation_path = path, _named(path, data, "simulation")
        simulation = resolve(_read_json(simulation_path), simulation_path)
    elif "networks" in data:
        circuit_path, simulation_path = path, path if "run" in data else None
        simulation = resolve(data, path) if "run" in data else None
    elif "run" in data:
        simulation_path, simulation = path, resolve(data, path)
        if not isinstance(simulation.get("network"), str):
            raise FormatError(f"{path}: a simulation config needs \"network\" (the circuit "
                              "config) to be run on its own")
        circuit_path = Path(simulation["network"])
    else:
        raise FormatError(f"{path}: not a SONATA config (no \"networks\", \"run\" or "
                          "\"network\"/\"simulation\")")
    circuit = resolve(_read_json(circuit_path), circuit_path)
    if "networks" not in circuit:
        raise FormatError(f"{circuit_path}: a circuit config needs \"networks\"")
    if "components" not in circuit and simulation and "components" in simulation:
        # BMTK merges the two files into one config: components may be in either
        circuit = {**circuit, "components": simulation["components"]}
    node_sets = {}
    for source in (circuit, simulation or {}):  # the simulation's node sets win
        if source.get("node_sets_file"):
            node_sets.update(_read_json(Path(source["node_sets_file"])))
    if simulation is not None and isinstance(simulation.get("node_sets"), dict):
        node_sets.update(simulation["node_sets"])
    return Config(circuit, simulation, node_sets, circuit_path, simulation_path)


def resolve(config: dict, path: Path) -> dict:
    """The config with its manifest's $VARIABLES substituted; relative paths (values of
    keys ending in _file, _dir, _files, and components) are made absolute against the
    config's folder, as the SONATA specification says.

    Besides the manifest's own variables, BMTK's built-ins are defined (and a manifest
    entry of the same name wins): ``configdir`` (the folder of this config file, which
    BMTK's ``build_env_bionet`` writes as ``"$BASE_DIR": "${configdir}"``), ``configfname``
    (the config file) and ``workingdir`` (the current folder). Manifest entries may refer
    to each other in any order; one that refers to an undefined variable, or to itself
    through others, is an error naming it.
    """
    base = path.parent
    manifest = _manifest(config.get("manifest", {}), path)

    def walk(value, key=""):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items() if k != "manifest"}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str):
            value = _substitute(value, manifest, path)
            if _is_path_key(key) and value and not Path(value).is_absolute():
                value = str((base / value).resolve())
        return value

    return walk(config)


#: file names relative to the output folder, not to the config
OUTPUT_NAMES = ("spikes_file", "log_file", "file_name")


def _is_path_key(key: str) -> bool:
    return key not in OUTPUT_NAMES and key.endswith(("_file", "_dir", "_files", "network"))


#: BMTK's built-in manifest variables (bmtk.utils.sonata.config): name -> its value for the
#: config file at ``path``; its date and time variables are left out (a circuit that
#: names its files by the clock is not the same circuit twice)
BUILTIN_VARIABLES = {
    "configdir": lambda path: str(path.parent),
    "configfname": lambda path: str(path),
    "workingdir": lambda path: str(Path.cwd()),
}


def _manifest(entries: dict, path: Path) -> dict:
    """The manifest's variables, each substituted and made absolute (relative values are
    relative to the config's folder)."""
    if not isinstance(entries, dict):
        raise FormatError(f"{path}: \"manifest\" must be an object of $NAME: value")
    pending = {name.lstrip("$"): str(value) for name, value in entries.items()}
    resolved = {name: make(path) for name, make in BUILTIN_VARIABLES.items()
                if name not in pending}
    while pending:
        ready = {name: value for name, value in pending.items()
                 if all(v in resolved for v in _names_in(value))}
        if not ready:  # every one left waits for an undefined variable or for itself
            for name, value in pending.items():
                undefined = [v for v in _names_in(value) if v not in pending | resolved]
                if undefined:
                    raise FormatError(
                        f"{path}: manifest entry ${name} ({value!r}) uses ${undefined[0]}, "
                        "which is not defined in the manifest "
                        f"({hint(undefined[0], [*pending, *resolved])})")
            raise FormatError(f"{path}: manifest entries {', '.join('$' + n for n in pending)}"
                              " refer to each other in a circle")
        for name, value in ready.items():
            value = _substitute(value, resolved, path)
            resolved[name] = value if Path(value).is_absolute() else str(
                (path.parent / value).resolve())
            del pending[name]
    return resolved


def _names_in(text: str) -> list[str]:
    return [m.group(1) for m in _VARIABLE.finditer(text)]


def _substitute(text: str, variables: dict, path: Path) -> str:
    def replace(match):
        name = match.group(1)
        if name not in variables:
            raise FormatError(f"{path}: ${name} is used but not defined in the manifest "
                              f"({hint(name, variables)})")
        return variables[name]
    return _VARIABLE.sub(replace, text)


def _named(path: Path, data: dict, key: str) -> Path:
    """The file ``data[key]`` names (manifest variables substituted, relative to the
    config's folder)."""
    return _relative(path, _substitute(data[key], _manifest(data.get("manifest", {}), path),
                                       path))


def _relative(path: Path, value: str) -> Path:
    value = Path(value)
    return value if value.is_absolute() else (path.parent / value).resolve()


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise FormatError(f"{path}: file not found") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise FormatError(f"{path}: not valid JSON ({err})") from None
    if not isinstance(data, dict):
        raise FormatError(f"{path}: expected a JSON object")
    return data


# -- type CSVs ---------------------------------------------------------------------------
def read_types(path, id_column: str) -> dict[int, dict]:
    """Rows of a node/edge types CSV (space separated) by type id; the values BMTK reads
    as missing (:data:`MISSING_VALUES`: NONE, NULL, empty...) are None."""
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise FormatError(f"{path}: file not found") from None
    rows = list(csv.reader(text.splitlines(), delimiter=" ", quotechar='"',
                           skipinitialspace=True))
    rows = [r for r in rows if r]
    if not rows or id_column not in rows[0]:
        raise FormatError(f"{path}: the header has no '{id_column}' column")
    header, types = rows[0], {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise FormatError(f"{path}, line {line}: {len(row)} values for {len(header)} "
                              "columns")
        values = {name: _csv_value(v) for name, v in zip(header, row)}
        try:
            types[int(values[id_column])] = values
        except (TypeError, ValueError):
            raise FormatError(f"{path}, line {line}: {id_column} {values[id_column]!r} is "
                              "not an integer") from None
    return types


#: What BMTK reads as "no value" in a type CSV: pandas' default NA strings (read_csv's
#: na_values, which BMTK keeps) plus SONATA's NONE. NetworkBuilder writes NULL.
MISSING_VALUES = frozenset({
    NONE, "", "NULL", "null", "None", "NaN", "nan", "-NaN", "-nan", "NA", "<NA>", "N/A",
    "n/a", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "1.#IND", "-1.#QNAN", "1.#QNAN"})


def _csv_value(text: str):
    if text in MISSING_VALUES:
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


# -- node and edge populations -----------------------------------------------------------
@dataclass
class Population:
    """One node or edge population: its type ids and every attribute, one value per
    element (from its HDF5 group, else from its type's CSV row; None where neither has
    it)."""

    name: str
    file: Path
    type_ids: np.ndarray
    attributes: dict[str, np.ndarray]
    types: dict[int, dict]
    types_file: Path
    source: str = ""  # edges: the node populations they connect
    target: str = ""
    source_ids: np.ndarray | None = None
    target_ids: np.ndarray | None = None
    dynamics: set = field(default_factory=set)  # attributes from a dynamics_params group

    def __len__(self) -> int:
        return len(self.type_ids)

    def get(self, name: str, default=None) -> np.ndarray:
        """Values of an attribute; ``default`` where it is missing."""
        values = self.attributes.get(name)
        if values is None:
            return np.full(len(self), default, dtype=object)
        if values.dtype == object:
            return np.where(np.equal(values, None), default, values)
        return values


def read_node_populations(nodes_file, types_file) -> list[Population]:
    return _read_populations(nodes_file, types_file, "node", lambda group, pop, where: None)


def read_edge_populations(edges_file, types_file) -> list[Population]:
    def ends(group, pop, where):
        for end in ("source", "target"):
            ids = group.get(f"{end}_node_id")
            if ids is None:
                raise FormatError(f"{edges_file}: {where}/{end}_node_id is missing")
            label = ids.attrs.get("node_population")
            if label is None:
                raise FormatError(f"{edges_file}: {where}/{end}_node_id has no "
                                  "'node_population' attribute")
            setattr(pop, end, label.decode() if isinstance(label, bytes) else str(label))
            setattr(pop, f"{end}_ids", ids[()].astype(np.int64))
            if len(ids) != len(pop.type_ids):
                raise FormatError(f"{edges_file}: {where}/{end}_node_id has {len(ids)} "
                                  f"values for {len(pop.type_ids)} edges")

    return _read_populations(edges_file, types_file, "edge", ends)


def _read_populations(path, types_file, kind, more) -> list[Population]:
    """The ``kind`` ('node'/'edge') populations of one h5 file with their types CSV;
    ``more(group, population, where)`` reads what only that kind has."""
    types_file = Path(types_file)
    types = read_types(types_file, f"{kind}_type_id")
    out = []
    with _open(path) as f:
        root = _group(f, f"{kind}s", path)
        for name in root:
            group, where = root[name], f"/{kind}s/{name}"
            type_ids = _dataset(group, f"{kind}_type_id", path, where)
            pop = _population(name, Path(path), group, type_ids, types, types_file, kind,
                              where)
            more(group, pop, where)
            out.append(pop)
    return out


def _population(name, path, group, type_ids, types, types_file, kind, where) -> Population:
    unknown = sorted(set(np.unique(type_ids).tolist()) - set(types))
    if unknown:
        raise FormatError(f"{path}: {where} uses {kind}_type_id {unknown[:5]} that "
                          f"{types_file} does not define")
    n = len(type_ids)
    attributes, dynamics = {}, set()
    columns = sorted({c for row in types.values() for c in row} - {f"{kind}_type_id"})
    for column in columns:
        per_type = {t: row.get(column) for t, row in types.items()}
        attributes[column] = _by_type(per_type, type_ids)
    group_ids = group.get(f"{kind}_group_id")
    group_index = group.get(f"{kind}_group_index")
    groups = [k for k in group if isinstance(group[k], h5py.Group) and k.isdigit()]
    if groups and (group_ids is None or group_index is None):
        raise FormatError(f"{path}: {where} has attribute groups but no {kind}_group_id/"
                          f"{kind}_group_index")
    if groups:
        group_ids, group_index = group_ids[()].astype(np.int64), group_index[()].astype(np.int64)
        for gid in groups:
            rows = np.flatnonzero(group_ids == int(gid))
            index = group_index[rows]
            for attr, values, from_dynamics in _group_columns(group[gid]):
                values = np.asarray(values)
                if len(index) and index.max() >= len(values):
                    raise FormatError(f"{path}: {where}/{gid}/{attr} has {len(values)} values "
                                      f"but {kind}_group_index goes to {index.max()}")
                column = attributes.get(attr)
                if column is None or column.dtype != object and values.dtype.kind not in "biuf":
                    column = np.full(n, None, dtype=object) if values.dtype.kind not in "biuf" \
                        else np.full(n, np.nan)
                if column.dtype != object and values.dtype.kind not in "biuf":
                    column = column.astype(object)
                if column.dtype == object or values.dtype.kind in "biuf":
                    column = column.astype(object) if values.dtype.kind not in "biuf" \
                        else _numeric(column)
                taken = values[index]
                if taken.dtype.kind == "S":
                    taken = taken.astype(str)
                column[rows] = taken
                attributes[attr] = column
                if from_dynamics:
                    dynamics.add(attr)
    return Population(name, path, type_ids.astype(np.int64), attributes, types, types_file,
                      dynamics=dynamics)


def _group_columns(group):
    for attr, item in group.items():
        if isinstance(item, h5py.Dataset):
            yield attr, _values(item), False
        elif attr == "dynamics_params":
            for name, dataset in item.items():
                yield name, _values(dataset), True


def _values(dataset) -> np.ndarray:
    """A dataset's values; strings as str (h5py gives variable-length ones as bytes)."""
    if h5py.check_string_dtype(dataset.dtype) is not None:
        return dataset.asstr()[()]
    return dataset[()]


def _by_type(per_type: dict, type_ids: np.ndarray) -> np.ndarray:
    values = list(per_type.values())
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        table = {t: float(v) for t, v in per_type.items()}
        lookup = np.vectorize(table.__getitem__, otypes=[np.float64])
        return lookup(type_ids) if len(type_ids) else np.empty(0)
    out = np.empty(len(type_ids), dtype=object)
    for t, v in per_type.items():
        out[type_ids == t] = v
    return out


def _numeric(column: np.ndarray) -> np.ndarray:
    if column.dtype != object:
        return column.astype(np.float64)
    out = np.full(len(column), np.nan)
    for i, v in enumerate(column):
        if isinstance(v, (int, float)):
            out[i] = v
    return out


def _open(path):
    path = Path(path)
    if not path.exists():
        raise FormatError(f"{path}: file not found")
    if not h5py.is_hdf5(path):
        raise FormatError(f"{path}: not an HDF5 file")
    try:
        return h5py.File(path, "r")
    except OSError as err:  # e.g. truncated: the signature is there, the rest is not
        raise FormatError(f"{path}: a damaged HDF5 file ({err})") from None


def _group(f, name, path):
    if name not in f or not isinstance(f[name], h5py.Group):
        raise FormatError(f"{path}: no /{name} group")
    return f[name]


def _dataset(group, name, path, where) -> np.ndarray:
    if name not in group:
        raise FormatError(f"{path}: {where}/{name} is missing")
    return group[name][()]


# -- spike files -------------------------------------------------------------------------
def read_spike_file(path, population: str | None) -> tuple[np.ndarray, np.ndarray]:
    """(node ids, times in ms) of a SONATA spike file for one node population: the current
    layout /spikes/<population>/{node_ids,timestamps}, or the legacy /spikes/{gids,
    timestamps} whose ids are node ids of the population the input names."""
    with _open(path) as f:
        spikes = _group(f, "spikes", path)
        if "timestamps" in spikes and "gids" in spikes:  # legacy layout
            ids, times = spikes["gids"][()], spikes["timestamps"][()]
            where = "/spikes"
        elif population is not None and population in spikes:
            group = spikes[population]
            where = f"/spikes/{population}"
            for name in ("node_ids", "timestamps"):
                if name not in group:
                    raise FormatError(f"{path}: {where}/{name} is missing")
            ids, times = group["node_ids"][()], group["timestamps"][()]
        else:
            raise FormatError(f"{path}: no spikes for population '{population}' (it has "
                              f"{', '.join(sorted(spikes)) or 'none'})")
        units = (spikes[where.split("/")[-1]] if where != "/spikes" else spikes).get(
            "timestamps").attrs.get("units", "ms")
    units = units.decode() if isinstance(units, bytes) else str(units)
    if units not in ("ms", "s"):
        raise FormatError(f"{path}: {where}/timestamps in unknown units {units!r}")
    id_name = "gids" if where == "/spikes" else "node_ids"
    if len(ids) != len(times):
        raise FormatError(f"{path}: {where} has {len(ids)} node ids ({id_name}) for "
                          f"{len(times)} times (timestamps): from row {min(len(ids), len(times))} "
                          "on they do not pair")
    return _spike_ids(ids, path, f"{where}/{id_name}"), \
        _spike_times(times, path, f"{where}/timestamps") * (1000.0 if units == "s" else 1.0)


def _spike_ids(ids, path, dataset) -> np.ndarray:
    """Node ids as int64: integers, not negative (a float id is an error, never
    truncated)."""
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.dtype.kind not in "iuf":
        raise FormatError(f"{path}: {dataset} is not a column of integers ({ids.dtype})")
    if ids.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(ids) | (ids != np.round(ids)))
        row = int(bad[0]) if len(bad) else 0
        value = float(ids[row]) if len(ids) else "none"
        raise FormatError(f"{path}: {dataset}, row {row}: {value!r}: node ids are floating "
                          "point numbers, not integers")
    negative = np.flatnonzero(ids < 0) if ids.dtype.kind == "i" else ()
    if len(negative):
        raise FormatError(f"{path}: {dataset}, row {negative[0]}: {ids[negative[0]]} is not "
                          "a node id")
    return ids.astype(np.int64)


def _spike_times(times, path, dataset) -> np.ndarray:
    """Spike times as float64: finite and not negative."""
    times = np.asarray(times)
    if times.ndim != 1 or times.dtype.kind not in "iuf":
        raise FormatError(f"{path}: {dataset} is not a column of numbers ({times.dtype})")
    times = times.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(times) | (times < 0))
    if len(bad):
        raise FormatError(f"{path}: {dataset}, row {bad[0]}: {float(times[bad[0]])!r} is not a "
                          "spike time (finite, >= 0)")
    return times
