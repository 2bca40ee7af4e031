#!/usr/bin/env python3
"""Round trip of every NeuroML2 document of the corpus (issue 18, item 3).

The corpus (``../shared/neuroml-examples``, see its README) holds, besides the LEMS examples
that bench/neuroml_conformance.py runs, NeuroML2 documents without a LEMS file
(``examples/*.nml``): some hold a network, some only cells, channels, synapses or inputs.
For every document, in its own fresh copy of the corpus (``LEMSexamples/`` and
``examples/`` side by side, as the conformance harness copies them) and in its own process:

* **what it holds**: the top-level elements (``network``, ``cell``, ``ionChannelHH``, ...),
  and what neuroloom's reader (``neuroml.reader.read``) finds: components and the network.
* **network documents**: ``sim.importNeuroML2(doc, simConfig=SimConfig(duration=DURATION_MS,
  dt=DT_MS))`` (cells and connections, or the error text), a run recording every cell's
  spikes, ``sim.exportNeuroML2`` into ``WORK/<doc>/export``, ``pynml -validate`` on the
  exported network file (one Java at a time, niced), and the exported LEMS file re-imported
  and run in another process: cells, connections and every cell's spikes must be the first
  run's, exactly (``same``).
* **documents without a network**: nothing to run (``neuroloom run`` of one builds no
  cell); every ``<cell>`` is read as a cellParams entry with
  ``specs.NetParams().importCellParams`` (sections and mechanisms, or the error text).

Writes ``docs/neuroml-documents.md`` and ``tests/data/neuroml_documents.json`` (the figures;
tests/acceptance/test_neuroml_documents.py re-runs the documents that pass today).

    python bench/neuroml_documents.py                          # every document
    python bench/neuroml_documents.py --documents NML2_SegmentConnections --work W
    python bench/neuroml_documents.py --page-only --work W     # the page from W's records
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import numpy as np  # noqa: E402
from neuroml_conformance import (PYTHON, ROOT, TOLERANCE_MS, corpus, error_line,  # noqa: E402
                                 fresh_copy, greedy_pairs, java, pynml_env)

from neuroloom import sim, specs  # noqa: E402
from neuroloom.neuroml import reader  # noqa: E402

DURATION_MS = 200.0
DT_MS = 0.025
TIMEOUT_S = {"neuroloom": 900, "validate": 300, "jneuroml": 900}
REPORT = ROOT / "docs" / "neuroml-documents.md"
FIGURES = ROOT / "tests" / "data" / "neuroml_documents.json"


def documents() -> list[str]:
    """The stems of the corpus's NeuroML2 documents (examples/*.nml), sorted."""
    return sorted(p.stem for p in (corpus() / "examples").glob("*.nml"))


def holds(path: Path) -> dict[str, int]:
    """Top-level element name -> count (``include`` and ``notes`` left out)."""
    counts = collections.Counter(el.tag.rsplit("}", 1)[-1] for el in ET.parse(path).getroot())
    return {k: v for k, v in sorted(counts.items()) if k not in ("include", "notes")}


# -- in the child process --------------------------------------------------------------------
def spikes_by_cell(network, data) -> dict[str, list[float]]:
    """'<population>[<index>]' -> its spike times (ms, sorted), every cell."""
    spkt, spkid = np.asarray(data["spkt"], float), np.asarray(data["spkid"], float)
    return {f"{p.label}[{i}]": [float(t) for t in np.sort(spkt[spkid == p.gid_start + i])]
            for p in network.pops for i in range(p.size)}


def run_model(path: Path, simconfig) -> dict:
    """Import, run, gather: the network's size and every cell's spikes."""
    start = time.time()
    model = sim.importNeuroML2(str(path), simConfig=simconfig, simulate=False, analyze=False)
    record = {"import_s": round(time.time() - start, 2)}
    network = model.network
    record["populations"] = {p.label: int(p.size) for p in network.pops}
    record["cells"] = int(sum(p.size for p in network.pops))
    record["connections"] = int(len(network.conns))
    start = time.time()
    sim.runSim()
    sim.gatherData()
    record["run_s"] = round(time.time() - start, 2)
    record["spikes"] = spikes_by_cell(network, sim.allSimData)
    return record


