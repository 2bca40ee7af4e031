#!/usr/bin/env python3
"""Conformance harness: NetPyNE's own examples, run on NetPyNE 1.1.1 and on neuroloom.

For every example of the corpus (``../shared/netpyne-examples``, see its README) and each
of its entry scripts (``index.npjson``'s ``python_run``, else the scripts at the top of the
folder), the harness runs the example as a user would, once per side and seed:

* the example folder is copied to a private work folder (with the sibling folders its
  index files point to, e.g. intervalSaving's ``../M1``); on neuroloom's side only the
  import lines change (``from netpyne import specs, sim`` -> ``from neuroloom import specs,
  sim``, ``from netpyne.batch import Batch`` -> ``from neuroloom.batch import Batch``, and
  the same for every other ``netpyne`` import line);
* its mod files (the index's ``mod_folder``, else ``mod/``, else ``*.mod`` at the top of
  the folder) are compiled in the copy by that side's ``nrnivmodl``, as the example
  READMEs tell users to; on NEURON 9, a ``vecstim.mod`` is deleted only if the folder
  does not compile with it (the older copy in rxd_net, PTcell and batch_rxd_net does not;
  M1detailed's and sandbox's do, and their VecStim populations need it); a mod file
  that still fails because it repeats NEURON 8's C declarations of ``nrn_random_pick`` and
  ``nrn_random_arg`` (RL_arm's ``nsloc.mod``, NeuroMLImport's ``poissonFiringSyn.mod``) is
  ported to NEURON 9 (``port_random_declarations``), the same edit on both sides;
* on NetPyNE's side only, on NEURON 9, NetPyNE's setup module gets PtrVectors with a
  ``ptr_update_callback`` that does nothing (NEURON 9 removed it; NetPyNE 1.1.1 calls it
  when it sets up LFP or dipole recording, which otherwise fails on NEURON 9);
* the script runs in its own process, in the side's venv (NetPyNE's is made by
  ``bench/netpyne_venv.sh``), from the example folder, under a small probe (this file,
  ``--probe``) that runs the script unchanged with ``runpy`` and, when the script hands
  its simConfig to the simulator (NetPyNE's ``setSimCfg``, neuroloom's
  ``Session.initialize``), caps ``duration`` (the per-example override below, the same
  on both sides) and shifts every ``seeds`` entry by the seed index (seed 0 keeps the
  example's own seeds). When the script ends (or fails), the probe reads what the run
  made: cells per population, connections per rule, stimuli, spikes per population, the
  spike list, ``cfg.duration``; the harness adds the exit status, the error's last line,
  the files the run wrote and the wall time.

Statistics (the verdict, ``compare``): cells per population must be equal. Connection
counts per rule and spike counts per population (each family with its total) are compared
with a test on the mean over seeds, z = |mean_a - mean_b| / sqrt(v/n_a + v/n_b) (see
``count_test``): v is the pooled mean (Poisson: a sum of independent Bernoulli draws, as a
probability rule's connections, varies at most that much) against the normal quantile,
or, where the counts spread more across seeds (random positions, a recurrent network's
synchrony), the pooled variance against Student's t. The level is FAMILY_ALPHA (1e-3)
shared by the counts of a family (Bonferroni), so an example raises a false alarm by
chance about once in a thousand runs of the harness. Where NetPyNE's spikes are
identical across seeds (the network has no randomness that ``cfg.seeds`` drives),
neuroloom's seed-0 spikes must be the same (gid, time) pairs, the times within
SPIKE_TIME_TOL ms. The files each run wrote must be the same set of names
(neuroloom's documented extra outputs excepted, and an example's known file differences,
``Example.file_differences``: exact names with their cause; both listed in the notes).

Writes ``docs/netpyne-examples.md`` (the table; rows of examples not run this time are
kept from the page as it was) and, for every example NetPyNE ran this time, its figures
to ``tests/data/netpyne_reference/<example>.json`` (NetPyNE is not installed in CI;
tests/acceptance/test_netpyne_examples.py compares neuroloom with them).

    python bench/netpyne_examples.py                   # every example, both sides
    python bench/netpyne_examples.py --quick           # the quick subset
    python bench/netpyne_examples.py --examples HHTut subConn_DistanceBased
    python bench/netpyne_examples.py --quick --side neuroloom   # against stored figures

Work folders go to $RUNS (else a new temporary folder); ``--jobs`` runs that many
processes at once. Only the standard library is imported at module level: the probe
runs this file in NetPyNE's venv too.
"""
from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import math
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NETPYNE_VENV = HERE / ".venv-netpyne"
NEUROLOOM_BIN = Path(sys.executable).parent
REFERENCE_DIR = ROOT / "tests" / "data" / "netpyne_reference"
REPORT = ROOT / "docs" / "netpyne-examples.md"

FAMILY_ALPHA = 1e-3  # chance that an example's rules (or populations) raise a false alarm
SPIKE_TIME_TOL = 1e-4  # ms: dt/250 at the corpus's dt of 0.025 ms
MAX_DETAIL_ROWS = 20  # rules or populations listed in an example's details
SPIKE_LIST_MAX = 50_000  # spikes kept in full in a result (beyond: only their digest)
DEFAULT_SEEDS = 3
QUICK_SEEDS = 8  # the quick examples' NetPyNE figures are CI's reference: a better spread
DEFAULT_CAP_MS = 1000.0  # at most 1 s of model time, as the corpus README's measurements
DEFAULT_TIMEOUT_S = 900
# Files neuroloom writes where NetPyNE does not, each documented in the README's "How
# neuroloom differs from NetPyNE": the SONATA spike file (simConfig.saveSpikesSonata),
# and the run's JSON, <simConfig.filename>_data.json (simConfig.saveJson is True by default).
SONATA_SPIKES = re.compile(r"(^|/)[^/]*_spikes\.h5$")
# What a run leaves that is not an output: compiled mechanisms, Python caches.
NOT_OUTPUTS = re.compile(r"(^|/)(x86_64|aarch64|arm64|i686|__pycache__)(/|$)|\.pyc$")


def corpus() -> Path:
    """The examples corpus: ../shared beside the project, else the machine's /work/shared."""
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        if (base / "netpyne-examples").is_dir():
            return base / "netpyne-examples"
    raise FileNotFoundError("the NetPyNE examples corpus (../shared/netpyne-examples) is "
                            "not on this machine")


# -- the examples ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FileDifference:
    """Output files one example names differently on the two sides, by a known cause.

    ``netpyne`` are files NetPyNE writes and neuroloom does not, ``neuroloom`` the files
    neuroloom writes instead (exact names, relative to the example folder); ``reason``
    says why. It excuses these names only when the runs show exactly this difference (each
    name on its own side only): anything else about the files is still a difference.
    """
    netpyne: tuple[str, ...]
    neuroloom: tuple[str, ...]
    reason: str

    def applies(self, ref_files: set[str], got_files: set[str]) -> bool:
        """Do NetPyNE's files ``ref_files`` and neuroloom's ``got_files`` show it?"""
        return (all(f in ref_files and f not in got_files for f in self.netpyne)
                and all(f in got_files and f not in ref_files for f in self.neuroloom))

    def describe(self) -> str:
        return (f"NetPyNE writes {', '.join(self.netpyne) or 'nothing'} where neuroloom "
                f"writes {', '.join(self.neuroloom) or 'nothing'}: {self.reason}")


# HHTut's plotRaster has saveData='raster_data.json'.
RASTER_SAVEDATA = FileDifference(
    ("HHTut_data.pkl", "HHTut_spike_data.pkl"), ("raster_data.json",),
    "NetPyNE 1.1.1 takes plotRaster's saveData as a mere flag and ignores the file name "
    "it gives: it pickles the spike data to <filename>_spike_data.pkl and the plot's data "
    "to <filename>_data.pkl; neuroloom writes the file named, as NetPyNE's documentation "
    "of saveData says")

# subConn's plotShape has cvar='numSyns' and saveFig=True.
SHAPE_COLORBAR = FileDifference(
    (), ("subconn_with_shape.png", "subconn_without_shape.png"),
    "NetPyNE 1.1.1's plotShape fails with a cvar on the matplotlib of its venv (its "
    "colorbar of a ScalarMappable without an Axes: 'Unable to determine Axes to steal "
    "space for Colorbar'), so it saves no <filename>_shape.png; neuroloom saves it")

