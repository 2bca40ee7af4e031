#!/usr/bin/env python3
"""Conformance harness: the official SONATA examples, run on BMTK 1.2.0 and on neuroloom.

For every circuit of the corpus (``../shared/sonata-examples``, see its README), the
harness runs the circuit as a user of each simulator would, each side in its own process:

* **prepare**: the example is copied to ``WORK/corpus/<example>``, with
  ``shared_components`` beside it (the examples name ``../shared_components``). The files
  the corpus lacks are regenerated there by the example's own scripts
  (``Circuit.regenerate``):
  300_cells' two edge files by ``build_network.py``, layer4_sample's LGN edges by
  ``build_lgn.py`` (both in a throw-away copy, ``WORK/build/<example>/<example>``,
  from which only the missing files are taken) and its LGN spike trains by
  ``generate_spikes.py``. The two output files the corpus lacks
  (``300_cells/output/membrane_potential.h5``, ``5_cells_iclamp/output/ecp.h5``) are
  made by the BMTK run itself. The builds are random and unseeded, so edge counts and
  spikes belong to one build: the md5 of each regenerated file is recorded with BMTK's
  figures, and neuroloom is compared with BMTK only on the same build (a ``--work``
  folder that is reused keeps it).
* **shims** (on the copies only; the corpus and the example scripts are never edited):
  every script runs under this file (``--child``) with pandas'
  ``future.infer_string`` off before bmtk is imported (with pandas 3, BMTK resolves node
  sets that filter on a type-CSV column to no cells) and numpy's removed aliases
  (``np.float`` ...) put back. The two build scripts were written for Python 2 and the
  pre-1.0 bmtk builder, so in their throw-away copies (``BUILD_SHIMS``): layer4_sample's
  ``build_helpers.py`` gets Python 3 ``print(...)``, ``open(..., 'r')`` for its CSV and
  ``random.random()`` where it calls the ``random`` module; the copy of
  ``shared_components/morphologies`` gets ``X -> X.swc`` links (layer4's node types name
  morphologies without ``.swc``); and bmtk 1.2.0's ``SWCReader`` gets the old API they
  call (``get_coord``, ``get_dist``, ``get_type``, a scalar ``choose_sections`` for one
  section, and the axon replaced by BMTK's 2-section stub when the reader is made, as
  the old reader did: without it the section ids index the full axon and BMTK's run
  fails with an IndexError).
* **BMTK**: the example's own ``run_bionet.py config.json`` (bionet), in
  ``WORK/bmtk/<example>`` (a copy of the prepared example, shipped ``output/`` moved to
  ``output_shipped/``), with the mechanisms compiled by ``nrnivmodl modfiles`` in its
  ``shared_components/mechanisms`` (where BMTK loads them). 300_pointneurons is a NEST
  circuit (``run_pointnet.py``): NEST is not installed, which the run reports.
* **neuroloom**: in ``WORK/neuroloom/<example>`` (another copy),
  ``sim.importSONATA(config.json)``, ``sim.simulate()``, ``sim.saveData()`` (outputs
  where the config says), then ``sim.exportSONATA(WORK/export/<example>)``. A circuit
  whose spikes depend on BMTK's reading of the synapse ``sign`` (``Circuit.bmtk_signs``)
  is also run with ``signs='bmtk'``.
* **BMTK on the export**: bionet on the exported ``simulation_config.json``, unmodified,
  after ``nrnivmodl`` in the export's ``mechanisms_dir`` (as for the corpus: BMTK loads
  compiled mechanisms and never compiles them itself).
* **validation**: every written file goes through ``../shared/tools/validate_sonata.py``
  (BMTK's and neuroloom's outputs with the corpus circuit, ``--legacy-config`` as the
  corpus configs are old-style; the export with its simulation config and BMTK's outputs
  on it; the export with neuroloom's outputs of it, see ``validate_with_outputs``). An
  export writes two simulation configs: ``simulation_config.json`` in BMTK
  1.2.0's form, which BMTK runs, and ``simulation_config.sonata.json`` in the
  specification's form, which libsonata and bluepysnap are given (neither form is read by
  the other side: BMTK wants input modules ``h5``/``IClamp``, libsonata only
  ``synapse_replay``/``linear``...). ecp files are not SONATA reports (``/ecp``, no ``/report``): the validator does
  not read them.

Comparison (``compare``): cells and edges per population, counted in the node and edge
files (``circuit_counts``), against what neuroloom built (cells and connections); spikes
per population with ``../shared/tools/compare_spikes.py``'s semantics (sorted by
(node_id, t); exact = the same pairs within 1e-9 ms; matched = greedy per-node pairing
within 1e-9 ms, and within 0.1 ms); reports (v, cai) per population by node id: the
largest |difference| frame by frame, and with neuroloom's frames shifted by one either way
(BMTK's frame k is t = (k+1) dt); the ecp report: the largest |difference| against the
largest |value|. Wall times of every process.

Writes ``docs/sonata-conformance.md`` (the table, and a section per circuit with its
details and each difference's cause, ``CAUSES``) and, for every circuit BMTK ran this
time, its figures to ``tests/data/sonata_reference/<example>.json`` (spikes per
population with their digest, the sorted spike list when small, report summaries), which
tests/acceptance/test_sonata_conformance.py compares neuroloom with.

    python bench/sonata_conformance.py                         # every circuit, both sides
    python bench/sonata_conformance.py --circuits 300_intfire 9_cells
    python bench/sonata_conformance.py --side neuroloom --work W   # against stored figures
    python bench/sonata_conformance.py --page-only --work W        # the page from W's records

``--work`` keeps the prepared corpus (and its regenerated files) for later runs; default a
new temporary folder. ``--jobs`` runs that many circuits at once.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from neuroloom.exporters.sonata import SPEC_SIMULATION

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = Path(sys.executable)
REFERENCE_DIR = ROOT / "tests" / "data" / "sonata_reference"
REPORT = ROOT / "docs" / "sonata-conformance.md"

EXACT_MS = 1e-9  # compare_spikes.py's "exact"
TOLERANCE_MS = 0.1  # compare_spikes.py's default --tol
SPIKE_LIST_MAX = 5_000  # spikes stored in full in a reference (beyond: counts and digest)
REPORT_STRIDE = 1_000  # frames kept of a report in a reference (every 100 ms at dt 0.1)
DEFAULT_TIMEOUT_S = 3_600  # per process: BMTK took 515-629 s on the big circuits, loaded
FLOAT32_REL = 2.0 ** -23  # float32 rounding, relative
RESULT_TAG = "CONFORMANCE-RESULT "
FLAT_SLOPE = 0.05  # per frame: a report's frames "away from upstrokes" change less


def shared() -> Path:
    """../shared beside the project, else the machine's /work/shared."""
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        if (base / "sonata-examples").is_dir():
            return base
    raise FileNotFoundError("the SONATA examples corpus (../shared/sonata-examples) is not "
                            "on this machine")


def corpus() -> Path:
    return shared() / "sonata-examples"


def tool(name: str) -> Path:
    return shared() / "tools" / name


# -- the circuits ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Regeneration:
    """A file the corpus lacks, and the example script that makes it.

    ``in_copy``: the script runs in a throw-away copy of the example (it rewrites other
    files of the network too) and only ``files`` are taken from it; else it runs in the
    prepared example. ``shims``: names of BUILD_SHIMS the copy needs.
    """
    script: str
    files: tuple[str, ...]
    in_copy: bool = False
    shims: tuple[str, ...] = ()


@dataclass(frozen=True)
class Circuit:
    """One corpus example. ``runner`` is its BMTK run script; ``bmtk_signs`` asks for a
    second neuroloom run with importSONATA(signs='bmtk'); ``ci``: its neuroloom side runs
    in CI against the stored BMTK figures."""
    name: str
    runner: str = "run_bionet.py"
    regenerate: tuple[Regeneration, ...] = ()
    bmtk_signs: bool = False
    ci: bool = False