def cell_files(path: Path) -> dict:
    """Every <cell> of a document as a cellParams entry: sections and mechanisms, or the
    error."""
    cells = {}
    for el in ET.parse(path).getroot():
        if el.tag.rsplit("}", 1)[-1] != "cell":
            continue
        cell_id = el.get("id")
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                params = specs.NetParams().importCellParams(cell_id, str(path), cellName=cell_id)
            secs = params["secs"]
            cells[cell_id] = {"ok": True, "sections": len(secs),
                              "mechanisms": sorted({m for s in secs.values()
                                                    for m in s.get("mechs", {})}),
                              "warnings": [str(w.message).split(": ", 1)[-1] for w in caught]}
        except Exception as exc:  # the report says what failed
            cells[cell_id] = {"ok": False, "error": one_line(exc)}
    return cells


def one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:700]


def child(path: Path, export: Path | None, reimport: bool) -> dict:
    """One document (or, with reimport, an exported LEMS file) in this process."""
    record: dict = {}
    if not reimport:
        doc = reader.read(path)
        record["reader"] = {"components": len(doc.components), "network": doc.network_id or None}
        if not doc.network_id:
            record["cell_params"] = cell_files(path)
            try:  # what sim.importNeuroML2 (and so neuroloom run) makes of it
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    model = sim.importNeuroML2(str(path), simulate=False, analyze=False)
                record["without_network"] = f"{len(model.network.cells)} cells"
                record["import_warnings"] = [str(w.message).split(": ", 1)[-1]
                                             for w in caught]
            except Exception as exc:  # the report says what failed
                record["without_network"] = one_line(exc)
            return record
    config = None if reimport else specs.SimConfig(duration=DURATION_MS, dt=DT_MS)
    try:
        record.update(run_model(path, config))
    except Exception as exc:  # the report says what failed
        record["import_error"] = one_line(exc)
        record["traceback"] = traceback.format_exc()[-3000:]
        return record
    if export is not None:
        export.mkdir(parents=True, exist_ok=True)
        os.chdir(export)  # the export goes to the saveFolder: none at import, so "."
        start = time.time()
        try:
            record["export"] = [str(Path(f).resolve()) for f in sim.exportNeuroML2(path.stem)]
        except Exception as exc:  # the round trip's failure, not the run's
            record["export_error"] = one_line(exc)
            record["traceback"] = traceback.format_exc()[-3000:]
        record["export_s"] = round(time.time() - start, 2)
    return record


def child_main(args) -> int:
    out = Path(args.child_out)
    try:
        record = child(Path(args.child), Path(args.child_export) if args.child_export else None,
                       args.child_reimport)
    except BaseException as exc:  # every failure comes back as data
        record = {"error": one_line(exc), "traceback": traceback.format_exc()[-3000:]}
    out.write_text(json.dumps(record))
    return 0


# -- in the parent ---------------------------------------------------------------------------
def run_child(path: Path, out: Path, export: Path | None = None, reimport: bool = False) -> dict:
    """child() in its own process (NEURON's state is per process)."""
    command = ["nice", "-n", "10", str(PYTHON), str(Path(__file__).resolve()), "--child",
               str(path), "--child-out", str(out)]
    if export is not None:
        command += ["--child-export", str(export)]
    if reimport:
        command.append("--child-reimport")
    env = {**pynml_env(), "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    start = time.time()
    try:
        run = subprocess.run(command, cwd=path.parent, env=env, capture_output=True, text=True,
                             check=False, timeout=TIMEOUT_S["neuroloom"])
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {TIMEOUT_S['neuroloom']} s",
                "wall_s": round(time.time() - start, 2)}
    log = run.stdout + run.stderr
    out.with_suffix(".log").write_text(log)
    if not out.exists():
        return {"error": error_line(log), "wall_s": round(time.time() - start, 2)}
    record = json.loads(out.read_text())
    record["wall_s"] = round(time.time() - start, 2)
    return record


def validate(nml: Path) -> dict:
    """pynml -validate on one file: ok, wall s, the error line."""
    code, log, wall = java([nml.name, "-validate"], nml.parent, TIMEOUT_S["validate"])
    ok = code == 0 and "Valid against schema and all tests" in log
    return {"ok": ok, "wall_s": round(wall, 2), **({} if ok else {"error": error_line(log)})}