# plotLFP's 'locations' plot (in its default plots, and LFPrecording's cell cfg).
def lfp_locations(filename: str) -> FileDifference:
    return FileDifference(
        (), (f"{filename}_LFPLocations.png",),
        "NetPyNE 1.1.1's plotLFPLocations fails on the matplotlib of its venv (its colour "
        "bar of a ScalarMappable without an Axes), so it saves no <filename>_LFPLocations"
        ".png; neuroloom saves it")


# CA3model_RasterColoredbyPhase's plotRaster has colorbyPhase with include_signal.
RASTER_BY_PHASE = FileDifference(
    ("00_raster&signal.png",), ("00_raster.png",),
    "the raster coloured by the phase of the LFP (plotRaster's colorbyPhase, a display "
    "option) is not drawn by neuroloom yet: it draws the plain raster, with a warning, "
    "and names it as a raster; NetPyNE names its figure <filename>_raster&signal.png")


# intervalSaving and intervalSaveWeights use M1's netParams with their own analysis.
def m1_interval_plots() -> FileDifference:
    return FileDifference(
        (), ("M1detailed_histogram.png", "M1detailed_plot_conn_pop_strength_matrix.png",
             "M1detailed_raster.png"),
        "NetPyNE 1.1.1's plotRaster and plotSpikeHist fail here (UnboundLocalError: "
        "'spkInds') and its plotConn on an empty matrix (ValueError in nanmin); its "
        "exception wrapper hides the errors and saves nothing. neuroloom draws the three")


# evolCell's plotfI has targetRates (NetPyNE's docstring names it) and saveFig=True.
FI_TARGET_RATES = FileDifference(
    (), ("data/sim2_fI.png",),
    "NetPyNE 1.1.1's plotfI has no targetRates argument (its docstring lists one) and fails "
    "on evolCell's, saving no <filename>_fI.png; neuroloom draws the targets as NetPyNE's "
    "'Experiment' curve and saves it")


@dataclass(frozen=True)
class Example:
    """One entry script of one example folder, and how the harness runs it.

    ``scripts`` run one after the other in the same copy (saveLoadV1 saves, then loads);
    the last one's network and spikes are compared. ``cap_ms`` caps cfg.duration on both
    sides; ``seeds`` is the number of seeds per side; ``quick`` puts it in --quick (and in
    the CI test); ``note`` says why the run is shortened or what the example needs;
    ``file_differences`` are the output files the two sides name differently by a known
    cause (listed in the notes, not a difference in the verdict).
    """
    name: str
    folder: str
    scripts: tuple[str, ...]
    cap_ms: float | None = DEFAULT_CAP_MS
    seeds: int | None = None  # default: QUICK_SEEDS for a quick example, else DEFAULT_SEEDS
    quick: bool = False
    timeout_s: int = DEFAULT_TIMEOUT_S
    note: str = ""
    file_differences: tuple[FileDifference, ...] = ()

    @property
    def n_seeds(self) -> int:
        return self.seeds or (QUICK_SEEDS if self.quick else DEFAULT_SEEDS)


EXPORT_NOTE = ("the example's export script: createExportNeuroML2, then libNeuroML validates "
               "the file (nothing is simulated)")


def _examples() -> tuple[Example, ...]:
    e = Example
    return (
        e("HHTut", "HHTut", ("src/init.py",), quick=True,
          file_differences=(RASTER_SAVEDATA,)),
        e("HybridTut", "HybridTut", ("src/init.py",), quick=True),
        e("M1", "M1", ("src/init.py",), quick=True, note="2 s in cfg.py"),
        *[e(f"{name}_export", name, ("src/export.py",), seeds=4, note=EXPORT_NOTE)
          for name in ("HHTut", "HybridTut", "M1", "sandbox")],
        e("M1detailed", "M1detailed", ("src/init.py",), cap_ms=100.0, seeds=3,
          note="detailed multi-compartment model: 100 ms of its 500"),
        e("CA3model_3pops", "CA3model_3pops", ("src/init.py",), timeout_s=1800,
          note="records LFP (NetPyNE with the harness's NEURON 9 shim; 6 to 12 min a run)"),
        e("CA3model_RasterColoredbyPhase", "CA3model_RasterColoredbyPhase", ("src/init.py",),
          timeout_s=1800, note="records LFP, as CA3model_3pops",
          file_differences=(RASTER_BY_PHASE,)),
        e("LFPrecording", "LFPrecording", ("src/cell/init.py",), seeds=2,
          note="one cell; records LFP (NetPyNE with the harness's NEURON 9 shim)",
          file_differences=(lfp_locations("cell_lfp"),)),
        e("LFPrecording_net", "LFPrecording", ("src/net/init.py",), seeds=2,
          note="the network variant (index_net.npjson)",
          file_differences=(lfp_locations("net_lfp"),)),
        e("dipoleRecording", "dipoleRecording", ("src/init_cell.py",), seeds=2,
          note="one cell; records dipoles (NetPyNE with the harness's NEURON 9 shim)"),
        e("dipoleRecording_net", "dipoleRecording", ("src/init_net.py",), seeds=2,
          note="the network variant (index_net.npjson)"),
        e("NeuroMLImport", "NeuroMLImport", ("SimpleNet_import.py",), seeds=2,
          note="SimpleNet.py needs opencortex (not NetPyNE) and is not run. Its "
               "poissonFiringSyn.mod, made by an old jNeuroML, declares nrn_random_arg as "
               "void* where NEURON 9 declares Rand*: ported on both sides (see above)"),
        e("PTcell", "PTcell", ("src/init.py",), seeds=2),
        e("RL_arm", "RL_arm", ("main.py",), cap_ms=None, seeds=1, timeout_s=600,
          note="trains an arm model in closed loop with STDP and reward (duration set by "
               "main.py after sim.initialize: not capped). Its nsloc.mod declares "
               "nrn_random_arg as void* where NEURON 9 declares Rand*: ported on both sides "
               "(see above)"),
        e("asdOptim", "asdOptim", ("src/init.py",),
          note="python_run (one simulation); the optimisation is src/batch.py. The "
               "example's bug: init.py's default simConfig is src/simConfig.py, which it "
               "does not have (its cfg is src/cfg.py, which the batch passes on the command "
               "line), so run alone it fails on NetPyNE"),
        e("batchCell", "batchCell", ("src/init.py",),
          note="python_run (one simulation; 30 s in cfg.py); the batch is src/batch.py"),
        e("batchCellMapping", "batchCellMapping", ("src/init.py",),
          note="python_run (one simulation); the batch is src/batch.py"),
        e("batchSGE", "batchSGE", ("src/init.py",),
          note="the script the batch runs (one simulation); src/batch.py submits to SGE"),
        e("batch_rxd_net", "batch_rxd_net", ("src/init.py",), cap_ms=100.0, seeds=2,
          note="python_run (one simulation); RxD: 100 ms. NetPyNE's bug: its saveData "
               "(sim/save.py:167) stores the LFP electrode in dataSave['net'], which exists "
               "only when saveDataInclude names net data (this cfg: ['simData']), so it "
               "fails after the run (KeyError: 'net')"),
        e("cellDiversity", "cellDiversity", ("src/init.py",), quick=True),
        e("evolCell", "evolCell", ("src/init.py",), quick=True,
          note="python_run (one simulation; 10 s in cfg.py); the optimisation is src/batch.py",
          file_differences=(FI_TARGET_RATES,)),
        e("evolutionary", "evolutionary", ("src/init.py",),
          note="python_run (one simulation); the optimisation is src/batchRun.py"),
        e("intervalSaveWeights", "intervalSaveWeights", ("src/init.py",),
          note="M1's netParams (../M1)", file_differences=(m1_interval_plots(),)),
        e("intervalSaving", "intervalSaving", ("src/init.py",),
          note="M1's netParams (../M1)", file_differences=(m1_interval_plots(),)),
        e("netClamp", "netClamp", ("src/init.py",)),
        e("optunaOptim", "optunaOptim", ("src/init.py",),
          note="python_run (one simulation); optuna_test.py uses no NetPyNE and is not run"),
        e("rxd_buffering", "rxd_buffering", ("src/init.py",), quick=True, seeds=2,
          note="one cell, no randomness"),
        e("rxd_net", "rxd_net", ("src/init.py",), cap_ms=100.0, seeds=2, note="RxD: 100 ms",
          file_differences=(lfp_locations("rxd_net"),)),
        e("sandbox", "sandbox", ("src/init.py",)),
        e("saveLoadV1", "saveLoadV1", ("create_save.py", "load_run.py"), seeds=1,
          note="needs the Allen cell models getCells.py downloads"),
        e("saving", "saving", ("src/init.py",), quick=True),
        e("sbiOptim", "sbiOptim", ("src/init.py",),
          note="python_run (one simulation); the inference is src/batch.py"),
        e("sonata_300_cells", "sonata_300_cells", ("init.py",), seeds=1,
          note="the example's: it reads the SONATA model from its author's own folders "
               "(/u/salvadord/...), not in the corpus, so it fails on NetPyNE"),
        e("spreadingDepression", "spreadingDepression", ("src/init.py",), cap_ms=10.0,
          seeds=1, note="RxD tissue model: 10 ms of its 2 s. The example's bug: after the "
                        "run, init.py calls its own analysis.compareKwaves with figname=, "
                        "which that function does not take (TypeError)"),
        *[e(f"subConn_{v}", "subConn", (f"subConn_{v}.py",), cap_ms=200.0, quick=True,
            note="runs twice (without, then with subConnParams): the second is compared; "
                 "200 ms of its 1 s", file_differences=(SHAPE_COLORBAR,))
          for v in ("CellularPops", "DistanceBased", "DistanceBasedCartesian",
                    "IncomingNetStims")],
    )