CIRCUITS = (
    Circuit("300_intfire", ci=True),
    Circuit("9_cells", ci=True),
    Circuit("5_cells_iclamp", ci=True),
    Circuit("layer4_sample", bmtk_signs=True, regenerate=(
        Regeneration("build_lgn.py", ("network/lgn_l4_edges.h5",), in_copy=True,
                     shims=("py3_build_helpers", "swc_links", "old_swc_reader")),
        Regeneration("generate_spikes.py", ("inputs/lgn_spike_trains.h5",)))),
    Circuit("300_cells", regenerate=(
        # external_internal_edges.h5 is missing too (the README lists only the other)
        Regeneration("build_network.py", ("network/internal_internal_edges.h5",
                                           "network/external_internal_edges.h5"),
                     in_copy=True, shims=("old_swc_reader",)),)),
    Circuit("300_pointneurons", runner="run_pointnet.py"),
)
BY_NAME = {c.name: c for c in CIRCUITS}

# What each known difference comes from, by circuit; the page lists them with the figures.
CAUSES: dict[str, list[str]] = {
    "layer4_sample": [
        "BMTK 1.2.0 applies the synapse `sign` of an edge into a point cell only when the "
        "edge group has `nsyns` and no `sec_id` (bmtk/simulator/bionet/pointprocesscell.py, "
        "preselected connections keep syn_weight alone); layer4's l4->l4 group 1 holds "
        "1,643 edges of inhibitory types into LIF cells that BMTK therefore makes "
        "excitatory. neuroloom follows SONATA by default (`signs='sonata'`), so its spikes "
        "differ from BMTK's from the first spike those edges change; `signs='bmtk'` "
        "follows BMTK and is the run compared for identity.",
    ],
    "5_cells_iclamp": [
        "with an ecp report BMTK inserts NEURON's `extracellular` mechanism in every "
        "section of every biophysical cell (BioSimulator.from_config, BioCell.setup_ecp), "
        "which changes the numerics (without it soma v differs by up to 2.5e-4 mV on spike "
        "upstrokes); neuroloom does the same, and connects the cells' sections in BMTK's "
        "order: every v and cai value is BMTK's rounded to float32 (BMTK writes float64), "
        "and in double 4 of the 5 cells are BMTK's to the last bit (the fifth, whose axon "
        "stubs have no 3D points here, within 3.1e-9 mV).",
    ],
    "300_pointneurons": [
        "a NEST circuit (`nest:iaf_psc_alpha` point neurons, `target_simulator: NEST`): "
        "BMTK runs it with pointnet, which needs NEST; NEST is not installed here, so "
        "there is no BMTK reference. NEURON has no built-in counterpart of "
        "iaf_psc_alpha, so neuroloom refuses it with an error naming the model.",
    ],
    "300_cells": [
        "the node set `recorded_cells` is `{\"gids\": [...]}`: `gids` is not a node "
        "attribute; BMTK 1.2.0 prints 'Could not find property gids ... Ignoring.' and "
        "records every internal cell (its report has 300 columns).",
        "its shipped output/spikes.h5 (13,010 spikes) came from other, unshipped edge "
        "files: the regenerated build gives BMTK's own count, compared here.",
    ],
}


# -- running a script in a child process -------------------------------------------------------
def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src")] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_child(args: list[str], cwd: Path, log: Path, timeout: float) -> dict:
    """Run this file as ``--child ARGS`` in ``cwd``; its output goes to ``log``. Returns
    the child's result (its RESULT line), with the wall time, exit code and last error."""
    start = time.monotonic()
    cmd = [str(PYTHON), str(Path(__file__).resolve()), "--child", *args]
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(log, "w") as out:
            proc = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                  env=child_env(), timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        code = None
    text = log.read_text(errors="replace")
    result = {}
    for line in text.splitlines():
        if line.startswith(RESULT_TAG):
            result = json.loads(line[len(RESULT_TAG):])
    result["wall_s"] = round(time.monotonic() - start, 1)
    result["exit"] = code
    result["log"] = str(log)
    if code is None:
        result["ok"] = False
        result["error"] = f"timed out after {timeout:.0f} s"
    elif code != 0 or not result.get("ok"):
        result["ok"] = False
        result.setdefault("error", last_error(text))
    return result


def last_error(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_.]*(Error|Exception|Exit)\b", line) or "Error:" in line:
            return line[:500]
    return lines[-1][:500] if lines else "no output"


# -- children (run in their own process, under the shims) ---------------------------------------
def environment_shims() -> None:
    """pandas' future.infer_string off before bmtk is imported (README of the corpus), and
    numpy's removed aliases the example scripts use."""
    import pandas  # child process only
    pandas.set_option("future.infer_string", False)
    for name, kind in (("float", float), ("int", int), ("bool", bool), ("object", object),
                       ("str", str)):
        if not hasattr(np, name):
            setattr(np, name, kind)


def old_swc_reader_api() -> None:
    """bmtk 1.2.0's SWCReader given the pre-1.0 calls the corpus's build scripts make.

    Only informational edge columns (pos, dist, type) come from the added calls; the
    section ids and positions come from bmtk 1.2.0's own choose_sections. The old reader
    replaced the axon by BMTK's 2-section stub when made, so section ids index the
    sections of the cell BMTK simulates: that is restored too.
    """
    from bmtk.builder.bionet import swc_reader  # child process only
    reader = swc_reader.SWCReader

    def first_segment(self, sec_id):
        return int(np.flatnonzero(self.seg_props.sec_id == sec_id)[0])

    def get_coord(self, sec_ids, sec_xs, soma_center=None, rotations=None):
        shift = 0.0 if soma_center is None else (np.asarray(soma_center, float)
                                                 - self.soma_position)
        return np.array([self.get_coords(s, x) + shift
                         for s, x in zip(np.atleast_1d(sec_ids), np.atleast_1d(sec_xs))])

    def get_dist(self, sec_ids):
        return np.array([self.seg_props.dist[first_segment(self, s)]
                         for s in np.atleast_1d(sec_ids)])

    def get_type(self, sec_ids):
        return np.array([self.seg_props.type[first_segment(self, s)]
                         for s in np.atleast_1d(sec_ids)])

    new_choose = reader.choose_sections

    def choose_sections(self, section_names, distance_range, n_sections=1):
        ids, xs = new_choose(self, section_names, distance_range, n_sections)
        return (int(ids[0]), float(xs[0])) if n_sections == 1 else (ids, xs)

    new_init = reader.__init__

    def init(self, swc_path, rng_seed=None, fix_axon=True):
        new_init(self, swc_path, rng_seed)
        if fix_axon:
            self.fix_axon()

    reader.get_coord, reader.get_dist, reader.get_type = get_coord, get_dist, get_type
    reader.choose_sections, reader.__init__ = choose_sections, init


def child_script(script: str, args: list[str], swc_compat: bool) -> dict:
    """An example's own script, unchanged, with runpy (the environment shims first)."""
    environment_shims()
    if swc_compat:
        old_swc_reader_api()
    sys.argv = [script, *args]
    sys.path.insert(0, str(Path(script).resolve().parent))
    start = time.monotonic()
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:  # bmtk's run_bionet.py ends with sys.exit()
        if stop.code not in (None, 0):
            raise
    return {"ok": True, "script_s": round(time.monotonic() - start, 1)}


def child_bionet(config: str) -> dict:
    """BMTK bionet on a simulation config, as every example's run_bionet.py does."""
    environment_shims()
    from bmtk.simulator import bionet  # child process only
    start = time.monotonic()
    conf = bionet.Config.from_json(config, validate=True)
    conf.build_env()
    net = bionet.BioNetwork.from_config(conf)
    simulator = bionet.BioSimulator.from_config(conf, network=net)
    simulator.run()
    return {"ok": True, "script_s": round(time.monotonic() - start, 1)}