def same(first: dict, again: dict) -> dict:
    """Which of cells, connections, spikes the re-import reproduced exactly."""
    return {key: again.get(key) == first.get(key) for key in ("cells", "connections", "spikes")}


def names(path: Path) -> dict:
    """What the reader finds in a file (with its includes): component ids, the network's
    id, population ids, (kind, id) of projections and input lists."""
    doc = reader.read(path)
    return {"components": sorted(doc.components), "network": doc.network_id,
            "populations": sorted(p.id for p in doc.populations),
            "projections": sorted(f"{p.kind} {p.id}" for p in doc.projections)}


def kept(original: dict, exported: dict) -> dict:
    """What of the original's names the export lost or renamed (empty: all kept)."""
    out = {}
    lost = sorted(set(original["components"]) - set(exported["components"]))
    if lost:
        out["components lost"] = lost
    for key in ("network", "populations", "projections"):
        if original[key] != exported[key]:
            out[key] = [original[key], exported[key]]
    return out


ANNOTATION = re.compile(r'\s*<property tag="neuroloom" value="[^"]*"\s*/>')


def without_annotation(files: list[Path], folder: Path) -> Path:
    """A copy of the exported files into folder, neuroloom's annotation (the network's
    ``<property tag="neuroloom">``, neuroml/annotation.py) taken out of the NeuroML ones."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        text = file.read_text()
        if file.suffix == ".nml":
            text, count = ANNOTATION.subn("", text)
            if count != 1:
                raise RuntimeError(f"{file}: {count} neuroloom annotations, expected 1")
        (folder / file.name).write_text(text)
    return folder


def round_trip(first: dict, folder: Path, original: Path | None = None) -> dict:
    """Validate the export and re-import its LEMS file: the verdict and its figures."""
    if first.get("export_error"):
        return {"ok": False, "error": f"export: {first['export_error']}"}
    files = [Path(f) for f in first.get("export", [])]
    nml = [f for f in files if f.suffix in (".nml", ".h5")]
    lems = [f for f in files if f.suffix == ".xml"]
    out = {"files": [f.name for f in files]}
    if not nml or not lems:
        return {**out, "ok": False, "error": "the export wrote no network or LEMS file"}
    out["validate"] = validate(nml[0])
    if original is not None:  # the network is the test; names are reported, not required
        out["names"] = kept(names(original), names(nml[0]))
    again = run_child(lems[0], folder / "reimport.json", reimport=True)
    out["reimport_s"] = again.get("wall_s")
    if again.get("error") or again.get("import_error"):
        return {**out, "ok": False,
                "error": f"re-import: {again.get('error') or again.get('import_error')}"}
    out["same"] = same(first, again)
    problems = [f"{k} differ" for k, ok in out["same"].items() if not ok]
    # the same files without neuroloom's annotation: the NeuroML elements alone must hold
    # the network (the importer then reads the file as any NeuroML file)
    plain = without_annotation(files, folder / "plain")
    bare = run_child(plain / lems[0].name, folder / "reimport_plain.json", reimport=True)
    if bare.get("error") or bare.get("import_error"):
        out["same_without_annotation"] = None
        problems.append("re-import without the annotation: "
                        f"{bare.get('error') or bare.get('import_error')}")
    else:
        out["same_without_annotation"] = same(first, bare)
        problems += [f"{k} differ without the annotation"
                     for k, ok in out["same_without_annotation"].items() if not ok]
    if not out["validate"]["ok"]:
        problems.insert(0, f"pynml -validate: {out['validate']['error']}")
    return {**out, "ok": not problems, **({"error": "; ".join(problems)} if problems else {})}


def cell_components(path: Path) -> list[str]:
    """Ids of the document's own cells: <cell> and the abstract and PyNN cell types."""
    return [el.get("id") for el in ET.parse(path).getroot()
            if re.fullmatch(r"cell|\w+Cell|(IF|EIF)_\w+|HH_cond_exp", el.tag.rsplit("}", 1)[-1])]


def one_cell_network(path: Path, cell_id: str) -> Path:
    """A document beside path that includes it and holds a network of one cell_id cell."""
    wrapper = path.with_name(f"{path.stem}__{cell_id}.nml")
    wrapper.write_text(
        '<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="one_cell">\n'
        f'  <include href="{path.name}"/>\n  <network id="one_cell">\n'
        f'    <population id="pop_{cell_id}" component="{cell_id}" size="1"/>\n'
        '  </network>\n</neuroml>\n')
    return wrapper


