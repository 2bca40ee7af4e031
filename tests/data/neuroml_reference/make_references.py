"""Regenerate the NeuroML2/LEMS reference spike times in ``neuron_spikes.json``.

For five LEMS example files of the NeuroML2 specification this script

1. copies ``LEMSexamples/`` and ``examples/`` (side by side, as some LEMS files
   include ``../examples/...``) into a fresh temporary directory,
2. writes a modified copy of the LEMS file that records the ``spike`` event of
   every cell of every population of the network the ``<Simulation>`` targets,
3. runs ``pynml <copy>.xml -neuron -run -nogui`` (jNeuroML's NEURON export,
   the reference) and, in a second fresh copy, ``pynml <copy>.xml -nogui``
   (jLEMS, jNeuroML's own interpreter),
4. reads the ID_TIME spike files (times in seconds), converts them to ms and
   writes ``neuron_spikes.json`` next to this script.

The modification is one ``<EventOutputFile format="ID_TIME">`` appended to the
``<Simulation>``, with one ``<EventSelection id="k" select="pop[i]" eventPort="spike"/>``
per cell; the file's own ``<EventOutputFile>`` elements are removed.  (Each cell must
be selected once only: NEURON's ``NetCon.record`` belongs to the spike source, so a
second recording of the same cell, in the same or another event file, silently takes
the spikes away from the first; Ex12's own "spikes" file did exactly that.)

Generated mod files are scanned for jNeuroML's "not yet supported" remarks, which
are copied into the "notes" entry of the JSON (a silent cell can be an export
limitation rather than physiology).

Run from the project root::

    .venv/bin/python tests/data/neuroml_reference/make_references.py

Options: ``--keep`` keeps the temporary directories (their paths are printed);
``--only NAME`` (repeatable) runs only the given LEMS files (the JSON is then
NOT written unless ``--write`` is also given, which would drop the others).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[2]
EXAMPLES_ROOT = Path("/work/shared/neuroml-examples")
OUT_JSON = HERE / "neuron_spikes.json"

LEMS_FILES = [
    "LEMS_NML2_Ex1_HH.xml",
    "LEMS_NML2_Ex2_Izh.xml",
    "LEMS_NML2_Ex3_Net.xml",
    "LEMS_NML2_Ex5_DetCell.xml",
    "LEMS_NML2_Ex12_Net2.xml",
]

SUFFIX = "_allspikes"  # modified LEMS file: <stem>_allspikes.xml
RUN_TIMEOUT_S = 1800

NEURON_ARGS = ["-neuron", "-run", "-nogui"]
JLEMS_ARGS = ["-nogui"]

TIME_UNITS_MS = {"s": 1000.0, "ms": 1.0, "us": 1e-3}


# --------------------------------------------------------------------------- environment


def venv_dir() -> Path:
    """The environment holding pynml and NEURON: the running one if it has pynml."""
    here = Path(sys.prefix)
    if (here / "bin" / "pynml").exists():
        return here
    return PROJECT / ".venv"


def run_env() -> dict[str, str]:
    venv = venv_dir()
    env = dict(os.environ)
    env["NEURON_HOME"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def versions() -> dict[str, str]:
    import pyneuroml
    from pyneuroml import pynml

    jars = sorted(p.name for p in (Path(pynml.__file__).parent / "lib").glob("jNeuroML-*.jar"))
    return {
        "pyNeuroML": pyneuroml.__version__,
        "jNeuroML": getattr(pynml, "JNEUROML_VERSION", "unknown"),
        "jNeuroML_jar": jars[0] if jars else "unknown",
        "NEURON": importlib.metadata.version("neuron"),
        "java": java_version(),
        "python": sys.version.split()[0],
    }


def java_version() -> str:
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    except OSError:
        return "unknown"
    first = (out.stderr or out.stdout).splitlines()
    return first[0].strip() if first else "unknown"


# --------------------------------------------------------------------------- XML helpers


def local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def parse(path: Path):
    return etree.parse(str(path), etree.XMLParser(remove_blank_text=False, remove_comments=False))


def time_ms(text: str) -> float:
    m = re.fullmatch(r"\s*([-+0-9.eE]+)\s*([a-zA-Z]*)\s*", text)
    if not m or m.group(2) not in TIME_UNITS_MS:
        raise ValueError(f"cannot read time {text!r}")
    return float(m.group(1)) * TIME_UNITS_MS[m.group(2)]


def documents(path: Path, seen: set[Path] | None = None) -> list[tuple[Path, etree._ElementTree]]:
    """The file and, recursively, every included file that exists on disk.

    LEMS ``<Include file=...>`` and NeuroML ``<include href=...>`` are both followed,
    relative to the including file.  Core definitions (Cells.xml, ...) live inside
    the jNeuroML jar and are not on disk; they are skipped.
    """
    seen = set() if seen is None else seen
    path = path.resolve()
    if path in seen:
        return []
    seen.add(path)
    tree = parse(path)
    out = [(path, tree)]
    for el in tree.getroot().iter():
        name = local(el)
        ref = el.get("file") if name == "Include" else el.get("href") if name == "include" else None
        if ref and (path.parent / ref).exists():
            out.extend(documents(path.parent / ref, seen))
    return out


def is_type(el, name: str) -> bool:
    return local(el) == name or (local(el) == "Component" and el.get("type") == name)


def find_simulation(root):
    target = next((el for el in root if local(el) == "Target"), None)
    sims = [el for el in root.iter() if is_type(el, "Simulation")]
    if target is not None:
        sims = [el for el in sims if el.get("id") == target.get("component")] or sims
    if not sims:
        raise ValueError("no <Simulation> element")
    return sims[0]


def populations(docs, network_id: str) -> list[tuple[str, list[int]]]:
    """[(population id, [cell index, ...]), ...] of the network, in document order."""
    for _path, tree in docs:
        for net in tree.getroot().iter():
            if is_type(net, "network") and net.get("id") == network_id:
                pops = []
                for pop in net:
                    if not (is_type(pop, "population") or is_type(pop, "populationList")):
                        continue
                    inst = [el for el in pop if local(el) == "instance"]
                    if inst:
                        idx = [int(el.get("id", i)) for i, el in enumerate(inst)]
                    elif pop.get("size") is not None:
                        idx = list(range(int(pop.get("size"))))
                    else:
                        raise ValueError(f"population {pop.get('id')} has neither size nor instances")
                    pops.append((pop.get("id"), idx))
                return pops
    raise ValueError(f"network {network_id!r} not found in {[str(p) for p, _ in docs]}")


def spike_file(stem: str) -> str:
    return f"results/{stem}.spikes"


def write_modified(lems: Path, cells: list[str], dest: Path) -> None:
    """Copy of ``lems`` whose Simulation records the spike event of ``cells``."""
    tree = parse(lems)
    sim = find_simulation(tree.getroot())
    # Existing event outputs go: a second NetCon.record on the same spike source
    # replaces the first, so whichever file jNeuroML happens to set up last would
    # get the spikes (seen with Ex12's own "spikes" file).
    for el in [el for el in sim if is_type(el, "EventOutputFile")]:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") if el.tail is None else el.tail
        else:
            sim.text = el.tail
        sim.remove(el)
    taken = {el.get("id") for el in tree.getroot().iter() if isinstance(el.tag, str)}
    file_id = next(f"all_cell_spikes{n or ''}" for n in range(1000) if f"all_cell_spikes{n or ''}" not in taken)
    indent = "\n" + " " * 8
    if len(sim):
        sim[-1].tail = indent
    else:
        sim.text = indent
    eof = etree.SubElement(
        sim, "EventOutputFile", id=file_id, fileName=spike_file(lems.stem), format="ID_TIME"
    )
    eof.text = indent + "    "
    for k, cell in enumerate(cells):
        sel = etree.SubElement(eof, "EventSelection", id=str(k), select=cell, eventPort="spike")
        sel.tail = indent + "    "
    if len(eof):
        eof[-1].tail = indent
    eof.tail = "\n" + " " * 4
    tree.write(str(dest), encoding="utf-8", xml_declaration=False)


# --------------------------------------------------------------------------- running


def fresh_copy(base: Path) -> Path:
    """Copy both example folders into a new writable directory under ``base``."""
    work = Path(tempfile.mkdtemp(dir=base))
    for sub in ("LEMSexamples", "examples"):
        src = EXAMPLES_ROOT / sub
        for f in src.rglob("*"):
            dst = work / sub / f.relative_to(src)
            if f.is_dir():
                dst.mkdir(parents=True, exist_ok=True)
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, dst)  # no copystat: the originals are read-only
    (work / "LEMSexamples" / "results").mkdir()
    return work / "LEMSexamples"


def read_id_time(path: Path) -> dict[int, list[float]]:
    out: dict[int, list[float]] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if not parts:
            continue
        out.setdefault(int(float(parts[0])), []).append(round(float(parts[1]) * 1000.0, 9))
    return out


def error_lines(log: str, n: int = 6) -> list[str]:
    keep = [
        ln.strip()
        for ln in log.splitlines()
        if re.search(r"SEVERE|Exception|Traceback|\bERROR\b|Error:", ln)
        and "NMODL Error" not in ln
        and "NRN Error  >>>" not in ln
    ]
    return keep[:n]


def export_remarks(folder: Path) -> list[str]:
    """Lines of generated mod files where jNeuroML says something is not supported."""
    out = []
    for f in sorted(folder.glob("*.mod")):
        for line in f.read_text(errors="replace").splitlines():
            if "not yet supported" in line or "not supported" in line:
                out.append(f"{f.name}: {' '.join(line.split())}")
    return out


def run_once(base: Path, lems_name: str, cells: list[str], args: list[str], keep: bool):
    """Run pynml on a modified copy recording ``cells``.

    Returns (spikes by cell or None on failure, wall time in s, error lines, export remarks).
    """
    folder = fresh_copy(base)
    stem = Path(lems_name).stem
    mod = folder / f"{stem}{SUFFIX}.xml"
    write_modified(folder / lems_name, cells, mod)
    out_file = folder / spike_file(stem)
    t0 = time.perf_counter()
    proc = subprocess.run(
        ["pynml", mod.name, *args],
        cwd=folder,
        env=run_env(),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    wall = time.perf_counter() - t0
    log = proc.stdout + "\n" + proc.stderr
    (folder / "pynml.log").write_text(log)
    why: list[str] = []
    result = None
    if not out_file.exists():
        why = error_lines(log) or [f"pynml exit {proc.returncode}; no {out_file.name} written"]
    else:
        by_id = read_id_time(out_file)
        unexpected = set(by_id) - set(range(len(cells)))
        if unexpected:
            raise RuntimeError(f"{out_file}: unexpected ids {sorted(unexpected)}")
        result = {cell: by_id.get(k, []) for k, cell in enumerate(cells)}
    remarks = export_remarks(folder)
    if keep:
        print(f"    kept {folder}")
    else:
        shutil.rmtree(folder.parent, ignore_errors=True)
    return result, wall, why, remarks


def simulate(base: Path, lems_name: str, pops, args: list[str], label: str, keep: bool):
    """All cells if the simulator accepts them; else drop refused populations.

    Returns (spikes by cell or None, total wall time, list of notes).
    """
    cells = [f"{pop}[{i}]" for pop, idx in pops for i in idx]
    result, wall, why, remarks = run_once(base, lems_name, cells, args, keep)
    print(f"  {label}: {len(cells)} cells, {wall:.1f} s, {'ok' if result is not None else 'FAILED'}")
    notes = []
    if remarks:
        notes.append(
            f"{label} export remark in {', '.join(sorted({r.split(':')[0] for r in remarks}))}: "
            f"'{remarks[0].split(': ', 1)[1]}'. The cell mechanism ignores inputs attached to it; "
            "inputs and synapses that are point processes injecting current into the section "
            "still act, dimensionless inputs (pulseGeneratorDL, rampGeneratorDL, ...) have no effect."
        )
    if result is not None:
        return result, wall, notes
    notes.append(f"{label}: run recording all {len(cells)} cells failed: {' | '.join(why)}")
    accepted = []
    for pop, idx in pops:
        sub = [f"{pop}[{i}]" for i in idx]
        res, w, why, _ = run_once(base, lems_name, sub, args, keep)
        wall += w
        if res is None:
            notes.append(f"{label}: population {pop} left out, selection refused: {' | '.join(why)}")
            print(f"  {label}: population {pop} refused ({w:.1f} s)")
        else:
            accepted.extend(sub)
    if not accepted:
        notes.append(f"{label}: no population could be recorded; file left out")
        return None, wall, notes
    result, w, why, _ = run_once(base, lems_name, accepted, args, keep)
    wall += w
    if result is None:
        notes.append(f"{label}: run with the accepted populations failed too: {' | '.join(why)}")
    return result, wall, notes


# --------------------------------------------------------------------------- comparison


def compare(a: list[float], b: list[float]) -> tuple[list[float], int, int]:
    """Mutual-nearest-neighbour pairs of two spike trains: (|dt| list, unmatched a, unmatched b)."""
    if not a or not b:
        return [], len(a), len(b)
    near_a = [min(range(len(b)), key=lambda j: abs(b[j] - t)) for t in a]
    near_b = [min(range(len(a)), key=lambda i: abs(a[i] - t)) for t in b]
    pairs = [(i, j) for i, j in enumerate(near_a) if near_b[j] == i]
    dts = [abs(a[i] - b[j]) for i, j in pairs]
    return dts, len(a) - len(pairs), len(b) - len(pairs)


def comparison(neuron: dict, jlems: dict) -> dict:
    out = {}
    for name, entry in neuron.items():
        if name not in jlems:
            continue
        dts, un_n, un_j = [], 0, 0
        per_cell = {}
        for cell, ts in entry["spikes"].items():
            tj = jlems[name]["spikes"].get(cell)
            if tj is None:
                continue
            d, un_a, un_b = compare(ts, tj)
            dts += d
            un_n += un_a
            un_j += un_b
            per_cell[cell] = {
                "neuron": len(ts),
                "jlems": len(tj),
                "max_abs_dt_ms": round(max(d), 6) if d else None,
            }
        out[name] = {
            "matched_pairs": len(dts),
            "max_abs_dt_ms": round(max(dts), 6) if dts else None,
            "mean_abs_dt_ms": round(sum(dts) / len(dts), 6) if dts else None,
            "unmatched_neuron": un_n,
            "unmatched_jlems": un_j,
            "per_cell": per_cell,
        }
    return out


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", action="store_true", help="keep the temporary run directories")
    ap.add_argument("--only", action="append", help="run only this LEMS file (repeatable)")
    ap.add_argument("--write", action="store_true", help="write the JSON even with --only")
    opts = ap.parse_args(argv)
    names = opts.only or LEMS_FILES

    neuron_out: dict = {}
    jlems_out: dict = {}
    notes: dict = {}
    timings: dict = {}
    base = Path(tempfile.mkdtemp(prefix="neuroml_reference_"))
    try:
        for name in names:
            print(name)
            lems = EXAMPLES_ROOT / "LEMSexamples" / name
            docs = documents(lems)
            sim = find_simulation(docs[0][1].getroot())
            pops = populations(docs, sim.get("target"))
            header = {"duration_ms": time_ms(sim.get("length")), "dt_ms": time_ms(sim.get("step"))}
            file_notes: list[str] = []
            for label, args, store in (("NEURON", NEURON_ARGS, neuron_out), ("jLEMS", JLEMS_ARGS, jlems_out)):
                spikes, wall, n = simulate(base, name, pops, args, label, opts.keep)
                timings[f"{name} {label}"] = wall
                file_notes += n
                if spikes is not None:
                    store[name] = {**header, "spikes": spikes}
            if name in neuron_out and name in jlems_out:
                for cell, ts in neuron_out[name]["spikes"].items():
                    tj = jlems_out[name]["spikes"].get(cell)
                    if tj is not None and len(tj) != len(ts):
                        file_notes.append(
                            f"spike count differs for {cell}: NEURON {len(ts)}, jLEMS {len(tj)}"
                        )
            if file_notes:
                notes[name] = file_notes
    finally:
        if not opts.keep:
            shutil.rmtree(base, ignore_errors=True)

    venv_placeholder = "<project>/.venv"
    result = {
        "made_with": {
            **versions(),
            "command": "pynml <LEMS stem>" + SUFFIX + ".xml " + " ".join(NEURON_ARGS),
            "jlems_command": "pynml <LEMS stem>" + SUFFIX + ".xml " + " ".join(JLEMS_ARGS),
            "environment": {"NEURON_HOME": venv_placeholder, "PATH": venv_placeholder + "/bin first"},
            "run_in": "LEMSexamples/ of a fresh temporary copy of LEMSexamples/ and examples/",
            "regenerate": ".venv/bin/python tests/data/neuroml_reference/make_references.py",
            "modification": (
                "one <EventOutputFile fileName='results/<LEMS stem>.spikes' format='ID_TIME'> "
                "appended to <Simulation>, with one "
                "<EventSelection id='<k>' select='<pop>[<i>]' eventPort='spike'/> per cell; "
                "the file's own <EventOutputFile> elements removed"
            ),
            "units": "times in ms (files give s; converted and rounded to 1e-9 ms)",
        },
        "notes": notes,
        **neuron_out,
        "jlems_spikes": jlems_out,
        "neuron_vs_jlems": comparison(neuron_out, jlems_out),
    }

    print("\nSummary (spikes per population; NEURON / jLEMS):")
    for name in names:
        n = neuron_out.get(name, {}).get("spikes", {})
        j = jlems_out.get(name, {}).get("spikes", {})
        pops: dict[str, list[int]] = {}
        for cell in list(n) + [c for c in j if c not in n]:
            pop = cell.split("[")[0]
            c = pops.setdefault(pop, [0, 0, 0])
            c[0] += 1 if cell in n or cell in j else 0
            c[1] += len(n.get(cell, []))
            c[2] += len(j.get(cell, []))
        cmp = result["neuron_vs_jlems"].get(name, {})
        print(
            f"  {name}: "
            + ", ".join(f"{p} ({c[0]} cells) {c[1]} / {c[2]}" for p, c in pops.items())
            + f"; max|dt| {cmp.get('max_abs_dt_ms')} ms; unmatched N/J "
            f"{cmp.get('unmatched_neuron')}/{cmp.get('unmatched_jlems')}"
        )
    print("Wall time per pynml run (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    for name, ns in notes.items():
        for line in ns:
            print(f"NOTE {name}: {line}")

    if opts.only and not opts.write:
        print("(--only given: JSON not written)")
        return 0
    OUT_JSON.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUT_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