def child_neuroloom(config: str, export: str | None, signs: str) -> dict:
    """neuroloom on a circuit: importSONATA, simulate, saveData, then exportSONATA."""
    from neuroloom import sim  # here, not at the top: NEURON starts once per process
    result: dict = {"signs": signs}
    start = time.monotonic()
    model = sim.importSONATA(config, signs=signs)
    result["import_s"] = round(time.monotonic() - start, 1)
    result["cells"] = int(model.network.num_cells)
    result["connections"] = int(len(model.network.conns))
    mark = time.monotonic()
    sim.simulate()
    result["simulate_s"] = round(time.monotonic() - mark, 1)
    mark = time.monotonic()
    result["files"] = [str(f) for f in sim.saveData()]
    result["save_s"] = round(time.monotonic() - mark, 1)
    result["ok"] = True
    if export:
        mark = time.monotonic()
        try:
            result["export_files"] = len(sim.exportSONATA(export))
            result["export_s"] = round(time.monotonic() - mark, 1)
        except Exception as error:  # noqa: BLE001  (reported, not raised: the run is done)
            traceback.print_exc()
            result["export_error"] = f"{type(error).__name__}: {error}"[:500]
    return result


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sonata_conformance.py --child")
    parser.add_argument("kind", choices=("script", "bionet", "neuroloom"))
    parser.add_argument("target")
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--swc-compat", action="store_true")
    parser.add_argument("--export")
    parser.add_argument("--signs", default="sonata")
    args = parser.parse_args(argv)
    try:
        if args.kind == "script":
            result = child_script(args.target, args.rest, args.swc_compat)
        elif args.kind == "bionet":
            result = child_bionet(args.target)
        else:
            result = child_neuroloom(args.target, args.export, args.signs)
    except BaseException as error:  # noqa: BLE001  (reported to the parent)
        traceback.print_exc()
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:500]}
    print(RESULT_TAG + json.dumps(result), flush=True)
    return 0 if result.get("ok") else 1


# -- preparing the corpus ------------------------------------------------------------------------
_LOCK = threading.Lock()


def md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_tree(source: Path, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest, symlinks=True)
    for path in [dest, *dest.rglob("*")]:  # the corpus is read-only
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o200)


def py3_build_helpers(folder: Path) -> None:
    """layer4_sample's build_helpers.py in Python 3 (the throw-away copy only)."""
    path = folder / "build_helpers.py"
    text = path.read_text()
    text = re.sub(r"^(\s*)print (.+)$", r"\1print(\2)", text, flags=re.MULTILINE)
    text = text.replace("open(filename, 'rb')", "open(filename, 'r')")
    text = re.sub(r"(?<![.\w])random\(\)", "random.random()", text)
    path.write_text(text)


def swc_links(folder: Path) -> None:
    """X -> X.swc beside every morphology (the throw-away copy of shared_components)."""
    morphologies = folder.parent / "shared_components" / "morphologies"
    for swc in morphologies.glob("*.swc"):
        link = swc.with_suffix("")
        if not link.exists():
            link.symlink_to(swc.name)


BUILD_SHIMS = {"py3_build_helpers": py3_build_helpers, "swc_links": swc_links,
               "old_swc_reader": None}  # old_swc_reader: in the child (old_swc_reader_api)


def prepare(circuit: Circuit, work: Path, regenerate: bool = False) -> dict:
    """The example in WORK/corpus, its missing files regenerated; reused when done."""
    base = work / "corpus"
    folder = base / circuit.name
    done = folder / ".prepared.json"
    with _LOCK:
        if not (base / "shared_components").exists():
            copy_tree(corpus() / "shared_components", base / "shared_components")
    if done.exists() and not regenerate:
        record = json.loads(done.read_text())
        record["reused"] = True
        return record
    copy_tree(corpus() / circuit.name, folder)
    record = {"circuit": circuit.name, "regenerated": {}, "steps": [], "ok": True}
    for step in circuit.regenerate:
        where = folder
        if step.in_copy:
            build = work / "build" / circuit.name  # its own: builds run side by side
            where = build / circuit.name
            copy_tree(folder, where)
            copy_tree(base / "shared_components", build / "shared_components")
            for shim in step.shims:
                if BUILD_SHIMS[shim] is not None:
                    BUILD_SHIMS[shim](where)
        args = ["script", step.script] + (["--swc-compat"] if "old_swc_reader" in step.shims
                                          else [])
        result = run_child(args, where, work / "logs" / f"{circuit.name}.{step.script}.log",
                           DEFAULT_TIMEOUT_S)
        result["script"] = step.script
        result["shims"] = list(step.shims)
        record["steps"].append(result)
        if not result["ok"]:
            record["ok"] = False
            record["error"] = f"{step.script}: {result.get('error')}"
            return record
        for name in step.files:
            if step.in_copy:
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(where / name, folder / name)
            record["regenerated"][name] = md5(folder / name)
    done.write_text(json.dumps(record, indent=1))
    return record


def side_copy(circuit: Circuit, work: Path, side: str) -> Path:
    """A fresh copy of the prepared example for one side (output/ -> output_shipped/)."""
    base = work / side
    with _LOCK:
        if not (base / "shared_components").exists():
            copy_tree(work / "corpus" / "shared_components", base / "shared_components")
    folder = base / circuit.name
    copy_tree(work / "corpus" / circuit.name, folder)
    if (folder / "output").exists():
        (folder / "output").rename(folder / "output_shipped")
    return folder


def compile_mechanisms(mechanisms: Path, log: Path) -> dict:
    """nrnivmodl in a circuit's mechanisms_dir (of ``modfiles/`` when it has one, the
    layout of every example), where BMTK loads them: a BMTK user's step before a run."""
    if not mechanisms.is_dir():
        return {"ok": False, "error": f"no mechanisms_dir {mechanisms}"}
    source = "modfiles" if (mechanisms / "modfiles").is_dir() else "."
    with _LOCK:
        if any(mechanisms.glob("*/.libs/libnrnmech.so")) or any(
                mechanisms.glob("*/libnrnmech.so")):
            return {"ok": True, "reused": True}
        start = time.monotonic()
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "w") as out:
            proc = subprocess.run([str(PYTHON.parent / "nrnivmodl"), source],
                                  cwd=mechanisms, stdout=out, stderr=subprocess.STDOUT)
        return {"ok": proc.returncode == 0, "wall_s": round(time.monotonic() - start, 1)}


# -- reading circuits and outputs ----------------------------------------------------------------
def _manifest(config: dict, folder: Path) -> dict:
    values = {}
    for key, value in (config.get("manifest") or {}).items():
        values[key] = value
    for _ in range(len(values) + 1):  # resolve $A inside $B
        for key, value in values.items():
            for other, text in values.items():
                value = value.replace(other, text) if other != key else value
            values[key] = value
    return {key: str((folder / value).resolve()) if not Path(value).is_absolute() else value
            for key, value in values.items()}


def resolve(value: str, manifest: dict, folder: Path) -> Path:
    for key in sorted(manifest, key=len, reverse=True):
        value = value.replace(key, manifest[key])
    path = Path(value)
    return path if path.is_absolute() else (folder / path).resolve()


def read_configs(config: Path) -> tuple[dict, Path, dict, Path]:
    """(circuit config, its path, simulation config, its path) from any config."""
    data = json.loads(config.read_text())
    circuit, circuit_path = None, None
    simulation, simulation_path = None, None
    if "networks" in data:
        circuit, circuit_path = data, config
    if "run" in data:
        simulation, simulation_path = data, config
    manifest = _manifest(data, config.parent)
    for key in ("network", "simulation"):
        if isinstance(data.get(key), str):
            path = resolve(data[key], manifest, config.parent)
            sub = json.loads(path.read_text())
            if "networks" in sub:
                circuit, circuit_path = sub, path
            if "run" in sub:
                simulation, simulation_path = sub, path
    return circuit, circuit_path, simulation or {}, simulation_path


def circuit_counts(config: Path) -> dict:
    """Cells per node population and edges per edge population, from the h5 files."""
    circuit, path, _, _ = read_configs(config)
    manifest = _manifest(circuit, path.parent)
    counts = {"cells": {}, "edges": {}}
    for kind, key, group in (("cells", "nodes_file", "nodes"), ("edges", "edges_file", "edges")):
        for entry in circuit["networks"].get(group, []):
            with h5py.File(resolve(entry[key], manifest, path.parent), "r") as h5:
                for name, pop in h5[group].items():
                    ids = "node_type_id" if group == "nodes" else "edge_type_id"
                    counts[kind][name] = counts[kind].get(name, 0) + int(pop[ids].shape[0])
    return counts


def output_dir(config: Path) -> Path:
    _, _, simulation, sim_path = read_configs(config)
    manifest = _manifest(simulation, sim_path.parent)
    return resolve(simulation.get("output", {}).get("output_dir", "output"), manifest,
                   sim_path.parent)


def output_files(folder: Path) -> dict:
    """The h5 outputs of a run: {'spikes': path, 'reports': {name: path}, 'ecp': path}."""
    found = {"spikes": None, "reports": {}, "ecp": None}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.h5")):
        try:
            with h5py.File(path, "r") as h5:
                keys = set(h5.keys())
        except OSError:
            continue
        if "spikes" in keys and found["spikes"] is None:
            found["spikes"] = str(path)
        elif "report" in keys:
            found["reports"][path.stem] = str(path)
        elif "ecp" in keys:
            found["ecp"] = str(path)
    return found