def run_one_cell(path: Path, cell_id: str, folder: Path) -> dict:
    """A cell of a document without a network, in a network of its own: import, run,
    export, validate, re-import (as a network document)."""
    folder.mkdir(parents=True, exist_ok=True)
    first = run_child(one_cell_network(path, cell_id), folder / "run.json",
                      export=folder / "export")
    out = {k: first[k] for k in ("cells", "import_error", "error", "export_error")
           if k in first}
    if "spikes" in first:
        out["spike_count"] = sum(map(len, first["spikes"].values()))
        trip = round_trip(first, folder)
        out["round_trip"] = {k: trip[k] for k in ("ok", "error", "same",
                                                  "same_without_annotation") if k in trip}
        out["round_trip"]["validates"] = trip.get("validate", {}).get("ok")
    return out


def jneuroml_run(first: dict, folder: Path) -> dict:
    """The exported LEMS file run by jNeuroML's NEURON export (``pynml LEMS -neuron -run``)
    in a copy of the export folder; its spikes (the EventOutputFile the export writes: id =
    gid, time in s) compared with neuroloom's first run, cell by cell."""
    files = [Path(f) for f in first.get("export", [])]
    lems = next((f for f in files if f.suffix == ".xml"), None)
    if lems is None:
        return {"ok": False, "error": "no exported LEMS file"}
    run_dir = folder / "jneuroml"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    shutil.copytree(lems.parent, run_dir)
    code, log, wall = java([lems.name, "-neuron", "-run", "-nogui"], run_dir,
                           TIMEOUT_S["jneuroml"])
    out = {"wall_s": round(wall, 2)}
    spikes_file = run_dir / f"{lems.stem.removeprefix('LEMS_')}.spikes"
    if code != 0 or not spikes_file.exists():
        return {**out, "ok": False, "error": error_line(log) if code != "timeout"
                else f"timeout after {TIMEOUT_S['jneuroml']} s"}
    cells = list(first["spikes"])  # gid order: populations in order, cells in order
    theirs: dict[str, list[float]] = {cell: [] for cell in cells}
    for line in spikes_file.read_text().split("\n"):
        if line.strip():
            gid, t = line.split()
            theirs[cells[int(float(gid))]].append(float(t) * 1000.0)
    return {**out, **compare_spikes(first["spikes"], theirs)}


def compare_spikes(ours: dict, theirs: dict) -> dict:
    """Counts, spikes paired within TOLERANCE_MS, the largest |dt| of those pairs (ms)."""
    pairs = [dt for cell in ours for dt in greedy_pairs(sorted(theirs.get(cell, [])),
                                                        ours[cell], TOLERANCE_MS)]
    count = sum(map(len, ours.values()))
    their_count = sum(map(len, theirs.values()))
    return {"ok": len(pairs) == count == their_count, "spikes": their_count,
            "matched": len(pairs), "max_dt_ms": round(max(pairs), 6) if pairs else None}


def run_document(stem: str, work: Path, with_jneuroml: bool = False) -> dict:
    """One document end to end in WORK/<stem>: the record the page and the figures use."""
    folder = work / stem
    copy = fresh_copy(folder / "corpus").parent / "examples"
    path = copy / f"{stem}.nml"
    start = time.time()
    record = {"document": stem, "holds": holds(path)}
    first = run_child(path, folder / "run.json", export=folder / "export")
    record.update({k: v for k, v in first.items() if k != "traceback"})
    if "cells" in first:
        record["round_trip"] = round_trip(first, folder, path)
        if with_jneuroml and first.get("export"):
            record["jneuroml"] = jneuroml_run(first, folder)
    elif "reader" in first:  # no network: each of its cells in a network of its own
        record["one_cell_networks"] = {cell: run_one_cell(path, cell, folder / "one_cell" / cell)
                                       for cell in cell_components(path)}
    record["spike_count"] = sum(map(len, first.get("spikes", {}).values())) if "spikes" in first \
        else None
    record["time_s"] = round(time.time() - start, 2)
    (folder / "record.json").write_text(json.dumps(record))
    return record


