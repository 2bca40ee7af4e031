#!/usr/bin/env python3
"""How neuroloom ends on bad input: every case of bench/bad_input_cases/, one process each.

Each case file holds ``CASES``, a list of ``(category, name, code[, timeout s])``, and an optional
``PRELUDE`` run before each case's code. A case does one bad thing the way a user would
(a spec with one bad value, a damaged saved run, a killed save, a rank that leaves early)
in a fresh empty folder and a fresh Python process. Its ending is classified:

- named error: a ``neuroloom.errors.NeuroloomError`` (or, from the command line, exit 1
  with a one-line message);
- warning: it finishes, and neuroloom warned;
- handled: it finishes without a word, and the case checked that this is right (a killed
  save leaves no temporary file after the next save; a rank leaving after the run leaves
  the results saved); the case says so by setting ``OUTCOME`` once its checks passed;
- silent: it finishes without a word;
- raw: any other exception (or a Python traceback from the command line);
- hang: it does not end within the timeout (or an MPI job within its own).

    python bench/bad_input.py [--only FILE_STEM ...] [--workers N] [--page-only]

It prints the table, writes bench/results/bad_input.json (every case's ending and message)
and docs/bad-input.md.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "bench" / "bad_input_cases"
RESULTS = ROOT / "bench" / "results" / "bad_input.json"
#: the same cases run on the code before issue 19's work (commit 9bc1128), for the page
BEFORE = ROOT / "bench" / "results" / "bad_input_before.json"
PAGE = ROOT / "docs" / "bad-input.md"
ENDINGS = ("named error", "warning", "handled", "silent", "raw", "hang")
TIMEOUT = 120  # seconds per case

# Run in the case's process: the helpers a case may call, then the case, then its ending
# written as one JSON line to ending.json.
_WRAPPER = r'''
import json, os, runpy, subprocess, sys, warnings
from neuroloom.errors import NeuroloomError


class Hang(TimeoutError):
    """An MPI job or command that did not end within its timeout."""


def _last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


def cli(*args, timeout=100):
    """The `neuroloom` command: exit 1 with one line is a named error, a traceback is raw."""
    try:
        done = subprocess.run([sys.executable, "-c", "import sys; from neuroloom.cli import main; "
                               "sys.exit(main())", *map(str, args)],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Hang(f"neuroloom {' '.join(map(str, args))} did not end in {timeout} s")
    if done.returncode != 0:
        if "Traceback (most recent call last)" in done.stderr:
            raise RuntimeError("traceback: " + _last_line(done.stderr))
        raise NeuroloomError(_last_line(done.stderr or done.stdout))
    return done


def mpiexec(n, script, timeout=60):
    """``mpiexec -n N python SCRIPT``: a job that ends non-zero is a named error when its
    message is neuroloom's, raw when it is only a traceback; one that does not end hangs."""
    launcher = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    process = subprocess.Popen([launcher, "-n", str(n), sys.executable, str(script)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.communicate()
        raise Hang(f"mpiexec -n {n} {script} did not end in {timeout} s")
    done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    if done.returncode != 0:
        raise NeuroloomError(_last_line(err or out))
    return done


def _ending():
    helpers = {"cli": cli, "mpiexec": mpiexec, "Hang": Hang, "SHARED": "/work/shared"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            done = runpy.run_path("case.py", init_globals=helpers, run_name="__main__")
        except Hang as error:
            return "hang", str(error)
        except NeuroloomError as error:
            return "named error", f"{type(error).__name__}: {error}"
        except SystemExit as error:
            if error.code in (0, None):
                return "silent", "exit 0"
            return "raw", f"SystemExit: {error.code}"
        except BaseException as error:
            return "raw", f"{type(error).__name__}: {error}"
    # neuroloom's own words (attributed to the user's line by their stacklevel): a
    # UserWarning; numpy's RuntimeWarnings and the interpreter's ResourceWarnings are not
    ours = [w for w in caught if issubclass(w.category, UserWarning)]
    if ours:
        return "warning", f"{ours[0].category.__name__}: {ours[0].message}"
    if done.get("OUTCOME"):
        return "handled", str(done["OUTCOME"])
    return "silent", ""


ending, message = _ending()
with open("ending.json", "w") as f:
    json.dump({"ending": ending, "message": message[:600]}, f)
'''


def load_cases(only=()) -> list[tuple[str, str, str, str, float]]:
    """(file stem, category, name, code, timeout) of every case, in file order."""
    cases = []
    for path in sorted(CASES.glob("*.py")):
        if only and path.stem not in only:
            continue
        spec = importlib.util.spec_from_file_location(f"bad_input_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        prelude = getattr(module, "PRELUDE", "")
        for category, name, code, *timeout in module.CASES:
            cases.append((path.stem, category, name, prelude + "\n" + code,
                          timeout[0] if timeout else TIMEOUT))
    return cases


def run_case(code: str, timeout: float = TIMEOUT) -> dict:
    """Run one case in a fresh folder and process; its ending and message."""
    with tempfile.TemporaryDirectory(prefix="bad_input_") as folder:
        folder = Path(folder)
        (folder / "case.py").write_text(code)
        (folder / "wrapper.py").write_text(_WRAPPER)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "MPLBACKEND": "Agg"}
        try:
            done = subprocess.run([sys.executable, "wrapper.py"], cwd=folder, env=env,
                                  capture_output=True, text=True, timeout=timeout,
                                  start_new_session=True)
        except subprocess.TimeoutExpired:
            return {"ending": "hang", "message": f"no end within {timeout} s"}
        ending = folder / "ending.json"
        if not ending.exists():  # the process died (a crash inside NEURON, a signal)
            return {"ending": "raw", "message": f"process ended {done.returncode}: "
                                                f"{done.stderr.strip()[-300:]}"}
        return json.loads(ending.read_text())


def table(results: list[dict]) -> list[str]:
    """The summary: one row per category, the count of each ending."""
    by_category: dict[str, Counter] = {}
    for result in results:
        by_category.setdefault(result["category"], Counter())[result["ending"]] += 1
    rows = ["| category | tried | " + " | ".join(ENDINGS) + " |",
            "|---|---:|" + "---:|" * len(ENDINGS)]
    total = Counter()
    for category, counts in by_category.items():
        total.update(counts)
        rows.append(f"| {category} | {sum(counts.values())} | "
                    + " | ".join(str(counts[e]) for e in ENDINGS) + " |")
    rows.append(f"| **all** | {sum(total.values())} | "
                + " | ".join(str(total[e]) for e in ENDINGS) + " |")
    return rows


def page(results: list[dict]) -> str:
    lines = ["# Bad input: how each case ends", "",
             "Made by `bench/bad_input.py` from the cases in `bench/bad_input_cases/`: each "
             "does one bad thing a user could do (a spec value, a damaged or hostile file, a "
             "killed save, an MPI rank that leaves early, a network too large for the "
             "machine) in a fresh process and folder. *named error*: a neuroloom error "
             "naming where the problem is (from the command line: exit 1 with one line); "
             "*warning*: it runs and neuroloom says what it did; *handled*: it runs without a word and the case checked that this is right (a killed save left no temporary file behind after the next save; a rank that left after the run left the results saved; a network that fits was built); *silent*: it runs without a "
             "word; *raw*: any other exception or a traceback; *hang*: no end within the "
             "time limit.", ""]
    lines += table(results)
    if BEFORE.exists():
        lines += ["", "Before issue 19's work (commit 9bc1128), the same cases but the huge "
                  "specs (unchecked, they climb to the memory limit of the machine):", ""]
        lines += table(json.loads(BEFORE.read_text()))
    lines += ["", "## Every case", "", "| category | case | ending | message |",
              "|---|---|---|---|"]
    for r in results:
        # the message as code (it holds spec paths like x['a'][0] that Markdown would
        # read as links); a name's brackets escaped for the same reason
        message = r["message"].replace("`", "'").replace("|", "\\|").replace("\n", " ")
        message = f"`{message[:240]}`" if message else ""
        name = r["name"].replace("|", "\\|").replace("[", "\\[")
        lines.append(f"| {r['category']} | {name} | {r['ending']} | {message} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=(), help="case file stems to run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--page-only", action="store_true",
                        help="rewrite the page from the stored results")
    options = parser.parse_args(argv)
    if options.page_only:
        results = json.loads(RESULTS.read_text())
    else:
        cases = load_cases(options.only)
        with ThreadPoolExecutor(options.workers) as pool:
            endings = list(pool.map(run_case, [code for *_, code, _ in cases],
                                    [timeout for *_, timeout in cases]))
        results = [{"file": stem, "category": category, "name": name, **ending}
                   for (stem, category, name, *_), ending in zip(cases, endings)]
        if options.only and RESULTS.exists():  # keep the other files' stored results
            results = [r for r in json.loads(RESULTS.read_text())
                       if r["file"] not in options.only] + results
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    PAGE.write_text(page(results))
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