def read_spikes(path) -> dict:
    """{population: (node_ids, times)} sorted by (node_id, t), as compare_spikes.py."""
    loaded = compare_spikes_tool().load(str(path))
    return {pop: compare_spikes_tool().sort_pairs(*pair) for pop, pair in loaded.items()}


_COMPARE = None


def compare_spikes_tool():
    """../shared/tools/compare_spikes.py, loaded once (its load, sort_pairs, tol_match)."""
    global _COMPARE
    if _COMPARE is None:
        spec = importlib.util.spec_from_file_location("compare_spikes",
                                                      tool("compare_spikes.py"))
        _COMPARE = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_COMPARE)
    return _COMPARE


def spikes_digest(ids: np.ndarray, times: np.ndarray) -> str:
    return hashlib.sha256(np.asarray(ids, "<i8").tobytes()
                          + np.asarray(times, "<f8").tobytes()).hexdigest()


def spikes_summary(path, keep_list: bool) -> dict:
    per_pop = {}
    pops = read_spikes(path)
    total = sum(len(t) for _, t in pops.values())
    for pop, (ids, times) in pops.items():
        entry = {"count": int(len(times)), "digest": spikes_digest(ids, times)}
        if keep_list and total <= SPIKE_LIST_MAX:
            entry["node_ids"] = ids.tolist()
            entry["timestamps"] = times.tolist()
        per_pop[pop] = entry
    return per_pop


def read_report(path) -> dict:
    """{population: (node_ids, data [frames x nodes] float64, time triple, units)}."""
    out = {}
    with h5py.File(path, "r") as h5:
        for pop, group in h5["report"].items():
            mapping = group["mapping"]
            out[pop] = (mapping["node_ids"][()].astype(np.int64),
                        group["data"][()].astype(np.float64),
                        [float(x) for x in mapping["time"][()]],
                        str(group["data"].attrs.get("units", "")))
    return out


def report_summary(path) -> dict:
    summary = {}
    with h5py.File(path, "r") as h5:
        dtypes = {pop: str(group["data"].dtype) for pop, group in h5["report"].items()}
    for pop, (ids, data, times, units) in read_report(path).items():
        summary[pop] = {"node_ids": ids.tolist(), "shape": list(data.shape),
                        "dtype": dtypes[pop], "time": times, "units": units,
                        "min": data.min(0).tolist() if data.size else [],
                        "max": data.max(0).tolist() if data.size else [],
                        "stride": REPORT_STRIDE,
                        "frames": data[::REPORT_STRIDE].tolist()}
    return summary


def read_ecp(path) -> tuple[np.ndarray, np.ndarray]:
    with h5py.File(path, "r") as h5:
        return h5["ecp/data"][()].astype(np.float64), h5["ecp/channel_id"][()]


def ecp_summary(path) -> dict:
    data, channels = read_ecp(path)
    with h5py.File(path, "r") as h5:
        times = [float(x) for x in h5["ecp/time"][()]]
        dtype = str(h5["ecp/data"].dtype)
    return {"shape": list(data.shape), "dtype": dtype, "time": times,
            "channels": np.asarray(channels).tolist(),
            "max_abs": float(np.abs(data).max()) if data.size else 0.0,
            "stride": REPORT_STRIDE, "frames": data[::REPORT_STRIDE].tolist()}


def outputs_summary(found: dict, keep_list: bool) -> dict:
    return {"spikes": spikes_summary(found["spikes"], keep_list) if found["spikes"] else None,
            "reports": {name: report_summary(path) for name, path in found["reports"].items()},
            "ecp": ecp_summary(found["ecp"]) if found["ecp"] else None}


# -- validation ----------------------------------------------------------------------------------
def validate(circuit_config: Path, log: Path, spikes=None, reports=(), simulation=None,
             legacy: bool = False) -> dict:
    """validate_sonata.py on a circuit and the given outputs: its errors and warnings."""
    cmd = [str(PYTHON), str(tool("validate_sonata.py")), str(circuit_config), "--quiet"]
    if spikes:
        cmd += ["--spikes", str(spikes)]
    for report in reports:
        cmd += ["--report", str(report)]
    if simulation:
        cmd += ["--simulation-config", str(simulation)]
    if legacy:
        cmd.append("--legacy-config")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=DEFAULT_TIMEOUT_S)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(proc.stdout + proc.stderr)
    errors, warnings = [], None
    summary = re.search(r"SUMMARY: (\d+) error\(s\), (\d+) warning\(s\)", proc.stdout)
    if summary:
        warnings = int(summary.group(2))
        errors = [line.strip()[2:] for line in proc.stdout[summary.end():].splitlines()
                  if line.strip().startswith("- ")]
    elif proc.returncode:
        errors = [last_error(proc.stdout + proc.stderr)]
    return {"exit": proc.returncode, "errors": errors, "warnings": warnings,
            "files": [str(f) for f in [circuit_config, simulation, spikes, *reports] if f],
            "log": str(log)}


# -- the sides -----------------------------------------------------------------------------------
def run_bmtk_side(circuit: Circuit, work: Path, timeout: float = DEFAULT_TIMEOUT_S) -> dict:
    """BMTK on the prepared example: counts, its run, its outputs and their validation."""
    folder = side_copy(circuit, work, "bmtk")
    record: dict = {"counts": circuit_counts(folder / "config.json")}
    record["mechanisms"] = compile_mechanisms(work / "bmtk" / "shared_components" / "mechanisms",
                                              work / "logs" / "nrnivmodl.log")
    run = run_child(["script", circuit.runner, "config.json"], folder,
                    work / "logs" / f"{circuit.name}.bmtk.log", timeout)
    record["run"] = run
    found = output_files(output_dir(folder / "config.json"))
    record["files"] = found
    if run["ok"]:
        record["outputs"] = outputs_summary(found, keep_list=True)
        record["validation"] = validate(folder / "circuit_config.json",
                                        work / "logs" / f"{circuit.name}.bmtk.validate.log",
                                        found["spikes"], found["reports"].values(),
                                        legacy=True)
    shipped = output_files(folder / "output_shipped")
    if shipped["spikes"]:
        record["shipped_spikes"] = {pop: int(len(t)) for pop, (_, t)
                                    in read_spikes(shipped["spikes"]).items()}
    return record


def run_neuroloom_side(circuit: Circuit, work: Path, timeout: float = DEFAULT_TIMEOUT_S,
                       export_too: bool = True) -> dict:
    """neuroloom on the example (and, with ``export_too``, its export, BMTK on the
    export, and the second reading of signs where the circuit asks), with validation."""
    folder = side_copy(circuit, work, "neuroloom")
    export = work / "export" / circuit.name
    if export.exists():
        shutil.rmtree(export)
    export.parent.mkdir(parents=True, exist_ok=True)
    record: dict = {}
    run = run_child(["neuroloom", "config.json"]
                    + (["--export", str(export)] if export_too else []), folder,
                    work / "logs" / f"{circuit.name}.neuroloom.log", timeout)
    record["run"] = run
    found = output_files(output_dir(folder / "config.json"))
    record["files"] = found
    if run["ok"]:
        record["outputs"] = outputs_summary(found, keep_list=False)
        record["validation"] = validate(folder / "circuit_config.json",
                                        work / "logs" / f"{circuit.name}.neuroloom.validate.log",
                                        found["spikes"], found["reports"].values(),
                                        legacy=True)
    if not export_too:
        return record
    if circuit.bmtk_signs and run["ok"]:
        again = side_copy(circuit, work, "neuroloom_bmtk_signs")
        run2 = run_child(["neuroloom", "config.json", "--signs", "bmtk"], again,
                         work / "logs" / f"{circuit.name}.neuroloom-bmtk-signs.log", timeout)
        found2 = output_files(output_dir(again / "config.json"))
        record["bmtk_signs"] = {"run": run2, "files": found2}
    if run.get("ok") and (export / "simulation_config.json").exists():
        record["export"] = run_export(circuit, work, export, timeout)
    elif run.get("ok"):
        record["export"] = {"ok": False, "error": run.get("export_error")
                            or "no simulation_config.json written"}
    return record