# -- the figures and the page ----------------------------------------------------------------
def figures(record: dict) -> dict:
    """What tests/data/neuroml_documents.json keeps of a record (spike lists as counts)."""
    keep = {k: record[k] for k in ("document", "holds", "reader", "cell_params",
                                   "without_network", "import_warnings", "one_cell_networks",
                                   "jneuroml", "populations",
                                   "cells", "connections", "spike_count", "import_error",
                                   "export_error", "error", "time_s") if k in record}
    if "round_trip" in record:
        rt = record["round_trip"]
        keep["round_trip"] = {k: rt[k] for k in ("ok", "error", "same", "same_without_annotation",
                                                 "files", "names") if k in rt}
        keep["round_trip"]["validates"] = rt.get("validate", {}).get("ok")
    keep["passes"] = bool(record.get("round_trip", {}).get("ok"))
    return keep


def verdict(record: dict) -> tuple[str, str, str, str, str]:
    """(import, spikes, validates, identical, identical without the annotation) cells of
    the table."""
    if record.get("error"):
        return f"error: {record['error']}", "", "", "", ""
    if "import_error" in record:
        return "error (below)", "", "", "", ""
    if "cells" not in record:
        return (f"no network (sim.importNeuroML2: {record.get('without_network')})",
                "", "", "", "")
    rt = record.get("round_trip", {})
    valid = rt.get("validate", {}).get("ok", rt.get("validates"))

    def identical(key):
        found = rt.get(key)
        if not found:
            return "-"
        return "yes" if all(found.values()) else "no: " + ", ".join(
            k for k, ok in found.items() if not ok) + " differ"

    return ("ok", str(record.get("spike_count")), {True: "yes", False: "no", None: "-"}[valid],
            identical("same"), identical("same_without_annotation"))


def short(holds_: dict) -> str:
    return ", ".join(f"{k}" + (f" x{v}" if v > 1 else "") for k, v in holds_.items())


PAGE_HEAD = f"""# NeuroML2 documents: import, export, validate, re-import

Every NeuroML2 document of the corpus that comes without a LEMS file
(`../shared/neuroml-examples/examples/*.nml`, NeuroML2 repository at ed6b8b7), as
`bench/neuroml_documents.py` runs it (issue 18, item 3: lossless both ways). Each document
runs in its own process in a fresh copy of the corpus: `sim.importNeuroML2` with
{DURATION_MS:g} ms at dt {DT_MS} ms, every cell's spikes recorded; `sim.exportNeuroML2`;
`pynml -validate` on the exported network file; the exported LEMS file re-imported and run in
another process, whose cells, connections and spikes must be the first run's exactly; and
again with neuroloom's annotation taken out of the exported file (the network's
`<property tag="neuroloom">`, which the importer uses only on a file exactly as neuroloom
wrote it): the NeuroML elements alone must give the same network and spikes. A
document without a `<network>` has nothing to run (`neuroloom run X.nml` builds no cell);
its `<cell>`s are read with `specs.NetParams().importCellParams`. The LEMS examples are in
[neuroml-conformance.md](neuroml-conformance.md). Figures: `tests/data/neuroml_documents.json`;
CI (`tests/acceptance/test_neuroml_documents.py`) re-runs the documents that pass.

| document | holds | import | cells / connections | spikes | export validates | re-import identical | without annotation | time (s) |
|---|---|---|---|---|---|---|---|---|
"""


