"""NMODL mechanisms: compiled on demand into a cache, loaded once.

A folder of .mod files is compiled by nrnivmodl into
``<cache>/mechanisms/<digest>/`` where the digest covers the files' names and contents, the
NEURON version and the build flavour, so a changed file recompiles and an unchanged one is
reused. Nothing is ever written into site-packages or the working directory. Loading is
guarded: NEURON refuses to define a mechanism name twice (even from the same library loaded
by another path, e.g. auto-loaded from ./x86_64), so a folder whose mechanisms all exist
already is skipped. When some exist, the others are loaded only if each existing one came
from a .mod file with the same text (loaded here before: a SONATA export carries copies of
the mod files of the model it came from) or is one neuroloom never makes (VecStim, which
BMTK needs and neuroloom replaces by PatternStim); otherwise it is an error.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..cache import cache_root
from ..errors import MechanismError
from . import mechanisms
from .neuron_env import neuron_h

PACKAGE_MODS = Path(__file__).resolve().parent.parent / "mod"
#: the folders of mechanisms shipped with neuroloom, each compiled and loaded when a network
#: uses one of its mechanisms: the Izhikevich cells, and NlRandomStim (NeuroML's random
#: generators NetStim cannot express). NlRandomStim has a folder of its own because it
#: cannot be compiled for CoreNEURON (NEURON 9's CoreNEURON has no random_setids), and
#: CoreNEURON compiles every file of a folder.
PACKAGE_MOD_FOLDERS = (PACKAGE_MODS, PACKAGE_MODS / "randomstim")
NOT_FOR_CORENEURON = frozenset({PACKAGE_MODS / "randomstim"})
#: mechanism name -> digest of the text of the .mod file it was loaded from, by load()
_LOADED_TEXT: dict[str, str] = {}
#: mechanisms neuroloom never makes (spike trains are replayed by NEURON's PatternStim):
#: a folder's copy (BMTK's vecevent.mod, an export's vecstim.mod) is skipped when NEURON
#: has one already, whichever library it came from
NEVER_MADE = frozenset({"VecStim"})
_NAME = re.compile(r"\b(?:SUFFIX|POINT_PROCESS|ARTIFICIAL_CELL)\s+(\w+)")
_COMMENT = re.compile(r"COMMENT.*?ENDCOMMENT|:[^\n]*", re.S)


def mod_files(folder) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise MechanismError(f"mod folder {str(folder)!r} does not exist")
    files = sorted(folder.glob("*.mod"))
    if not files:
        raise MechanismError(f"mod folder {str(folder)!r} holds no .mod files")
    return files


#: files beside the mod files that they INCLUDE (ghk.inc) or #include (misc.h)
INCLUDED_SUFFIXES = (".inc", ".h", ".hpp")


def included_files(folder) -> list[Path]:
    """The files of ``folder`` its mod files may include: compiled with them."""
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and p.suffix.lower() in INCLUDED_SUFFIXES)


def mechanism_names(files) -> list[str]:
    """The names the files define (SUFFIX, POINT_PROCESS, ARTIFICIAL_CELL)."""
    names = []
    for path in files:
        text = _COMMENT.sub("", Path(path).read_text(errors="replace"))
        names += _NAME.findall(text)
    return names


def compiled(folder, coreneuron: bool = False) -> Path:
    """The cache folder holding the compiled library of ``folder`` (compiling it first
    if needed). Concurrent processes wait for one another on a lock."""
    files = mod_files(folder) + included_files(folder)
    neuron_h()  # NEURON started headless (a bare import prints display warnings)
    import neuron  # NEURON is imported by the engine only when used, after neuron_h()

    digest = hashlib.sha256()
    digest.update(f"{neuron.__version__}|coreneuron={coreneuron}|{sys.platform}".encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    root = cache_root() / "mechanisms"
    target = root / digest.hexdigest()[:20]
    library = target / "x86_64" / "libnrnmech.so"
    if library.exists():
        return target
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not library.exists():
            _build(files, target, coreneuron, folder)
    return target


def _build(files, target: Path, coreneuron: bool, folder) -> None:
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for path in files:
            shutil.copy2(path, work / path.name)
        command = [_nrnivmodl()] + (["-coreneuron"] if coreneuron else [])
        done = subprocess.run(command, cwd=work, capture_output=True, text=True)
        if done.returncode != 0 or not (work / "x86_64" / "libnrnmech.so").exists():
            output = (done.stdout + done.stderr).strip().splitlines()
            raise MechanismError(f"nrnivmodl could not compile the mod files of "
                                 f"{str(folder)!r}:\n" + "\n".join(output[-40:]))
        os.replace(work, target)  # complete libraries only ever appear under their name
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _nrnivmodl() -> str:
    beside_python = Path(sys.executable).parent / "nrnivmodl"
    found = str(beside_python) if beside_python.exists() else shutil.which("nrnivmodl")
    if not found:
        raise MechanismError("nrnivmodl (part of NEURON) was not found")
    return found


def load(folder) -> list[str]:
    """Compile (if needed) and load the mechanisms of ``folder``; returns their names."""
    files = mod_files(folder)
    names = mechanism_names(files)
    neuron_h()  # NEURON started (headless) before anything is asked of it
    present = [n for n in names if mechanisms.exists(n)]
    if present and len(present) == len(names):
        return names  # already loaded (by us earlier, or by NEURON from ./x86_64)
    if present:
        texts = _text_digests(files)
        differing = [n for n in present if _LOADED_TEXT.get(n) != texts[n]
                     and n not in NEVER_MADE]
        if differing:
            raise MechanismError(f"cannot load {str(folder)!r}: NEURON already has "
                                 f"{', '.join(differing)} from another library")
        # the same mechanisms again (an export's copies): load the folder's other files
        kept = [f for f in files if not set(mechanism_names([f])) & set(present)]
        mixed = [f.name for f in files if f not in kept
                 and not set(mechanism_names([f])) <= set(present)]
        if mixed:
            raise MechanismError(f"cannot load {str(folder)!r}: {', '.join(mixed)} define "
                                 f"mechanisms NEURON has ({', '.join(present)}) together "
                                 "with new ones")
        files, folder = kept, _selection(folder, kept)
    import neuron  # NEURON is imported by the engine only when used, after neuron_h()

    library = compiled(folder)
    if not neuron.load_mechanisms(str(library), warn_if_already_loaded=False):
        raise MechanismError(f"NEURON could not load the mechanisms compiled from "
                             f"{str(folder)!r} ({library})")
    mechanisms.forget()
    missing = [n for n in names if not mechanisms.exists(n)]
    if missing:
        raise MechanismError(f"loading {str(folder)!r} did not define {', '.join(missing)}")
    _LOADED_TEXT.update(_text_digests(files))
    return names


def _text_digests(files) -> dict[str, str]:
    """Mechanism name -> digest of the text of the file that defines it."""
    out = {}
    for path in files:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        out.update(dict.fromkeys(mechanism_names([path]), digest))
    return out


def _selection(folder, files) -> Path:
    """A folder in the cache holding only ``files`` (and the files they may include), named
    by their content, to compile those alone."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    target = cache_root() / "mechanisms" / "selections" / digest.hexdigest()[:20]
    if not target.exists():
        cache_root().mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".selection.", dir=cache_root()))
        for path in [*files, *included_files(folder)]:
            shutil.copy2(path, work / path.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(work, target)
        except OSError:  # another process made it first: the same files
            shutil.rmtree(work, ignore_errors=True)
    return target


def package_folders_used(used, coreneuron: bool = False) -> list[Path]:
    """The folders of mechanisms shipped with neuroloom of which ``used`` names a mechanism;
    with ``coreneuron``, a MechanismError for one CoreNEURON cannot compile."""
    folders = [folder for folder in PACKAGE_MOD_FOLDERS
               if any(name in used for name in mechanism_names(mod_files(folder)))]
    if coreneuron:
        for folder in folders:
            if folder in NOT_FOR_CORENEURON:
                names = sorted(n for n in mechanism_names(mod_files(folder)) if n in used)
                raise MechanismError(f"{', '.join(names)} (neuroloom's, {folder}) cannot run "
                                     "on CoreNEURON: NEURON 9's CoreNEURON has no "
                                     "random_setids for its random stream; run on NEURON")
    return folders


def load_package_mechanisms(used) -> list[str]:
    """The mechanisms shipped with neuroloom (Izhikevich cells, NlRandomStim) that ``used``
    names and NEURON does not have yet (your own modFolders, loaded first, may define
    them)."""
    neuron_h()
    loaded = []
    for folder in package_folders_used(used):
        shipped = mechanism_names(mod_files(folder))
        if any(name in used and not mechanisms.exists(name) for name in shipped):
            loaded += load(folder)
    return loaded


def coreneuron_library(folders) -> Path | None:
    """CoreNEURON's library for the mechanisms of ``folders`` (compiled with -coreneuron
    from the same files NEURON loaded), or None when only built-ins are used. CoreNEURON
    loads a single library: the mechanisms must come from one folder."""
    folders = [Path(f) for f in folders if mod_files(f)]
    if not folders:
        return None
    if len(folders) > 1:
        raise MechanismError("CoreNEURON loads the mechanisms of one folder, not "
                             f"{len(folders)} ({', '.join(map(str, folders))}): put them "
                             "in one modFolder")
    return compiled(folders[0], coreneuron=True) / "x86_64" / "libcorenrnmech.so"


def mechanism_catalog(mod_folders=(), used=()) -> dict[str, dict]:
    """What NEURON knows of mechanisms once ``mod_folders`` and the mechanisms shipped with
    neuroloom that ``used`` names are loaded (engine/mechanisms.py ``catalog``), with
    neuroloom's other mechanisms (loaded when a network uses them): their kind, and
    ``params`` None (not known before loading)."""
    for folder in mod_folders:
        load(folder)
    load_package_mechanisms(set(used))
    known = mechanisms.catalog()
    for folder in PACKAGE_MOD_FOLDERS:
        for path in mod_files(folder):
            text = _COMMENT.sub("", path.read_text(errors="replace"))
            for word, name in _KIND.findall(text):
                known.setdefault(name, {"kind": _KIND_NAMES[word], "params": None})
    return known


_KIND = re.compile(r"\b(SUFFIX|POINT_PROCESS|ARTIFICIAL_CELL)\s+(\w+)")
_KIND_NAMES = {"SUFFIX": mechanisms.KINDS[mechanisms.DENSITY],
               "POINT_PROCESS": mechanisms.KINDS[mechanisms.POINT],
               "ARTIFICIAL_CELL": mechanisms.ARTIFICIAL_CELL}


def check_network_mechanisms(network, mod_folders=()) -> None:
    """A MechanismError unless NEURON has every mechanism and parameter ``network`` uses,
    once its mod folders, ``mod_folders`` and neuroloom's mechanisms it uses are loaded
    (what instantiating it checks first: engine/model.py)."""
    for folder in (*network.mod_folders, *mod_folders):
        load(folder)
    load_package_mechanisms(mechanisms.used_mechanisms(network))
    mechanisms.check_mechanisms(network)