def run_export(circuit: Circuit, work: Path, export: Path, timeout: float) -> dict:
    record: dict = {"ok": True, "folder": str(export)}
    sim_config = export / "simulation_config.json"
    circuit_config = export / "circuit_config.json"
    record["counts"] = circuit_counts(sim_config)
    written, written_path, _, _ = read_configs(sim_config)
    mechanisms = (written.get("components") or {}).get("mechanisms_dir")
    if mechanisms:  # compiled as for the corpus: what a BMTK user does first
        record["mechanisms"] = compile_mechanisms(
            resolve(mechanisms, _manifest(written, written_path.parent), written_path.parent),
            work / "logs" / f"{circuit.name}.export.nrnivmodl.log")
    record["validation"] = validate_with_outputs(circuit, work, export, timeout)
    run = run_child(["bionet", str(sim_config)], export,
                    work / "logs" / f"{circuit.name}.bmtk-on-export.log", timeout)
    record["run"] = run
    found = output_files(output_dir(sim_config))
    record["files"] = found
    if run["ok"]:
        record["outputs"] = outputs_summary(found, keep_list=False)
        record["output_validation"] = validate(
            circuit_config, work / "logs" / f"{circuit.name}.export.outputs.validate.log",
            found["spikes"], found["reports"].values())
    return record


def validate_with_outputs(circuit: Circuit, work: Path, export: Path, timeout: float) -> dict:
    """The strict readers on the export as a user of them gets it: neuroloom runs the
    specification's twin of the config (simulation_config.sonata.json; BMTK runs its own
    form) in a copy of the export, and libsonata and bluepysnap then open the circuit, the
    twin and the outputs it names (bluepysnap's Simulation reads them)."""
    copy = work / "export_neuroloom" / circuit.name
    if copy.exists():
        shutil.rmtree(copy)
    copy_tree(export, copy)
    twin = copy / SPEC_SIMULATION
    run = run_child(["neuroloom", str(twin)], copy,
                    work / "logs" / f"{circuit.name}.neuroloom-on-export.log", timeout)
    found = output_files(output_dir(twin))
    record = validate(copy / "circuit_config.json",
                      work / "logs" / f"{circuit.name}.export.validate.log",
                      found["spikes"], found["reports"].values(), simulation=twin)
    record["neuroloom_run"] = {"ok": run.get("ok"), "wall_s": run.get("wall_s"),
                               "error": run.get("error")}
    return record


# -- comparing -----------------------------------------------------------------------------------
def compare_spikes(ref: dict, got: dict) -> dict:
    """Per population of either: counts, exact (compare_spikes.py's EXACT), matched pairs
    within 1e-9 ms and within 0.1 ms. ``ref``/``got``: {pop: (ids, times)}."""
    tool_module = compare_spikes_tool()
    out = {}
    for pop in sorted(set(ref) | set(got)):
        if pop not in ref or pop not in got:
            out[pop] = {"ref": len(ref[pop][1]) if pop in ref else None,
                        "got": len(got[pop][1]) if pop in got else None,
                        "exact": False, "only_in": "ref" if pop in ref else "new"}
            continue
        (rid, rts), (nid, nts) = ref[pop], got[pop]
        exact = (len(rts) == len(nts) and np.array_equal(rid, nid)
                 and bool((np.abs(rts - nts) <= EXACT_MS).all()))
        out[pop] = {"ref": int(len(rts)), "got": int(len(nts)), "exact": exact,
                    "matched": int(tool_module.tol_match((rid, rts), (nid, nts), EXACT_MS)),
                    "matched_0.1ms": int(tool_module.tol_match(
                        (rid, rts), (nid, nts), TOLERANCE_MS + 1e-6))}
        if not exact:
            out[pop]["first_difference_ms"] = first_difference(rid, rts, nid, nts)
    return out


def first_difference(rid, rts, nid, nts) -> float | None:
    """The earliest time of a spike one side has and the other has not (exactly)."""
    ref = set(zip(rid.tolist(), np.round(rts, 9).tolist()))
    got = set(zip(nid.tolist(), np.round(nts, 9).tolist()))
    odd = [t for _, t in ref ^ got]
    return float(min(odd)) if odd else None


def spikes_from_summary(summary: dict) -> dict | None:
    """{pop: (ids, times)} from a stored summary, if it kept the spike lists."""
    if not summary or any("timestamps" not in e for e in summary.values()):
        return None
    return {pop: (np.asarray(e["node_ids"], np.int64), np.asarray(e["timestamps"], float))
            for pop, e in summary.items()}


def spikes_against(ref_record: dict, ref_files: dict | None, got_path) -> dict | None:
    """Compare neuroloom's spike file with BMTK's: the file when at hand (and the same as
    the stored figures), else the stored list, else the stored counts and digests."""
    if not got_path:
        return None
    got = read_spikes(got_path)
    stored = ref_record["outputs"]["spikes"]
    if ref_files and ref_files.get("spikes") and Path(ref_files["spikes"]).exists():
        ref = read_spikes(ref_files["spikes"])
        if all(spikes_digest(*ref[p]) == stored[p]["digest"] for p in stored if p in ref):
            return compare_spikes(ref, got)
    ref = spikes_from_summary(stored)
    if ref is not None:
        return compare_spikes(ref, got)
    out = {}
    for pop in sorted(set(stored) | set(got)):
        r = stored.get(pop)
        g = got.get(pop)
        out[pop] = {"ref": r["count"] if r else None, "got": len(g[1]) if g else None,
                    "exact": bool(r and g and spikes_digest(*g) == r["digest"]),
                    "digest_only": True}
    return out


def compare_reports(ref_files: dict | None, ref_summary: dict, got_files: dict) -> dict:
    """Per report: the largest |difference| over populations and nodes, frame by frame
    and with neuroloom's frames shifted by -1/+1 (the full data when BMTK's file is at
    hand, else the stored frames)."""
    out = {}
    for name, summary in ref_summary.items():
        path = got_files["reports"].get(name)
        if path is None:
            out[name] = {"missing": True}
            continue
        got = read_report(path)
        ref_path = (ref_files or {}).get("reports", {}).get(name)
        full = ref_path is not None and Path(ref_path).exists()
        ref = read_report(ref_path) if full else None
        entry = {"full": full, "shift": {}, "problems": []}
        for pop, stored in summary.items():
            if pop not in got:
                entry["problems"].append(f"population {pop} missing")
                continue
            gids, gdata, gtime, gunits = got[pop]
            if ref is not None:
                rids, rdata = ref[pop][0], ref[pop][1]
                stride = 1
            else:
                rids, rdata = np.asarray(stored["node_ids"]), np.asarray(stored["frames"])
                stride = stored["stride"]
            common = [i for i in rids.tolist() if i in set(gids.tolist())]
            if len(common) != len(rids) or len(gids) != len(rids):
                entry["problems"].append(f"{pop}: node ids BMTK {len(rids)}, neuroloom "
                                         f"{len(gids)}, in common {len(common)}")
            if not common:
                continue
            rcols = [rids.tolist().index(i) for i in common]
            gcols = [gids.tolist().index(i) for i in common]
            nframes = stored["shape"][0]
            if gdata.shape[0] != nframes:
                entry["problems"].append(f"{pop}: {gdata.shape[0]} frames, BMTK {nframes}")
            for shift in (-1, 0, 1):
                frames = np.arange(0, nframes, stride)
                take = frames + shift
                ok = (take >= 0) & (take < gdata.shape[0])
                if ref is None:
                    a = rdata[ok][:, rcols]
                else:
                    a = rdata[frames[ok]][:, rcols]
                b = gdata[take[ok]][:, gcols]
                diff = float(np.abs(a - b).max()) if a.size else None
                best = entry["shift"].get(shift)
                entry["shift"][shift] = diff if best is None else max(best, diff)
            if ref is not None and len(rdata) > 2:
                # away from the upstrokes of action potentials, where a rounding-level
                # difference in the state is multiplied by dv/dt (up to ~25 mV a step)
                flat = np.abs(np.gradient(rdata[:, rcols], axis=0)) < FLAT_SLOPE
                n = min(len(rdata), len(gdata))
                diff = np.abs(rdata[:n, rcols] - gdata[:n, gcols])[flat[:n]]
                if diff.size:
                    entry["flat"] = max(entry.get("flat", 0.0), float(diff.max()))
            entry["units"] = stored.get("units") or gunits
            entry["scale"] = float(max(np.abs(np.asarray(stored["max"])).max(),
                                       np.abs(np.asarray(stored["min"])).max()))
        out[name] = entry
    return out