EXAMPLES = _examples()
BY_NAME = {ex.name: ex for ex in EXAMPLES}


def entry_scripts(folder: Path) -> list[str]:
    """The entry scripts of an example folder: its index's python_run (every index*.npjson),
    else the .py files at its top level (what a user would run)."""
    runs = []
    for index in sorted(folder.glob("index*.npjson")):
        run = json.loads(index.read_text()).get("python_run")
        if run:
            runs.append(run)
    return runs or sorted(p.name for p in folder.glob("*.py"))


# -- preparing a copy -------------------------------------------------------------------------
IMPORT_FROM = re.compile(r"^(\s*)from netpyne((?:\.\w+)*) import ", re.MULTILINE)
IMPORT_PLAIN = re.compile(r"^(\s*)import netpyne((?:\.\w+)*)(\s+as\s+\w+)?\s*$",
                          re.MULTILINE)


def neuroloom_imports(source: str) -> str:
    """The script with its netpyne import lines made neuroloom's, nothing else changed."""
    source = IMPORT_FROM.sub(r"\1from neuroloom\2 import ", source)

    def plain(match):
        indent, sub, alias = match.group(1), match.group(2), match.group(3)
        return f"{indent}import neuroloom{sub}{alias or (' as netpyne' if not sub else '')}"
    return IMPORT_PLAIN.sub(plain, source)


def _siblings(folder: Path) -> set[str]:
    """Sibling example folders the index files point to (``../M1/src/netParams.py``)."""
    names = set()
    for index in folder.glob("index*.npjson"):
        for value in json.loads(index.read_text()).values():
            if isinstance(value, str) and value.startswith("../"):
                names.add(value.split("/")[1])
    return names


def mod_folder(folder: Path) -> Path | None:
    """Where the example's mod files are (relative to it): the index's mod_folder, else
    mod/, else the folder itself when it has .mod files at its top level."""
    index = folder / "index.npjson"
    if index.exists():
        named = json.loads(index.read_text()).get("mod_folder")
        if named and (folder / named).is_dir():
            return Path(named)
    if (folder / "mod").is_dir():
        return Path("mod")
    if any(folder.glob("*.mod")):
        return Path(".")
    return None


_NEURON_MAJOR: dict[str, int] = {}


def neuron_major(python: Path) -> int:
    """NEURON's major version in the venv of ``python``."""
    key = str(python)
    if key not in _NEURON_MAJOR:
        done = subprocess.run(
            [key, "-c", "import neuron; print(neuron.__version__)"], capture_output=True,
            text=True, env=side_env(python), timeout=120)
        version = (done.stdout.strip().splitlines() or ["0"])[-1]
        _NEURON_MAJOR[key] = int(re.match(r"\d+", version).group()) if done.returncode == 0 \
            and re.match(r"\d+", version) else 0
    return _NEURON_MAJOR[key]


def side_env(python: Path) -> dict:
    """The environment of a run: headless NEURON and matplotlib, the venv's bin first on
    PATH (NetPyNE calls nrnivmodl by name)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(NEURON_MODULE_OPTIONS="-nogui", MPLBACKEND="Agg", PYTHONHASHSEED="0",
               PATH=f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
               OMP_NUM_THREADS="1")
    return env


def prepare(example: Example, side: str, python: Path, dest: Path) -> dict:
    """Copy the example into ``dest`` (its siblings beside it), change the imports on
    neuroloom's side and compile its mod files. Returns what compiling said."""
    source = corpus() / example.folder
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in {example.folder, *_siblings(source)}:
        shutil.copytree(corpus() / name, dest / name, symlinks=True)
    folder = dest / example.folder
    if side == "neuroloom":
        for py in dest.rglob("*.py"):
            text = py.read_text(errors="surrogateescape")
            changed = neuroloom_imports(text)
            if changed != text:
                py.write_text(changed, errors="surrogateescape")
    mods = mod_folder(folder)
    if mods is None:
        return {"mod_folder": None, "ok": True, "error": None, "seconds": 0.0}
    removed = []
    start = time.perf_counter()
    command = [str(python.parent / "nrnivmodl")] + ([] if str(mods) == "." else [str(mods)])
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                          env=side_env(python), timeout=900)
    vecstims = [m for m in (folder / mods).glob("*.mod") if m.name.lower() == "vecstim.mod"]
    if done.returncode != 0 and vecstims and neuron_major(python) >= 9:
        # the corpus's older vecstim.mod (rxd_net, PTcell) does not compile on NEURON 9;
        # M1detailed's does, and its VecStim populations need it: delete it only then
        for vecstim in vecstims:
            vecstim.unlink()
            removed.append(vecstim.name)
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                              env=side_env(python), timeout=900)
    ported = []
    if done.returncode != 0 and neuron_major(python) >= 9:
        ported = port_random_declarations(folder / mods)
        if ported:
            done = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                                  env=side_env(python), timeout=900)
    return {"mod_folder": str(mods), "ok": done.returncode == 0, "removed": removed,
            "ported": ported,
            "error": None if done.returncode == 0 else compile_error(done.stdout + done.stderr),
            "seconds": round(time.perf_counter() - start, 2)}


# NEURON 8's C declarations that old mod files repeat, which NEURON 9's C++ refuses
OLD_RANDOM_DECLARATIONS = re.compile(
    r"^[ \t]*(double[ \t]+nrn_random_pick\(void\*[ \t]*\w*\);|"
    r"void\*[ \t]*nrn_random_arg\(int[ \t]*\w*\);)[ \t]*\n", re.M)


def port_random_declarations(mods: Path) -> list[str]:
    """Port the copy's mod files that declare NEURON 8's nrn_random_pick(void*) and
    nrn_random_arg (RL_arm's nsloc.mod, NeuroMLImport's poissonFiringSyn.mod) to NEURON 9:
    drop the declarations (NEURON's header has them) and pass the Random as the Rand* it
    is. The same edit on both sides; the names of the files ported."""
    ported = []
    for mod in sorted(mods.glob("*.mod")):
        text = mod.read_text(errors="surrogateescape")
        new = OLD_RANDOM_DECLARATIONS.sub("", text)
        if new == text:
            continue
        new = re.sub(r"nrn_random_pick\((_p_\w+)\)", r"nrn_random_pick((Rand*)\1)", new)
        mod.write_text(new, errors="surrogateescape")
        ported.append(mod.name)
    return ported


def compile_error(text: str) -> str | None:
    """What made nrnivmodl fail: the compiler's first error (its last line only says that
    make failed), else the last line."""
    for line in text.splitlines():
        if re.search(r"\berror\b:", line):
            return re.sub(r"/[^\s:]*/", "", line.strip())[:400]  # file names, not paths
    return last_line(text)