def without_work_dir(value):
    """value (a record, or a part of one) with the work folder's copy of the corpus left out
    of every path: ``/W/<doc>/corpus/examples/x.nml`` -> ``examples/x.nml``."""
    if isinstance(value, str):
        return re.sub(r"/\S*?/corpus/", "", value)
    if isinstance(value, dict):
        return {k: without_work_dir(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_work_dir(v) for v in value]
    return value


def write_page(records: list[dict]) -> None:
    records = without_work_dir(records)
    rows, notes = [], []
    for rec in records:
        imp, spikes, valid, identical, bare = verdict(rec)
        size = f"{rec['cells']} / {rec['connections']}" if "cells" in rec else "-"
        if "cells" not in rec and "cell_params" in rec and rec["cell_params"]:
            read = [f"{c}: " + (f"{v['sections']} sections, mechanisms "
                                f"{', '.join(v['mechanisms']) or 'none'}" if v["ok"] else "error")
                    for c, v in rec["cell_params"].items()]
            size = "cells read: " + "; ".join(read)
        rows.append(f"| {rec['document']} | {short(rec['holds'])} | {imp} | {size} | {spikes} "
                    f"| {valid} | {identical} | {bare} | {rec.get('time_s', '')} |")
        for key in ("error", "import_error", "export_error"):
            if rec.get(key):
                notes.append(f"- **{rec['document']}** ({key.replace('_', ' ')}): `{rec[key]}`")
        rt = rec.get("round_trip", {})
        if rt.get("error") and not rec.get("export_error"):
            notes.append(f"- **{rec['document']}** (round trip): `{rt['error']}`")
        for cell, v in (rec.get("cell_params") or {}).items():
            for warning in v.get("warnings", []):
                notes.append(f"- **{rec['document']}**, cell `{cell}` (importCellParams warns): "
                             f"`{warning}`")
            if not v["ok"]:
                notes.append(f"- **{rec['document']}**, cell `{cell}` (importCellParams): "
                             f"`{v['error']}`")
    text = PAGE_HEAD + "\n".join(rows) + "\n"
    text += "\n## What does not work\n\n" + ("\n".join(notes) if notes else "Nothing.") + "\n"
    text += one_cell_section(records)
    text += jneuroml_section(records)
    text += NAMES_HEAD + "\n".join(renamed(rec) for rec in records
                                    if rec.get("round_trip", {}).get("names")) + "\n"
    text += NOTES_TAIL
    REPORT.write_text(text)


def jneuroml_section(records: list[dict]) -> str:
    """The table of the exports run by jNeuroML's NEURON export (``--jneuroml``)."""
    rows = []
    for rec in records:
        got = rec.get("jneuroml")
        if got is None:
            continue
        if got.get("error"):
            rows.append(f"| {rec['document']} | {rec.get('spike_count')} | failed: "
                        f"`{got['error'].replace('`', chr(39))}` | | |")
            continue
        rows.append(f"| {rec['document']} | {rec.get('spike_count')} | {got['spikes']} "
                    f"| {got['matched']} | {got['max_dt_ms']} |")
    if not rows:
        return ""
    return JNEUROML_HEAD + "\n".join(rows) + "\n" + JNEUROML_NOTES


JNEUROML_HEAD = f"""
## The exports run in jNeuroML

Each exported LEMS file, copied to a fresh folder, run as is with `pynml LEMS_x.xml -neuron
-run -nogui` (jNeuroML's NEURON export; `--jneuroml`): its spikes (the export's
EventOutputFile) against neuroloom's first run, paired per cell within {TOLERANCE_MS} ms;
max abs dt is the largest difference of the paired spikes.

| document | neuroloom spikes | jNeuroML spikes | paired within {TOLERANCE_MS} ms | max abs dt (ms) |
|---|---|---|---|---|
"""


JNEUROML_NOTES = """
Measured causes where they differ (issue 18, December 2026): NML2_MultiCompCellNetwork's
`pop0[1]`, driven through the expTwoSynapse `AMPA` (NEURON's Exp2Syn by default), fires its
7 spikes 0.125, 0.05 and then 0.025 ms after jNeuroML's; imported with
`sim.importNeuroML2(..., mechanisms='jneuroml')` all 31 spikes are jNeuroML's exactly
(docs/neuroml-differences.md: Exp2Syn decays exactly where jNeuroML's mechanism steps).
NML2_PyNNCells: jNeuroML's NEURON code for SpikeSourcePoisson does not compile on NEURON 9
(`nrn_random_arg`, see the corpus README); its export validates and re-imports identically.
"""


def one_cell_section(records: list[dict]) -> str:
    """The table of the cells of the documents without a network, each in a network of its
    own."""
    rows = []
    for rec in records:
        for cell, got in (rec.get("one_cell_networks") or {}).items():
            problem = (got.get("import_error") or got.get("error") or "").replace("`", "'")
            if problem:
                rows.append(f"| {rec['document']} | {cell} | refused: `{problem}` | | | | |")
                continue
            trip = got.get("round_trip", {})

            def yes(key):
                return "-" if not trip.get(key) else (
                    "yes" if all(trip[key].values()) else "no")

            valid = {True: "yes", False: "no", None: "-"}[trip.get("validates")]
            rows.append(f"| {rec['document']} | {cell} | ok | {got.get('spike_count')} "
                        f"| {valid} | {yes('same')} | {yes('same_without_annotation')} |")
    return ONE_CELL_HEAD + "\n".join(rows) + "\n"


ONE_CELL_HEAD = f"""
## The cells of the documents without a network, each in a network of its own

Every cell of such a document (`<cell>`, the abstract and PyNN cell types) as the one cell of
a population in a document that includes it (`<doc>__<cell>.nml` beside it, no input), then
as a network document above: import, {DURATION_MS:g} ms, export, validate, re-import.

| document | cell | import | spikes | export validates | re-import identical | without annotation |
|---|---|---|---|---|---|---|
"""


def renamed(rec: dict) -> str:
    """One bullet: what of a document's names its export does not keep."""
    names_ = rec["round_trip"]["names"]
    parts = []
    if "components lost" in names_:
        parts.append("components not in the export: "
                     + ", ".join(f"`{c}`" for c in names_["components lost"]))
    if "network" in names_:
        parts.append("network `{}` -> `{}`".format(*names_["network"]))
    if "populations" in names_:
        parts.append("populations {} -> {}".format(*names_["populations"]))
    if "projections" in names_:
        old, new = names_["projections"]
        if len(old) == len(new):
            parts.append(f"projections and input lists: ids renamed (e.g. `{old[0]}` -> "
                         f"`{new[0]}`)")
        else:
            parts.append("projections and input lists: "
                         f"{', '.join(f'`{p}`' for p in old)} -> "
                         f"{', '.join(f'`{p}`' for p in new) or 'none'}")
    return f"- **{rec['document']}**: " + "; ".join(parts)


NAMES_HEAD = """
## What the export renames or leaves out (the re-imported network runs the same)

The export writes the network neuroloom built, not the document it read: ids are neuroloom's
(network `network`, projections `<projection>_<pre>_<post>_<synapse>`, inputs
`<inputList>_<population>_<input>_<source>`), components no cell or connection uses are not
written (nor is an empty projection: NML2_FullNeuroML's `Proj1`), top-level `morphology` and
`biophysicalProperties` are written inside their cell, and input components and spike sources
are renamed after their input list or population (`spikes1` -> `pop_spikes1_source`). Channels that are exactly
NEURON's `hh` and `pas` run as those built-ins by default and are exported as neuroloom's
own NeuroML definitions of them (`naChan`, `kChan`, `neuroloom_pas`: the document's
`passiveChan` becomes `neuroloom_pas`); imported with `mechanisms='jneuroml'` they keep their
ids (`passiveChan`, `naChan`, `kChan`, checked on NML2_SingleCompHHCell). Names compared with
`neuroml.reader.read` on the original document and the exported network file:

"""


NOTES_TAIL = """
## Documents without a network

`sim.importNeuroML2` of a document without a `<network>` builds an empty model (0 cells) and
warns that the document holds no `<network>` and that nothing is built or run (before issue
18 it did so without a word); `neuroloom run` then runs nothing. What neuroloom offers for such
files is the cell reader, `specs.NetParams().importCellParams(label, file, cellName=id)`,
which reads a `<cell>` (morphology and biophysics) into a cellParams entry; the channels,
synapses and inputs of these documents are read by `neuroml.reader.read` (counted in the
figures) and become NEURON mechanisms only when a network uses them. Abstract cells
(iafCell, izhikevich2007Cell, ...) have no cellParams form: they run only inside a network
(the cells of these documents, each in a network of its own: the table above).
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", nargs="*", help="document stems (default: every one)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/neuroml_documents"))
    parser.add_argument("--page-only", action="store_true")
    parser.add_argument("--jneuroml", action="store_true",
                        help="also run each export with pynml -neuron -run and compare spikes")
    parser.add_argument("--child")
    parser.add_argument("--child-out")
    parser.add_argument("--child-export")
    parser.add_argument("--child-reimport", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args)
    names = args.documents or documents()
    records = []
    for name in names:
        saved = args.work / name / "record.json"
        if args.page_only:
            records.append(json.loads(saved.read_text()))
            continue
        record = run_document(name, args.work, args.jneuroml)
        print(f"{name}: {verdict(record)} {record['time_s']} s", flush=True)
        records.append(record)
    if set(names) == set(documents()):
        write_page(records)
        FIGURES.write_text(json.dumps([figures(without_work_dir(r)) for r in records],
                                      indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