def compare_ecp(ref_files: dict | None, ref_summary: dict | None, got_files: dict) -> dict | None:
    if not ref_summary:
        return None
    if not got_files.get("ecp"):
        return {"missing": True}
    gdata, gchannels = read_ecp(got_files["ecp"])
    ref_path = (ref_files or {}).get("ecp")
    if ref_path and Path(ref_path).exists():
        rdata, _ = read_ecp(ref_path)
        stride = 1
    else:
        rdata, stride = np.asarray(ref_summary["frames"]), ref_summary["stride"]
    out = {"shape": list(gdata.shape), "ref_shape": ref_summary["shape"],
           "max_abs_ref": ref_summary["max_abs"], "shift": {}}
    if gdata.shape[1] != rdata.shape[1]:
        out["problem"] = f"{gdata.shape[1]} channels, BMTK {rdata.shape[1]}"
        return out
    for shift in (-1, 0, 1):
        frames = np.arange(0, ref_summary["shape"][0], stride)
        take = frames + shift
        ok = (take >= 0) & (take < gdata.shape[0])
        a = rdata[ok] if stride != 1 else rdata[frames[ok]]
        out["shift"][shift] = float(np.abs(a - gdata[take[ok]]).max()) if ok.any() else None
    return out


def compare(ref: dict | None, got: dict | None, ref_files: dict | None = None) -> dict:
    """neuroloom's side (``got``) against BMTK's (``ref``): spikes, reports, ecp, and the
    same for BMTK's run of neuroloom's export (its spikes against neuroloom's own)."""
    verdict: dict = {}
    run = (got or {}).get("run") or {}
    if ref and run.get("ok"):
        files = ref["counts"]
        verdict["built"] = {
            "cells": [sum(files["cells"].values()), run.get("cells")],
            "connections": [sum(files["edges"].values()), run.get("connections")]}
    if not ref or not got or not ref.get("run", {}).get("ok") or "outputs" not in ref:
        return verdict
    if got.get("run", {}).get("ok") and got.get("files", {}).get("spikes"):
        verdict["spikes"] = spikes_against(ref, ref_files, got["files"]["spikes"])
        verdict["reports"] = compare_reports(ref_files, ref["outputs"]["reports"],
                                             got["files"])
        verdict["ecp"] = compare_ecp(ref_files, ref["outputs"]["ecp"], got["files"])
    signs = got.get("bmtk_signs")
    if signs and signs["run"].get("ok") and signs["files"].get("spikes"):
        verdict["spikes_bmtk_signs"] = spikes_against(ref, ref_files,
                                                      signs["files"]["spikes"])
    export = got.get("export") or {}
    if export.get("run", {}).get("ok") and export.get("files", {}).get("spikes") \
            and got["files"].get("spikes"):
        verdict["export_spikes"] = compare_spikes(read_spikes(got["files"]["spikes"]),
                                                  read_spikes(export["files"]["spikes"]))
    return verdict


def spikes_identical(result: dict | None) -> bool:
    """Every population BMTK wrote has exactly the same spikes on the other side."""
    return bool(result) and all(entry.get("exact") for entry in result.values())


# -- references ----------------------------------------------------------------------------------
def reference_path(name: str) -> Path:
    return REFERENCE_DIR / f"{name}.json"


def load_reference(name: str) -> dict | None:
    path = reference_path(name)
    return json.loads(path.read_text()) if path.exists() else None


def save_reference(name: str, prepared: dict, record: dict) -> None:
    """BMTK's figures of one circuit, without machine paths."""
    keep = {"circuit": name, "versions": versions(),
            "regenerated": prepared.get("regenerated", {}),
            "counts": record["counts"], "run": {k: record["run"].get(k) for k in
                                                ("ok", "error", "wall_s")},
            "outputs": record.get("outputs"), "shipped_spikes": record.get("shipped_spikes"),
            "validation_errors": (record.get("validation") or {}).get("errors")}
    write_reference(name, keep)


def write_reference(name: str, keep: dict) -> None:
    REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    # one line per entry (the spike lists and report frames stay on their line: small)
    lines = [f" {json.dumps(key)}: {json.dumps(keep[key], sort_keys=True)}"
             for key in sorted(keep)]
    reference_path(name).write_text("{\n" + ",\n".join(lines) + "\n}\n")


def versions() -> dict:
    proc = subprocess.run(
        [str(PYTHON), "-c", "import bmtk, neuron, numpy; print(bmtk.__version__, "
         "neuron.__version__, numpy.__version__)"], capture_output=True, text=True,
        env=child_env())
    parts = proc.stdout.split()
    return dict(zip(("bmtk", "neuron", "numpy"), parts)) if len(parts) == 3 else {}


# -- one circuit, start to end -------------------------------------------------------------------
def run_circuit(circuit: Circuit, side: str, work: Path, timeout: float = DEFAULT_TIMEOUT_S,
                regenerate: bool = False, store: bool = True) -> dict:
    """Prepare, run the sides asked for, compare; the circuit's whole record."""
    start = time.monotonic()
    result: dict = {"circuit": circuit.name, "side": side}
    prepared = prepare(circuit, work, regenerate)
    result["prepare"] = prepared
    if not prepared["ok"]:
        result["wall_s"] = round(time.monotonic() - start, 1)
        return result
    # the corpus circuit's own findings, so that those of the outputs stand apart
    circuit_check = validate(work / "corpus" / circuit.name / "circuit_config.json",
                             work / "logs" / f"{circuit.name}.circuit.validate.log",
                             legacy=True)
    result["circuit_validation"] = circuit_check
    bmtk_files = None
    if side in ("bmtk", "both"):
        bmtk = run_bmtk_side(circuit, work, timeout)
        result["bmtk"] = bmtk
        bmtk_files = bmtk["files"]
        own_findings(bmtk.get("validation"), circuit_check)
        if store:  # a failure too: the page then says why there is no reference
            save_reference(circuit.name, prepared, bmtk)
        reference = {**bmtk, "regenerated": prepared.get("regenerated", {})}
    else:
        reference = load_reference(circuit.name)
        old = work / "bmtk" / circuit.name
        if old.exists() and reference:
            bmtk_files = output_files(output_dir(old / "config.json"))
    result["reference"] = summary_of_reference(reference)
    if side in ("neuroloom", "both"):
        same_build = (reference or {}).get("regenerated", {}) == prepared.get("regenerated", {})
        result["same_build"] = same_build
        result["counts"] = circuit_counts(work / "corpus" / circuit.name / "config.json")
        got = run_neuroloom_side(circuit, work, timeout)
        own_findings(got.get("validation"), circuit_check)
        result["neuroloom"] = got
        if same_build:
            result["compare"] = compare(reference, got, bmtk_files)
    result["wall_s"] = round(time.monotonic() - start, 1)
    (work / "results").mkdir(parents=True, exist_ok=True)
    (work / "results" / f"{circuit.name}.json").write_text(json.dumps(result, indent=1,
                                                                      default=str))
    return result


def recompare(result: dict, work: Path) -> None:
    """The comparison of a stored record made again (with the stored BMTK figures and
    the files still in ``work``), for a page written from the records alone."""
    reference = load_reference(result["circuit"])
    if not result.get("neuroloom") or not result.get("same_build") or not reference:
        return
    old = work / "bmtk" / result["circuit"]
    bmtk_files = output_files(output_dir(old / "config.json")) if old.exists() else None
    try:
        result["compare"] = compare(reference, result["neuroloom"], bmtk_files)
    except OSError as error:  # the files are gone (or being rewritten): keep the record's
        print(f"{result['circuit']}: comparison kept from the record ({error})")


def own_findings(validation: dict | None, circuit_check: dict) -> None:
    """Keep in ``validation`` only the errors the circuit alone does not give: what the
    outputs checked with it get wrong (the circuit's own are listed once, apart)."""
    if validation is None:
        return
    known = set(circuit_check.get("errors") or [])
    validation["circuit_errors"] = len([e for e in validation["errors"] if e in known])
    validation["errors"] = [e for e in validation["errors"] if e not in known]