def last_line(text: str) -> str | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:400] if lines else None


def listing(folder: Path) -> dict[str, float]:
    """Every file under ``folder`` (relative path -> mtime), outputs-only filter applied."""
    out = {}
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not NOT_OUTPUTS.search(rel):
            out[rel] = path.stat().st_mtime
    return out


# -- one run ------------------------------------------------------------------------------------
def python_of(side: str) -> Path:
    return NETPYNE_VENV / "bin" / "python" if side == "netpyne" else NEUROLOOM_BIN / "python"


def run_once(example: Example, side: str, seed: int, base: Path, work: Path) -> dict:
    """Run the example's scripts on one side with one seed, in a copy of ``base``."""
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(base, work, symlinks=True)
    folder = work / example.folder
    python = python_of(side)
    before = listing(work)
    result = {"seed": seed, "ran": True, "steps": []}
    overrides = {"cap_ms": example.cap_ms, "seed_offset": seed}
    for i, script in enumerate(example.scripts):
        out = work / f"probe{i}.json"
        command = [str(python), str(Path(__file__).resolve()), "--probe", side, str(out),
                   json.dumps(overrides), script]
        start = time.perf_counter()
        try:
            done = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                                  env=side_env(python), timeout=example.timeout_s)
            status, stdout, stderr = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as timeout:
            status = "timeout"
            stdout = _text(timeout.stdout)
            stderr = _text(timeout.stderr) + f"\ntimed out after {example.timeout_s} s"
        wall = time.perf_counter() - start
        (work / f"stdout{i}.txt").write_text(stdout)
        (work / f"stderr{i}.txt").write_text(stderr)
        probe = json.loads(out.read_text()) if out.exists() else {}
        out.unlink(missing_ok=True)
        ok = status == 0
        step = {"script": script, "exit": status, "wall_s": round(wall, 2),
                "error": None if ok else (probe.get("error") or last_line(stderr)
                                          or last_line(stdout) or f"exit {status}")}
        result["steps"].append(step)
        if probe.get("measured"):
            result.update({k: v for k, v in probe.items() if k not in ("error", "status")})
        if not ok:
            result["ran"] = False
            break
    after = listing(work)
    result["files"] = sorted(rel for rel, mtime in after.items()
                             if rel not in before or before[rel] != mtime)
    result["files"] = [rel[len(example.folder) + 1:] if rel.startswith(example.folder + "/")
                       else "../" + rel for rel in result["files"]
                       if not re.match(r"(probe|stdout|stderr)\d+\.(json|txt)$", rel)]
    result["wall_s"] = round(sum(s["wall_s"] for s in result["steps"]), 2)
    result["error"] = next((s["error"] for s in result["steps"] if s["error"]), None)
    return result


def _text(data) -> str:
    if data is None:
        return ""
    return data.decode(errors="replace") if isinstance(data, bytes) else data


def run_side(example: Example, side: str, seeds: int, root: Path, jobs: int = 1) -> dict:
    """All seeds of one example on one side: the side's result record."""
    python = python_of(side)
    base = root / example.name / side / "base"
    compiled = prepare(example, side, python, base)
    record = {"example": example.name, "folder": example.folder,
              "scripts": list(example.scripts), "side": side, "versions": versions(side),
              "cap_ms": example.cap_ms, "compile": compiled, "runs": []}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        runs = pool.map(lambda s: run_once(example, side, s, base,
                                           root / example.name / side / f"seed{s}"),
                        range(seeds))
        record["runs"] = list(runs)
    (root / example.name / f"{side}.json").write_text(json.dumps(record, indent=1))
    return record


_VERSIONS: dict[str, dict] = {}


def versions(side: str) -> dict:
    if side not in _VERSIONS:
        package = "netpyne" if side == "netpyne" else "neuroloom"
        code = (f"import {package}, neuron; print({package}.__version__); "
                "print(neuron.__version__)")
        python = python_of(side)
        done = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                              env=side_env(python), timeout=120)
        lines = done.stdout.split()
        _VERSIONS[side] = ({package: lines[-2], "neuron": lines[-1]} if len(lines) >= 2
                           else {package: "?", "neuron": "?"})
    return _VERSIONS[side]


# -- the probe: runs inside the side's process -------------------------------------------------
def probe(side: str, out: str, overrides: dict, script: str, args: list[str]) -> None:
    """Run ``script`` as ``python script args`` would, with the duration cap and seed shift
    applied when its simConfig reaches the simulator; then write what the run made."""
    result = {"side": side, "measured": False, "error": None}
    script_path = os.path.abspath(script)
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(script_path)
    start = time.perf_counter()
    sim = None
    snapshot = {}  # the network as its last run started

    def finish(status):
        """Measure and write the result, once (also when the script ends the process
        itself: spreadingDepression calls h.quit(), which runs atexit handlers)."""
        if "status" in result:
            return
        result["script_s"] = round(time.perf_counter() - start, 3)
        result["status"] = status
        result["shims_used"] = sorted(SHIMS_USED)
        final = _get(getattr(sim, "cfg", None), "filename", None) if sim else None
        result["filenames"] = FILENAMES + ([final] if isinstance(final, str)
                                           and final not in FILENAMES else [])
        try:
            result.update(_measure(side, sim, snapshot))
            result["measured"] = True
        except Exception as error:  # nothing made yet, or state the probe cannot read
            result["measure_error"] = f"{type(error).__name__}: {error}"[:400]
        with open(out, "w") as fh:
            json.dump(result, fh)
        sys.stdout.flush()
        sys.stderr.flush()

    atexit.register(finish, 0)
    status = 0
    try:
        sim = _side_sim(side)
        _install_overrides(side, sim, overrides, snapshot)
        try:
            runpy.run_path(script_path, run_name="__main__")
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None
                                                                     else 1)
            if status:
                result["error"] = f"SystemExit: {stop.code}"
    except BaseException as error:  # the example's failure is the measurement
        traceback.print_exc()
        status = 1
        result["error"] = error_line(error)
    finish(status)
    os._exit(status)  # NEURON's and MPI's teardown can hang or crash after the run