def summary_of_reference(reference: dict | None) -> dict | None:
    if not reference:
        return None
    outputs = reference.get("outputs") or {}
    run = reference.get("run", {})
    return {"ok": run.get("ok"), "error": run.get("error"), "wall_s": run.get("wall_s"),
            "counts": reference.get("counts"),
            "spikes": {p: e["count"] for p, e in (outputs.get("spikes") or {}).items()},
            "reports": sorted(outputs.get("reports") or {}),
            "ecp": bool(outputs.get("ecp")),
            "shipped_spikes": reference.get("shipped_spikes"),
            "validation_errors": (reference.get("validation") or {}).get("errors")
            if "validation" in reference else reference.get("validation_errors")}


# -- the page ------------------------------------------------------------------------------------
def _spikes_text(per_pop: dict | None) -> str:
    if not per_pop:
        return "–"
    return ", ".join(f"{p} {n:,}" for p, n in per_pop.items())


def _count_text(counts: dict) -> str:
    return " + ".join(f"{n:,}" for n in counts.values()) if counts else "0"


def _error(text: str | None, limit: int = 220) -> str:
    text = (text or "").replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _matched(cmp: dict | None) -> str:
    if not cmp:
        return "–"
    parts = []
    for pop, e in cmp.items():
        if e.get("only_in"):
            parts.append(f"{pop}: only in {'BMTK' if e['only_in'] == 'ref' else 'neuroloom'}")
        elif e.get("digest_only"):
            parts.append(f"{pop}: {'EXACT' if e['exact'] else 'different'} (digest)")
        else:
            parts.append(f"{pop}: {'**EXACT**' if e['exact'] else 'different'} "
                         f"{e['matched']:,}/{e['ref']:,}")
    return "; ".join(parts)


def _report_text(cmp: dict | None) -> str:
    if not cmp:
        return "–"
    parts = []
    for name, e in (cmp.get("reports") or {}).items():
        if e.get("missing"):
            parts.append(f"{name}: not written")
            continue
        shifts = {int(k): v for k, v in e["shift"].items()}  # JSON keys are strings
        same = shifts.get(0)
        best = min(((v, k) for k, v in shifts.items() if v is not None), default=(None, 0))
        text = f"{name} {_g(same)}"
        if best[0] is not None and best[1] != 0 and best[0] < (same or 0):
            text += f" ({_g(best[0])} shifted {best[1]:+d} frame)"
        elif e.get("flat") is not None and e["flat"] < 0.5 * (same or 0):
            text += f" ({_g(e['flat'])} away from spike upstrokes)"
        if e.get("problems"):
            text += f" [{'; '.join(e['problems'])}]"
        parts.append(text)
    ecp = cmp.get("ecp")
    if ecp:
        if ecp.get("missing"):
            parts.append("ecp: not written")
        elif ecp.get("problem"):
            parts.append(f"ecp: {ecp['problem']}")
        else:
            shifts = {int(k): v for k, v in ecp["shift"].items()}
            parts.append(f"ecp {_g(shifts.get(0))} of max {_g(ecp['max_abs_ref'])}")
    return "; ".join(parts) or "–"


def _g(value) -> str:
    return "–" if value is None else f"{value:.3g}"


def neuroloom_cell(result: dict) -> str:
    got = result.get("neuroloom")
    if not got:
        return "not run"
    run = got["run"]
    if not run.get("ok"):
        return f"**fails**: {_error(run.get('error'))}"
    spikes = (got.get("outputs") or {}).get("spikes") or {}
    return _spikes_text({p: e["count"] for p, e in spikes.items()})


def export_cell(result: dict) -> str:
    got = result.get("neuroloom") or {}
    export = got.get("export")
    if not got.get("run", {}).get("ok"):
        return "–"
    if not export or not export.get("ok", True) or "run" not in export:
        return f"**no export**: {_error((export or {}).get('error'))}"
    if not export["run"].get("ok"):
        return f"**BMTK fails**: {_error(export['run'].get('error'))}"
    spikes = (export.get("outputs") or {}).get("spikes") or {}
    text = _spikes_text({p: e["count"] for p, e in spikes.items()})
    cmp = (result.get("compare") or {}).get("export_spikes")
    if cmp is not None:
        text += " (= neuroloom)" if spikes_identical(cmp) else " (≠ neuroloom)"
    return text


def times_cell(result: dict) -> str:
    ref = result.get("reference") or {}
    parts = []
    if ref.get("wall_s") is not None:
        parts.append(f"BMTK {ref['wall_s']:.0f} s")
    got = result.get("neuroloom")
    if got and got["run"].get("wall_s") is not None:
        run = got["run"]
        inner = (f" (import {run['import_s']}, run {run['simulate_s']})"
                 if run.get("ok") else "")
        parts.append(f"neuroloom {run['wall_s']:.0f} s{inner}")
    export = (got or {}).get("export") or {}
    if export.get("run", {}).get("wall_s") is not None:
        parts.append(f"BMTK-on-export {export['run']['wall_s']:.0f} s")
    return "; ".join(parts) or "–"


def table_row(result: dict) -> str:
    ref = result.get("reference") or {}
    counts = result.get("counts") or (ref.get("counts") or {})
    cells = _count_text(counts.get("cells", {}))
    edges = _count_text(counts.get("edges", {}))
    if ref.get("ok"):
        bmtk = _spikes_text(ref.get("spikes"))
    elif ref:
        bmtk = f"**fails**: {_error(ref.get('error'))}"
    else:
        bmtk = "no reference"
    cmp = result.get("compare") or {}
    matched = _matched(cmp.get("spikes"))
    if cmp.get("spikes_bmtk_signs"):
        matched += f"; with signs='bmtk': {_matched(cmp['spikes_bmtk_signs'])}"
    if result.get("neuroloom") and result.get("same_build") is False:
        matched = "not comparable: regenerated files differ from the reference's build"
    return (f"| [{result['circuit']}](#{result['circuit'].lower()}) | {cells} | {edges} | {bmtk} "
            f"| {neuroloom_cell(result)} | {export_cell(result)} | {matched} "
            f"| {_report_text(cmp)} | {times_cell(result)} |")


def validation_lines(label: str, validation: dict | None) -> list[str]:
    if not validation:
        return []
    errors = validation.get("errors") or []
    head = f"- validate_sonata.py, {label}: {len(errors)} error(s)"
    if validation.get("warnings") is not None:
        head += f", {validation['warnings']} warning(s)"
    lines = [head]
    lines += [f"  - {_error(e, 300)}" for e in errors[:8]]
    if len(errors) > 8:
        lines.append(f"  - … {len(errors) - 8} more")
    return lines


def circuit_section(result: dict) -> list[str]:
    name = result["circuit"]
    lines = [f"### {name}", ""]
    prepared = result.get("prepare") or {}
    circuit = BY_NAME[name]
    if circuit.regenerate:
        lines.append("- regenerated: " + "; ".join(
            f"`{f}` by `{r.script}`" + (f" (shims: {', '.join(r.shims)})" if r.shims else "")
            for r in circuit.regenerate for f in r.files))
        for f, digest in (prepared.get("regenerated") or {}).items():
            lines.append(f"  - `{f}` md5 {digest[:12]}…")
    if not prepared.get("ok", True):
        lines.append(f"- **regeneration fails**: {_error(prepared.get('error'), 400)}")
    ref = result.get("reference") or {}
    counts = result.get("counts") or ref.get("counts") or {}
    lines += validation_lines("the corpus circuit as shipped (`--legacy-config`)",
                              result.get("circuit_validation"))
    lines.append("- cells: " + (", ".join(f"{p} {n:,}" for p, n in counts.get("cells", {}).items())
                                or "–")
                 + "; edges: " + (", ".join(f"{p} {n:,}" for p, n in
                                            counts.get("edges", {}).items()) or "none"))
    if ref:
        if ref.get("ok"):
            lines.append(f"- BMTK 1.2.0: spikes {_spikes_text(ref.get('spikes'))}; reports "
                         f"{', '.join(ref.get('reports') or []) or 'none'}"
                         f"{', ecp' if ref.get('ecp') else ''}; {ref.get('wall_s')} s")
            if ref.get("shipped_spikes"):
                lines.append(f"  - the corpus's shipped output/spikes.h5: "
                             f"{_spikes_text(ref['shipped_spikes'])}")
        else:
            lines.append(f"- BMTK 1.2.0 fails: `{_error(ref.get('error'), 400)}`")
        lines += validation_lines("BMTK's outputs", {"errors": ref.get("validation_errors")}
                                  if ref.get("validation_errors") is not None else None)
    got = result.get("neuroloom")
    if got:
        run = got["run"]
        if run.get("ok"):
            lines.append(f"- neuroloom: {run.get('cells'):,} cells, "
                         f"{run.get('connections'):,} connections; spikes "
                         f"{neuroloom_cell(result)}; import {run.get('import_s')} s, "
                         f"simulate {run.get('simulate_s')} s, save {run.get('save_s')} s, "
                         f"export {run.get('export_s', '–')} s; process {run['wall_s']} s")
            lines += validation_lines("neuroloom's outputs", got.get("validation"))
        else:
            lines.append(f"- neuroloom fails (process {run['wall_s']} s): "
                         f"`{_error(run.get('error'), 400)}`")
        signs = got.get("bmtk_signs")
        if signs:
            status = "runs" if signs["run"].get("ok") else \
                f"fails: `{_error(signs['run'].get('error'))}`"
            lines.append(f"- neuroloom with `signs='bmtk'`: {status} "
                         f"({signs['run'].get('wall_s')} s)")
        export = got.get("export")
        if export:
            if "run" not in export:
                lines.append(f"- export: fails: `{_error(export.get('error'), 400)}`")
            else:
                lines += validation_lines(f"the export (circuit, {SPEC_SIMULATION} and neuroloom's "
                                          "outputs of it)",
                                          export.get("validation"))
                erun = export["run"]
                if erun.get("ok"):
                    lines.append(f"- BMTK on the export: spikes {export_cell(result)}; "
                                 f"{erun['wall_s']} s")
                    lines += validation_lines("BMTK's outputs on the export",
                                              export.get("output_validation"))
                else:
                    lines.append(f"- BMTK on the export fails: `{_error(erun.get('error'), 400)}`")
    cmp = result.get("compare") or {}
    for what, (in_files, built) in (cmp.get("built") or {}).items():
        same = "the same" if in_files == built else "**different**"
        lines.append(f"- {what}: {in_files:,} in the files, {built:,} built by neuroloom "
                     f"({same})")
    for key, label in (("spikes", "spikes, neuroloom vs BMTK"),
                       ("spikes_bmtk_signs", "spikes, neuroloom signs='bmtk' vs BMTK"),
                       ("export_spikes", "spikes, BMTK on the export vs neuroloom")):
        for pop, e in (cmp.get(key) or {}).items():
            if e.get("only_in"):
                lines.append(f"- {label}, {pop}: only in "
                             f"{'the first' if e['only_in'] == 'ref' else 'the second'} "
                             f"({e.get('ref')} / {e.get('got')})")
            elif e.get("digest_only"):
                lines.append(f"- {label}, {pop}: {e['ref']} / {e['got']}, "
                             f"{'identical' if e['exact'] else 'different'} (digest)")
            else:
                text = (f"- {label}, {pop}: {e['ref']:,} / {e['got']:,}; "
                        f"{'identical' if e['exact'] else 'different'}; matched exactly "
                        f"{e['matched']:,}, within 0.1 ms {e['matched_0.1ms']:,}")
                if e.get("first_difference_ms") is not None:
                    text += f"; first difference at {e['first_difference_ms']:.4g} ms"
                lines.append(text)
    if cmp.get("reports") or cmp.get("ecp"):
        lines.append(f"- reports, max |neuroloom − BMTK| (frame by frame; shifted): "
                     f"{_report_text(cmp)}")
    for cause in CAUSES.get(name, []):
        lines.append(f"- cause: {cause}")
    lines.append("")
    return lines


def write_page(results: list[dict], work: Path | None = None) -> None:
    """docs/sonata-conformance.md from the circuits' records (paths in the work folder
    are written as WORK/...)."""
    lines = [
        "# SONATA conformance",
        "",
        "Generated by `bench/sonata_conformance.py` (read its docstring for what it does and",
        "the shims it applies to the copies of the corpus). Every official SONATA example",
        "(`../shared/sonata-examples`) is run as shipped on BMTK 1.2.0 (bionet, NEURON 9)",
        "and on neuroloom (`sim.importSONATA`, `simulate`, `saveData`, each in its own",
        "process); neuroloom's export of it (`sim.exportSONATA`) is run on BMTK unmodified.",
        "Every file written is checked with `../shared/tools/validate_sonata.py`. Spikes are",
        "compared per population as `../shared/tools/compare_spikes.py` does; \"matched\" is",
        "the number of BMTK's spikes with a neuroloom spike of the same node within 1e-9 ms.",
        "Report differences are the largest |neuroloom − BMTK| over nodes and frames (v in",
        "mV, cai in mM, ecp in mV), frame by frame; in brackets, where smaller, with",
        "neuroloom's frames shifted by one (BMTK's frame k holds t = (k+1) dt), or away",
        "from the upstrokes of spikes. float32 rounding of v (|v| < 100 mV) is 3.8e-6 mV.",
        "",
        "Missing corpus files regenerated with the examples' own scripts, on copies: "
        "300_cells' edges (`build_network.py`), layer4_sample's LGN edges (`build_lgn.py`) "
        "and spike trains (`generate_spikes.py`); the build scripts need a Python 3 / "
        "bmtk 1.2.0 shim (Python 3 `print`, text-mode CSV and `random.random()` in "
        "layer4's `build_helpers.py`; `X -> X.swc` morphology links; bmtk 1.2.0's "
        "`SWCReader` given the pre-1.0 calls `get_coord`, `get_dist`, `get_type`, a scalar "
        "`choose_sections` and the axon stub on construction). Every script runs with "
        "pandas' `future.infer_string` off and numpy's old aliases restored. The builds "
        "are random and unseeded: counts and spikes of 300_cells and layer4_sample belong "
        "to the build recorded (md5 below).",
        "",
        "| circuit | cells | edges | spikes BMTK | spikes neuroloom | spikes BMTK on our "
        "export | matched (neuroloom vs BMTK) | report differences | times |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [table_row(r) for r in results]
    lines += ["", "Times are wall-clock seconds of each process (start-up included) on a "
              "shared 2-CPU machine; BMTK's are those of the run that made the stored "
              "figures.", "", "## Circuits", ""]
    for result in results:
        lines += circuit_section(result)
    text = "\n".join(lines).rstrip() + "\n"
    if work is not None:
        text = text.replace(str(work), "WORK")
    REPORT.write_text(text)


# -- main ----------------------------------------------------------------------------------------
def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--circuits", nargs="+", choices=list(BY_NAME))
    parser.add_argument("--side", choices=("bmtk", "neuroloom", "both"), default="both")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S)
    parser.add_argument("--regenerate", action="store_true",
                        help="regenerate the missing files even if --work has them")
    parser.add_argument("--no-page", action="store_true", help="do not write the page")
    parser.add_argument("--page-only", action="store_true",
                        help="run nothing: write the page from the records in --work")
    args = parser.parse_args(argv)
    work = (args.work or Path(os.environ.get("RUNS") or tempfile.mkdtemp(
        prefix="sonata-conformance-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    chosen = [BY_NAME[n] for n in args.circuits] if args.circuits else list(CIRCUITS)
    if args.page_only:
        chosen = []
    chosen.sort(key=lambda c: not c.regenerate)  # the long ones (the builds) first
    print(f"work folder: {work}", flush=True)

    def one(circuit):
        try:
            result = run_circuit(circuit, args.side, work, args.timeout, args.regenerate)
        except Exception as error:  # noqa: BLE001  (one circuit's failure is its row)
            traceback.print_exc()
            result = {"circuit": circuit.name, "harness_error": f"{type(error).__name__}: "
                                                                f"{error}"}
        print(f"{circuit.name}: done in {result.get('wall_s')} s", flush=True)
        return result

    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        done = {r["circuit"]: r for r in pool.map(one, chosen)}
    results = []
    for circuit in CIRCUITS:  # circuits not run now: their last record in the work folder
        if circuit.name in done:
            results.append(done[circuit.name])
        elif (work / "results" / f"{circuit.name}.json").exists():
            record = json.loads((work / "results" / f"{circuit.name}.json").read_text())
            if args.page_only:
                recompare(record, work)
            results.append(record)
        else:
            results.append({"circuit": circuit.name,
                            "reference": summary_of_reference(load_reference(circuit.name))})
    if not args.no_page:
        write_page(results, work)
        print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