def error_line(error: BaseException) -> str:
    """The exception's type and the last line of its message (a spec error lists one
    problem a line: the last is shown)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[-1] if lines else ''}"[:400]


def _side_sim(side: str):
    # Imported here: the probe runs in one venv or the other, each with one of the two.
    if side == "netpyne":
        from netpyne import sim
    else:
        from neuroloom import sim
    return sim


def _install_overrides(side: str, sim, overrides: dict, snapshot: dict) -> None:
    """Apply the duration cap and the seed shift to each simConfig the simulator is given,
    once per simConfig object (and, on NetPyNE's side, the NEURON 9 shim below); keep the
    network's structure in ``snapshot`` as each run starts (NetPyNE's compactConnFormat
    later turns its conns into lists without their rule)."""
    seen = []  # the simConfigs already changed (kept alive so their ids stay theirs)

    def adjust(cfg):
        if cfg is None or any(cfg is done for done in seen):
            return
        seen.append(cfg)
        filename = _get(cfg, "filename", None)
        if isinstance(filename, str) and filename not in FILENAMES:
            FILENAMES.append(filename)
        cap = overrides.get("cap_ms")
        if cap is not None and float(_get(cfg, "duration", 0) or 0) > cap:
            _set(cfg, "duration", float(cap))
        shift = int(overrides.get("seed_offset") or 0)
        seeds = _get(cfg, "seeds", None)
        if shift and seeds:
            _set(cfg, "seeds", {k: int(v) + shift for k, v in dict(seeds).items()})

    if side == "netpyne":
        from netpyne.sim import setup

        _ptr_update_callback_shim(setup)
        original = setup.setSimCfg

        def set_sim_cfg(cfg):
            original(cfg)
            adjust(sim.cfg)

        setup.setSimCfg = set_sim_cfg
        sim.setSimCfg = set_sim_cfg
        for name in ("runSim", "runSimWithIntervalFunc"):
            setattr(sim, name, _snapshotting(getattr(sim, name), side, sim, snapshot))
    else:
        from neuroloom.sim.session import Session

        original = Session.initialize

        def initialize(self, *args, **kwargs):
            adjust(self.sim_config)
            return original(self, *args, **kwargs)

        Session.initialize = initialize
        for name in ("run_sim", "run_with_interval"):
            if hasattr(Session, name):
                method = getattr(Session, name)
                setattr(Session, name, _snapshotting(method, side, sim, snapshot))


def _snapshotting(run, side, sim, snapshot):
    """``run``, first keeping the structure of the network about to run."""
    def wrapped(*args, **kwargs):
        try:
            snapshot.clear()
            snapshot.update(_structure(side, sim))
        except Exception as error:  # measured again at the end
            snapshot["snapshot_error"] = f"{type(error).__name__}: {error}"[:400]
        return run(*args, **kwargs)
    return wrapped


SHIMS_USED: set[str] = set()  # the NetPyNE shims a run called
FILENAMES: list[str] = []  # the simConfig filenames of the probe's runs


def _ptr_update_callback_shim(setup) -> bool:
    """NetPyNE 1.1.1 sets up LFP and dipole recording with PtrVector.ptr_update_callback,
    which NEURON 9 removed (its pointers stay valid when NEURON reorganises its data, so
    nothing needs the callback; NetPyNE also sets the pointers itself before each run).
    On NEURON 9, NetPyNE's setup module is given PtrVectors whose ptr_update_callback does
    nothing; NEURON and everything else are untouched."""
    h = setup.h
    if hasattr(h.PtrVector(1), "ptr_update_callback"):
        return False

    class PtrVector:
        def __init__(self, *args):
            self._vector = h.PtrVector(*args)

        def ptr_update_callback(self, *args):
            SHIMS_USED.add("PtrVector.ptr_update_callback")

        def __getattr__(self, name):
            return getattr(self._vector, name)

    class Hoc:
        def __getattr__(self, name):
            return PtrVector if name == "PtrVector" else getattr(h, name)

        def __setattr__(self, name, value):
            setattr(h, name, value)

        def __call__(self, *args, **kwargs):
            return h(*args, **kwargs)

    setup.h = Hoc()
    return True


def _get(cfg, key, default):
    return cfg.get(key, default) if type(cfg) is dict else getattr(cfg, key, default)


def _set(cfg, key, value):
    if type(cfg) is dict:
        cfg[key] = value
    else:
        setattr(cfg, key, value)


def _structure(side: str, sim) -> dict:
    """Cells per population, connections per rule, stimuli: read through the NetPyNE-style
    facade both sides offer (and neuroloom's tables for the connections, as walking
    cell.conns is slow there)."""
    pops = {str(label): len(list(pop.cellGids)) for label, pop in sim.net.pops.items()}
    pop_of = {str(gid): str(label) for label, pop in sim.net.pops.items()
              for gid in pop.cellGids}
    conns, stims = _connections(side, sim)
    return {"cells": pops, "conns": conns, "stims": stims, "pop_of": pop_of}


def _measure(side: str, sim, snapshot: dict) -> dict:
    """What the run made: the network as its last run started (else as it is now), the
    spikes of the run and the duration."""
    structure = dict(snapshot) if snapshot.get("cells") is not None else \
        _structure(side, sim)
    pops, pop_of = structure["cells"], structure.pop("pop_of")
    data = getattr(sim, "allSimData", None) or {}
    spkt = [float(t) for t in (data.get("spkt") if data.get("spkt") is not None else [])]
    spkid = [int(g) for g in (data.get("spkid") if data.get("spkid") is not None else [])]
    spikes = dict.fromkeys(pops, 0)
    for gid in spkid:
        label = pop_of.get(str(gid), "?")
        spikes[label] = spikes.get(label, 0) + 1
    pairs = sorted((round(t, 6), g) for t, g in zip(spkt, spkid))
    digest = hashlib.sha1(json.dumps(pairs).encode()).hexdigest()
    cfg = getattr(sim, "cfg", None)
    duration = float(_get(cfg, "duration", 0) or 0) if cfg is not None else None
    return {**structure, "spikes": spikes, "duration_ms": duration, "spike_digest": digest,
            "n_spikes": len(pairs),
            "spike_list": [[g, t] for t, g in pairs] if len(pairs) <= SPIKE_LIST_MAX else None}


def _connections(side: str, sim) -> tuple[dict, int]:
    """Connections per rule label (cell-to-cell, as cell.conns holds them) and the number
    of stimuli (NetPyNE's stims and its 'NetStim' conns; neuroloom's stim table)."""
    if side == "neuroloom":
        from neuroloom.sim import state

        session = state.peek()
        network = getattr(session, "network", None)
        if network is not None and hasattr(network, "conns"):
            counts = {}
            for code in network.conns.rule:
                label = str(network.conn_rules[int(code)])
                counts[label] = counts.get(label, 0) + 1
            return counts, len(network.stims.gid) if hasattr(network, "stims") else 0
    counts, stims = {}, 0
    for cell in sim.net.cells:
        stims += len(getattr(cell, "stims", []) or [])
        for conn in cell.conns:
            if isinstance(conn, dict):
                pre, label = conn.get("preGid"), conn.get("label", "?")
            else:  # compact format: a list in cfg.compactConnFormat order
                fmt = list(getattr(sim.cfg, "compactConnFormat", []) or [])
                pre = conn[fmt.index("preGid")] if "preGid" in fmt else None
                label = conn[fmt.index("label")] if "label" in fmt else "?"
            if pre == "NetStim":
                continue  # a stimulus's conn (counted with the cell's stims)
            counts[str(label)] = counts.get(str(label), 0) + 1
    return counts, stims


# -- statistics and the verdict ----------------------------------------------------------------
def count_test(ref: list[float], got: list[float], tests: int = 1) -> tuple[bool, float, float]:
    """Do the two samples of a count (one value per seed) have the same mean?

    z = |mean_a - mean_b| / sqrt(v/n_a + v/n_b), v the per-run variance. Where the
    pooled variance across seeds is at most the pooled mean, v is the mean (Poisson: a
    sum of independent Bernoulli draws, as a probability rule's connections, varies at
    most that much) and z is compared with the normal quantile; where the counts spread
    more (random positions, a recurrent network's synchrony), v is the pooled variance
    and the quantile is Student's t with its degrees of freedom, as v is then estimated
    from few seeds. The level is FAMILY_ALPHA / ``tests`` (Bonferroni over the counts of
    one family: an example's rules, or its populations). Returns (passes, z, critical z).
    """
    # scipy is imported here, not at the top: the probe runs this file in NetPyNE's venv,
    # where only the standard library is assumed.
    from scipy import stats

    if not ref or not got:
        return False, math.inf, math.nan
    n_a, n_b = len(ref), len(got)
    mean_a, mean_b = sum(ref) / n_a, sum(got) / n_b
    squares = sum((x - mean_a) ** 2 for x in ref) + sum((x - mean_b) ** 2 for x in got)
    dof = (n_a - 1) + (n_b - 1)
    pooled_var = squares / dof if dof > 0 else 0.0
    pooled_mean = (sum(ref) + sum(got)) / (n_a + n_b)
    level = FAMILY_ALPHA / max(1, tests)
    if pooled_var > pooled_mean:
        v, critical = pooled_var, float(stats.t.isf(level / 2, dof))
    else:
        v, critical = pooled_mean, float(stats.norm.isf(level / 2))
    if mean_a == mean_b:
        return True, 0.0, critical
    z = abs(mean_a - mean_b) / math.sqrt(v / n_a + v / n_b)
    return z <= critical, z, critical


def ran(record: dict | None) -> list[dict]:
    """The runs of a side record that completed."""
    return [r for r in (record or {}).get("runs", []) if r.get("ran") and r.get("cells")
            is not None]


def measured(record: dict | None) -> list[dict]:
    """The runs of a side record that made something (completed or not)."""
    return [r for r in (record or {}).get("runs", []) if r.get("cells") is not None]


def deterministic(record: dict) -> bool | None:
    """True when every completed run of the record has the same spikes (at least two seeds
    and at least one spike), None when it cannot tell."""
    runs = ran(record)
    if len(runs) < 2 or not runs[0].get("n_spikes"):
        return None
    return all(r["spike_digest"] == runs[0]["spike_digest"] for r in runs)


def spikes_identical(ref_run: dict, got_run: dict) -> tuple[bool, str]:
    """Same (gid, time) pairs, times within SPIKE_TIME_TOL."""
    a, b = ref_run.get("spike_list"), got_run.get("spike_list")
    if a is None or b is None:
        same = ref_run.get("spike_digest") == got_run.get("spike_digest")
        return same, "" if same else "spike digests differ"
    if len(a) != len(b):
        return False, f"{len(b)} spikes, NetPyNE {len(a)}"
    for i, ((ga, ta), (gb, tb)) in enumerate(zip(a, b)):
        if ga != gb or abs(ta - tb) > SPIKE_TIME_TOL:
            return False, (f"spike {i} differs: gid {gb} at {tb} ms, NetPyNE gid {ga} "
                           f"at {ta} ms")
    return True, ""


@dataclass
class Verdict:
    status: str  # same | differs | fails on neuroloom | fails on both | NetPyNE fails | ...
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "same"


def compare(ref: dict | None, got: dict | None, files: bool = True,
            known: tuple[FileDifference, ...] | None = None) -> Verdict:
    """The verdict on one example: neuroloom's record ``got`` against NetPyNE's ``ref``.
    ``known``: the file differences to excuse (default: the example's own,
    Example.file_differences)."""
    ref_runs, got_runs = ran(ref), ran(got)
    if got is None:
        return Verdict("not run on neuroloom")
    if not got_runs:
        error = _first_error(got)
        status = "fails on both" if ref is not None and not ref_runs else "fails on neuroloom"
        return Verdict(status, [f"neuroloom: {error}"] if error else [])
    if ref is None:
        return Verdict("no NetPyNE figures")
    if not ref_runs:
        verdict = Verdict("NetPyNE fails; runs on neuroloom",
                          notes=[f"NetPyNE: {_first_error(ref)}"])
        partial = measured(ref)
        if partial:  # NetPyNE failed after building (or running): compare what it made
            built = Verdict("same")
            _compare_cells(partial, got_runs, built)
            _compare_counts("connections", "conns", partial, got_runs, built)
            if any(r.get("n_spikes") for r in partial):
                _compare_counts("spikes", "spikes", partial, got_runs, built)
            verdict.notes.append("what NetPyNE made before failing: " + (
                "; ".join(built.problems) if built.problems else "the same"))
        return verdict
    verdict = Verdict("same")
    _compare_cells(ref_runs, got_runs, verdict)
    _compare_counts("connections", "conns", ref_runs, got_runs, verdict)
    _compare_counts("spikes", "spikes", ref_runs, got_runs, verdict)
    if deterministic(ref):
        same, why = spikes_identical(ref_runs[0], got_runs[0])
        if not same:
            verdict.problems.append(f"spikes not identical (NetPyNE's are the same on "
                                    f"every seed): {why}")
        else:
            verdict.notes.append("deterministic: spikes identical to NetPyNE's")
    if files:
        if known is None:
            example = BY_NAME.get(got.get("example") or ref.get("example"))
            known = example.file_differences if example else ()
        _compare_files(ref_runs[0], got_runs[0], verdict, known)
    durations = {r.get("duration_ms") for r in ref_runs + got_runs}
    if len(durations) > 1:
        verdict.problems.append(f"durations differ: {sorted(map(str, durations))}")
    if len(got_runs) < len(got.get("runs", [])):
        verdict.problems.append(f"{len(got['runs']) - len(got_runs)} of "
                                f"{len(got['runs'])} seeds failed on neuroloom")
    if verdict.problems:
        verdict.status = "differs"
    return verdict


def _first_error(record: dict) -> str | None:
    if record.get("compile") and not record["compile"].get("ok"):
        compile_error = f"nrnivmodl: {record['compile'].get('error')}"
    else:
        compile_error = None
    for run in record.get("runs", []):
        if run.get("error"):
            return run["error"] + (f" ({compile_error})" if compile_error else "")
    return compile_error


def _compare_cells(ref_runs, got_runs, verdict):
    ref_cells, got_cells = ref_runs[0]["cells"], got_runs[0]["cells"]
    for pop in sorted(set(ref_cells) | set(got_cells)):
        a, b = ref_cells.get(pop), got_cells.get(pop)
        if a != b:
            verdict.problems.append(f"cells of {pop}: {_n(b)}, NetPyNE {_n(a)}")


def _compare_counts(what, key, ref_runs, got_runs, verdict):
    """Each rule's (population's) count, and their total (the stronger test when there
    are many small rules, as M1's 255)."""
    if key == "conns" and any("?" in r[key] for r in ref_runs + got_runs):
        # NetPyNE keeps a connection's rule only with cfg.includeParamsLabel (M1detailed
        # turns it off): then only the total is compared.
        verdict.notes.append("connections compared in total (NetPyNE keeps no rule labels "
                             "with cfg.includeParamsLabel False)")
        ref_runs = [{key: {"all rules": sum(r[key].values())}} for r in ref_runs]
        got_runs = [{key: {"all rules": sum(r[key].values())}} for r in got_runs]
    labels = sorted(set().union(*(r[key] for r in ref_runs + got_runs)))
    samples = [(label, [r[key].get(label, 0) for r in ref_runs],
                [r[key].get(label, 0) for r in got_runs]) for label in labels]
    if len(labels) > 1:
        samples.append(("all", [sum(r[key].values()) for r in ref_runs],
                        [sum(r[key].values()) for r in got_runs]))
    for label, a, b in samples:
        passes, z, critical = count_test(a, b, len(samples))
        if not passes:
            verdict.problems.append(f"{what} of {label}: {_mean(b):g}, NetPyNE {_mean(a):g} "
                                    f"(z = {z:.1f} > {critical:.1f})")


def documented_extra(name: str, filenames=()) -> bool:
    """Is ``name`` a file neuroloom writes by design where NetPyNE does not?"""
    return bool(SONATA_SPIKES.search(name)) or name in {f"{f}_data.json" for f in filenames}


def _compare_files(ref_run, got_run, verdict, known=()):
    ref_files, got_files = set(ref_run.get("files", [])), set(got_run.get("files", []))
    missing = sorted(ref_files - got_files)
    extra = sorted(got_files - ref_files)
    for difference in known:
        if difference.applies(ref_files, got_files):
            missing = [f for f in missing if f not in difference.netpyne]
            extra = [f for f in extra if f not in difference.neuroloom]
            verdict.notes.append(f"known difference in files: {difference.describe()}")
    filenames = got_run.get("filenames", [])
    documented = [f for f in extra if documented_extra(f, filenames)]
    extra = [f for f in extra if not documented_extra(f, filenames)]
    if missing:
        verdict.problems.append(f"files NetPyNE writes and neuroloom does not: "
                                f"{', '.join(missing)}")
    if extra:
        verdict.problems.append(f"files only neuroloom writes: {', '.join(extra)}")
    if documented:
        verdict.notes.append(f"neuroloom also writes {', '.join(documented)} (documented)")


def _n(value):
    return "none" if value is None else value


def _mean(values):
    return round(sum(values) / len(values), 1) if values else 0


# -- summaries and the report ------------------------------------------------------------------
def summary(record: dict | None) -> dict | None:
    """Cells, connections, spikes (means over completed seeds, else over whatever was
    measured), rates, wall time of one side's record."""
    runs = ran(record) or measured(record)
    if not runs:
        return None
    cells = runs[0]["cells"]
    duration = runs[0].get("duration_ms") or 0
    n = len(runs)
    spikes = {p: sum(r["spikes"].get(p, 0) for r in runs) / n
              for p in sorted(set().union(*(r["spikes"] for r in runs)))}
    conns = {c: sum(r["conns"].get(c, 0) for r in runs) / n
             for c in sorted(set().union(*(r["conns"] for r in runs)))}
    rates = {p: (spikes.get(p, 0) / (cells[p] * duration / 1000.0)
                 if cells.get(p) and duration else 0.0) for p in cells}
    total_cells = sum(cells.values())
    return {"cells": cells, "total_cells": total_cells, "conns": conns,
            "total_conns": sum(conns.values()), "spikes": spikes,
            "total_spikes": sum(spikes.values()), "rates": rates,
            "mean_rate": (sum(spikes.values()) / (total_cells * duration / 1000.0)
                          if total_cells and duration else 0.0),
            "duration_ms": duration, "seeds": n, "complete": bool(ran(record)),
            "wall_s": sum(r.get("wall_s", 0) for r in record["runs"]) / len(record["runs"])}


def _show(value, fmt="{:g}"):
    return "—" if value is None else fmt.format(value)


def _cell(ref_value, got_value, fmt="{:g}"):
    return f"{_show(ref_value, fmt)} / {_show(got_value, fmt)}"


def table_row(example: Example, ref: dict | None, got: dict | None,
              verdict: Verdict) -> str:
    a, b = summary(ref), summary(got)

    def pick(s, key):
        return None if s is None else s[key]
    notes = "; ".join([*_short(verdict), *([example.note] if example.note else [])])
    cap = "" if example.cap_ms is None else f"{example.cap_ms:g}"
    return ("| [{name}](#{anchor}) | {cap} | {cells} | {conns} | {spikes} | {rates} | "
            "{wall} | {verdict} | {notes} |").format(
        name=example.name, anchor=anchor(example.name), cap=cap,
        cells=_cell(pick(a, "total_cells"), pick(b, "total_cells")),
        conns=_cell(pick(a, "total_conns"), pick(b, "total_conns"), "{:.0f}"),
        spikes=_cell(pick(a, "total_spikes"), pick(b, "total_spikes"), "{:.0f}"),
        rates=_cell(pick(a, "mean_rate"), pick(b, "mean_rate"), "{:.2f}"),
        wall=_cell(pick(a, "wall_s") if ref else None, pick(b, "wall_s") if got else None,
                   "{:.1f}"),
        verdict=f"**{verdict.status}**" if verdict.ok else verdict.status,
        notes=_escape(notes))


def _short(verdict: Verdict) -> list[str]:
    """What the table says of a verdict: the error of a failure, what differs."""
    if verdict.status.startswith("fails") or verdict.status.startswith("NetPyNE fails"):
        errors = [p.split(": ", 1)[-1] for p in verdict.problems] + [
            n for n in verdict.notes if n.startswith("NetPyNE:")]
        return [f"`{_clip(e)}`" for e in errors[:1]]
    if verdict.problems:
        what = []
        for problem in verdict.problems:
            head = problem.split(":")[0].split(" (")[0]
            head = re.sub(r"^files .*", "output files", head)
            if head not in what:
                what.append(head)
        return ["differs in " + ", ".join(what[:6]) + (" ..." if len(what) > 6 else "")]
    return []


def _clip(text: str, limit: int = 160) -> str:
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[:limit - 3] + "..."


def anchor(name: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "", name.lower().replace(" ", "-"))


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def details(example: Example, ref: dict | None, got: dict | None, verdict: Verdict) -> str:
    """The example's section: per population and per rule, errors, problems."""
    lines = [f"### {example.name}", ""]
    lines.append(f"`{example.folder}/` " + ", then ".join(f"`{s}`" for s in example.scripts)
                 + (f"; cfg.duration capped at {example.cap_ms:g} ms"
                    if example.cap_ms is not None else "; duration as the script sets it")
                 + f". Verdict: **{verdict.status}** ({time.strftime('%Y-%m-%d')}).")
    lines.append("")
    for problem in verdict.problems:
        lines.append(f"- {_escape(problem)}")
    for note in verdict.notes:
        lines.append(f"- note: {_escape(note)}")
    for side, record in (("NetPyNE", ref), ("neuroloom", got)):
        if record is None:
            continue
        error = _first_error(record)
        n_ok = len(ran(record))
        state = f"{n_ok} of {len(record['runs'])} seeds ran"
        used = sorted({s for r in record["runs"] for s in r.get("shims_used", [])})
        if used:
            state += f" (with the NEURON 9 shim for {', '.join(used)})"
        lines.append(f"- {side} ({_versions_text(record)}): {state}"
                     + (f"; error: `{_escape(error)}`" if error and n_ok < len(record["runs"])
                        else ""))
    a, b = summary(ref), summary(got)
    if a or b:
        lines += ["", "| | NetPyNE | neuroloom |", "| --- | --- | --- |"]
        for key, title, fmt in (("cells", "cells", "{:g}"), ("conns", "connections", "{:.1f}"),
                                ("spikes", "spikes", "{:.1f}"), ("rates", "rate (Hz)",
                                                                 "{:.2f}")):
            names = sorted(set((a or {}).get(key, {})) | set((b or {}).get(key, {})))
            if len(names) > MAX_DETAIL_ROWS:  # M1's 255 rules: the largest, then a count
                names.sort(key=lambda n: -max((a or {}).get(key, {}).get(n, 0),
                                              (b or {}).get(key, {}).get(n, 0)))
                left = len(names) - MAX_DETAIL_ROWS
                names = sorted(names[:MAX_DETAIL_ROWS])
            else:
                left = 0
            for name in names:
                lines.append(f"| {title}: {_escape(name)} | "
                             f"{_show((a or {}).get(key, {}).get(name), fmt)} | "
                             f"{_show((b or {}).get(key, {}).get(name), fmt)} |")
            if left:
                lines.append(f"| {title}: {left} more | | |")
        files = [(side, sorted(ran(r)[0].get("files", []) if ran(r) else []))
                 for side, r in (("NetPyNE", ref), ("neuroloom", got)) if r]
        for side, names in files:
            lines.append(f"| files ({side}) | "
                         + (_escape(", ".join(names)) if side == "NetPyNE" else "") + " | "
                         + (_escape(", ".join(names)) if side == "neuroloom" else "") + " |")
    lines.append("")
    return "\n".join(lines)


def _versions_text(record):
    return ", ".join(f"{k} {v}" for k, v in record.get("versions", {}).items())


HEADER = """# NetPyNE's examples on neuroloom

<!-- Generated by bench/netpyne_examples.py: edit the harness, not this page. -->

NetPyNE's own examples (the corpus in `../shared/netpyne-examples`, NetPyNE's `examples/`
folder) run on NetPyNE 1.1.1 and on neuroloom with only their import lines changed, each in
its own process, with the example's mod files compiled by `nrnivmodl` in a copy of it as its
README tells users (on NEURON 9, `vecstim.mod` deleted only where it does not compile, and
the two mod files that repeat NEURON 8's C declarations of its Random functions, RL_arm's
`nsloc.mod` and NeuroMLImport's `poissonFiringSyn.mod`, ported: the same edit on both
sides).
`python bench/netpyne_examples.py` makes this page (`--quick` for the quick subset,
`--examples A B` for some); CI runs neuroloom's side of the quick examples against the
NetPyNE figures stored in `tests/data/netpyne_reference/`
(`tests/acceptance/test_netpyne_examples.py`).

**How each run is shortened.** The cap column is the most model time (ms) a run simulates:
a small wrapper sets `cfg.duration` to it, on both sides alike, when the example hands its
simConfig to the simulator (the example itself is not edited); empty where the script sets
its own duration later. Each side runs several seeds: seed 0 is the example's own
`cfg.seeds`, seed *k* adds *k* to every entry.

**The verdict.** *same* when all of these hold:

- the same cells in every population;
- connections per rule and spikes per population (hence rates), and their totals, within
  noise. The means over seeds differ by *z* standard errors, *z* = |*a* − *b*| /
  √(*v*/*n*<sub>a</sub> + *v*/*n*<sub>b</sub>), where *v*, the variance of one run, is the
  count itself (Poisson: a sum of independent draws, such as a probability rule's
  connections, varies at most that much) unless the counts spread more than that across
  seeds (random cell positions, a recurrent network's synchrony), when it is their pooled
  variance. *z* must stay below the normal quantile, or Student's *t* quantile when *v* was
  estimated from the seeds, at level {alpha:g} shared by an example's rules (Bonferroni; the
  same for its populations): a false alarm about once in {inverse:.0f} runs of an example;
- where NetPyNE's spikes are the same on every seed (nothing random drives them), the very
  same spikes: the same cells, at times within {tol:g} ms;
- the same output files (aside from two documented differences: neuroloom also writes a
  SONATA spike file, `*_spikes.h5`, and saves the run's JSON, `*_data.json`, by default;
  and from an example's known file differences, exact file names with their cause, each
  listed in the example's notes as "known difference in files").

Otherwise *differs* (with what differs), or *fails on neuroloom* (with the error's last
line), or *fails on both*; *NetPyNE fails; runs on neuroloom* where NetPyNE cannot run the
example here (what it built before failing is still compared, in the notes). Cells,
connections, spikes, rates (Hz, all cells) and wall time (s, per run, the process's) are
given as NetPyNE / neuroloom, means over the seeds that ran; a crashed run still shows what
it had built.

**NetPyNE on NEURON 9.** NetPyNE 1.1.1 sets up LFP and dipole recording with
`PtrVector.ptr_update_callback`, which NEURON 9 no longer has (its pointers stay valid when
NEURON reorganises its data, and NetPyNE sets them again before each run anyway). On
NetPyNE's side only, the harness gives NetPyNE's setup module PtrVectors whose
`ptr_update_callback` does nothing, so that the examples that record LFP or dipoles have
NetPyNE figures; the details say where a NetPyNE run used it. Nothing else is changed.
"""


def report(rows: dict[str, tuple[str, str]], stamp: str) -> str:
    """The page: the header, the table in corpus order, then each example's details."""
    lines = [HEADER.format(alpha=FAMILY_ALPHA, inverse=1 / FAMILY_ALPHA, tol=SPIKE_TIME_TOL),
             (f"Last run of the harness: {stamp}; an example it did not run keeps its row "
              "from an earlier run (dated in its details)."), "",
             ("| example | cap (ms) | cells | connections | spikes | rate (Hz) | wall (s) | "
              "verdict | notes |"),
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    order = [ex.name for ex in EXAMPLES if ex.name in rows]
    lines += [rows[name][0] for name in order]
    counts = {}
    for name in order:
        status = re.search(r"Verdict: \*\*(.+?)\*\*", rows[name][1])
        key = status.group(1) if status else "?"
        counts[key] = counts.get(key, 0) + 1
    lines += ["", "In all: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
              + f" (of {len(order)}).", "", "## Details", ""]
    lines += [rows[name][1] for name in order]
    return "\n".join(lines).rstrip() + "\n"


def existing_rows(page: Path) -> dict[str, tuple[str, str]]:
    """The rows and detail sections of the page as it is (kept for examples not run)."""
    if not page.exists():
        return {}
    text = page.read_text()
    rows = {}
    for line in text.splitlines():
        match = re.match(r"\| \[([\w-]+)\]\(#", line)
        if match:
            rows[match.group(1)] = [line, ""]
    for section in re.split(r"\n(?=### )", text)[1:]:
        name = section.split("\n", 1)[0][4:].strip()
        if name in rows:
            rows[name][1] = section.rstrip() + "\n"
    return {k: (v[0], v[1]) for k, v in rows.items() if k in BY_NAME}


# -- reference figures -------------------------------------------------------------------------
def reference_path(name: str) -> Path:
    return REFERENCE_DIR / f"{name}.json"


def load_reference(name: str) -> dict | None:
    path = reference_path(name)
    return json.loads(path.read_text()) if path.exists() else None


def save_reference(record: dict) -> None:
    """NetPyNE's record, without its machine-specific bits (the spike list is kept only
    for a network whose spikes do not depend on the seed)."""
    keep = json.loads(json.dumps(record))
    keep_list = deterministic(record)
    for run in keep["runs"]:
        if not keep_list or run["seed"] != 0:
            run["spike_list"] = None
    REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    reference_path(record["example"]).write_text(json.dumps(keep, indent=1, sort_keys=True)
                                                 + "\n")


# -- main ---------------------------------------------------------------------------------------
def selected(args) -> list[Example]:
    if args.examples:
        unknown = [n for n in args.examples if n not in BY_NAME]
        if unknown:
            raise SystemExit(f"unknown examples {unknown}; known: {sorted(BY_NAME)}")
        return [BY_NAME[n] for n in args.examples]
    return [ex for ex in EXAMPLES if ex.quick] if args.quick else list(EXAMPLES)


# Python files at the top of an example folder that are not entry scripts.
NOT_ENTRY = {
    "NeuroMLImport/SimpleNet.py": "makes SimpleNet.net.nml with opencortex (no NetPyNE)",
    "RL_arm/arm.py": "a module main.py imports",
    "RL_arm/params.py": "a module main.py imports",
    "saveLoadV1/getCells.py": "downloads the Allen cell models (allensdk)",
    "saveLoadV1/params.py": "a module create_save.py imports",
}


def check_corpus() -> list[str]:
    """Entry scripts of the corpus the table above does not cover (should be none)."""
    covered = {(ex.folder, s) for ex in EXAMPLES for s in ex.scripts}
    covered |= {tuple(path.split("/", 1)) for path in NOT_ENTRY}
    missing = []
    for folder in sorted(p for p in corpus().iterdir() if p.is_dir()):
        for script in entry_scripts(folder):
            if (folder.name, script) not in covered:
                missing.append(f"{folder.name}/{script}")
    return missing


def _earlier(work: Path, example: Example, side: str) -> dict | None:
    """The record a run left in its work folder (run_side writes it)."""
    path = work / example.name / f"{side}.json"
    return json.loads(path.read_text()) if path.exists() else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the quick subset only")
    parser.add_argument("--examples", nargs="+", metavar="NAME", help="these examples")
    parser.add_argument("--side", choices=("both", "netpyne", "neuroloom"), default="both",
                        help="neuroloom: compare with the stored NetPyNE figures")
    parser.add_argument("--seeds", type=int, help="seeds per side (default: per example)")
    parser.add_argument("--jobs", type=int, default=1, help="processes at once per side")
    parser.add_argument("--work", type=Path, help="work folder (default $RUNS or a new "
                        "temporary folder)")
    parser.add_argument("--no-write", action="store_true",
                        help="write neither the page nor the reference figures")
    parser.add_argument("--rescore", action="store_true",
                        help="run nothing: judge again the records an earlier run left in "
                        "--work (after a change to the verdict or the page)")
    args = parser.parse_args(argv)
    if args.rescore and not args.work:
        parser.error("--rescore needs --work, the folder of the run to judge again")

    missing = check_corpus()
    if missing:
        print(f"warning: entry scripts the harness does not run: {missing}", file=sys.stderr)
    work = args.work or (Path(os.environ["RUNS"]) if os.environ.get("RUNS") else
                         Path(tempfile.mkdtemp(prefix="netpyne-examples-")))
    work.mkdir(parents=True, exist_ok=True)
    if args.side != "neuroloom" and not args.rescore:
        subprocess.run(["bash", str(HERE / "netpyne_venv.sh"), str(NETPYNE_VENV)], check=True)
    rows = {} if args.no_write else existing_rows(REPORT)
    start = time.perf_counter()
    results = {}
    for example in selected(args):
        seeds = args.seeds or example.n_seeds
        t0 = time.perf_counter()
        if args.rescore:
            ref, got = (_earlier(work, example, side) for side in ("netpyne", "neuroloom"))
            ref = ref or load_reference(example.name)
        else:
            ref = (run_side(example, "netpyne", seeds, work, args.jobs)
                   if args.side != "neuroloom" else load_reference(example.name))
            got = (run_side(example, "neuroloom", seeds, work, args.jobs)
                   if args.side != "netpyne" else None)
            if args.side != "neuroloom" and not args.no_write:
                save_reference(ref)
        verdict = compare(ref, got) if got is not None else Verdict("not run on neuroloom")
        results[example.name] = verdict
        rows[example.name] = (table_row(example, ref, got, verdict),
                              details(example, ref, got, verdict))
        print(f"{example.name:32s} {verdict.status:34s} {time.perf_counter() - t0:6.0f} s",
              flush=True)
        for problem in verdict.problems[:6]:
            print(f"    {problem[:150]}")
    total = time.perf_counter() - start
    which = ("selected examples" if args.examples else "quick subset" if args.quick
             else "all examples")
    stamp = (f"{time.strftime('%Y-%m-%d')}, {which} " + (
        "(judged again from an earlier run's records)" if args.rescore
        else f"({total / 60:.0f} min)"))
    if not args.no_write and args.side != "netpyne":
        REPORT.write_text(report(rows, stamp))
        print(f"wrote {REPORT.relative_to(ROOT)}")
    print(f"work folder: {work}; {total:.0f} s in all")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        side_, out_, overrides_, script_, *rest = sys.argv[2:]
        probe(side_, out_, json.loads(overrides_), script_, rest)
    sys.exit(main())
