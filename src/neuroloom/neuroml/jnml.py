"""Running jNeuroML, the Java NeuroML2/LEMS toolkit that pyNeuroML bundles.

How it is run: the jar inside the installed pyneuroml package
(``pyneuroml/lib/jNeuroML-<version>-jar-with-dependencies.jar``, found without importing
pyneuroml, which is slow to import) is started directly with
``java -Xmx<mem> -Djava.awt.headless=true -jar JAR ARGS`` through subprocess, no shell.
Not through ``pynml`` or ``pyneuroml.pynml.run_jneuroml``: those build a shell command line
from the arguments (quoting of paths), call sys.exit on failure unless told otherwise, log the
output instead of handing it back, and ``pynml`` exits 0 when jLEMS refuses a model. Here the
exit status, the whole output and the timeout are ours, so jNeuroML's own message reaches the
user. ``$NEUROLOOM_JNEUROML_JAR`` overrides the jar, ``$NEUROLOOM_JAVA`` or ``$JAVA_HOME``
the java executable.

Failure is judged from three things, any one of which is enough (measured with jNeuroML
0.14.0 on OpenJDK 17, where java does exit 1 on an uncaught exception, but a run must not
rely on it): a non-zero exit status, a Java exception in the output (``...Exception: ...``,
``...ContentError: ...``, ``Exception in thread "main"``), or an output file the caller expects
that is missing afterwards.

A call takes 0.6-2 s here, mostly the JVM starting.

``validate`` runs ``-validate`` (schema, then jNeuroML's tests: ids and references inside the
document and its includes, e.g. the component of a population, the synapse of a projection,
the ion channel of a channelDensity). jNeuroML checks the schema of the named file only, so the
local files it includes are validated in the same call. Not checked by jNeuroML: the components
named by inputs (explicitInput, inputList); a projection naming an undefined population makes
its validator crash (reported as a problem).
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from functools import lru_cache
from pathlib import Path

from ..atomic import atomic_path
from ..cache import cache_root
from ..errors import FormatError, NeuroloomError

DEFAULT_MAX_MEMORY = "1G"
DEFAULT_TIMEOUT = 600.0  # s

_JAR_NAME = re.compile(r"jNeuroML-(?P<version>[\w.\-]+?)-jar-with-dependencies\.jar$")
# a Java exception or error as jNeuroML prints it: "org.lemsml...ContentError: No component..."
_EXCEPTION = re.compile(r"^(?:Exception in thread \"[^\"]*\" )?"
                        r"(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)\b(?::.*)?$")
_STACK = re.compile(r"^\s+at [\w$.<>]+\(.*\)$|^\s*\.\.\. \d+ more$|^Caused by: ")


class JNeuroMLUnavailable(NeuroloomError, RuntimeError):
    """Java or the jNeuroML jar is missing."""


# --- where things are ----------------------------------------------------------------------
def jar_path() -> Path:
    """The jNeuroML jar bundled with pyNeuroML (or ``$NEUROLOOM_JNEUROML_JAR``)."""
    override = os.environ.get("NEUROLOOM_JNEUROML_JAR")
    if override:
        if not Path(override).is_file():
            raise JNeuroMLUnavailable(f"$NEUROLOOM_JNEUROML_JAR={override} is not a file")
        return Path(override)
    return _bundled_jar()


@lru_cache(maxsize=None)
def _bundled_jar() -> Path:
    spec = importlib.util.find_spec("pyneuroml")
    if spec is None or not spec.submodule_search_locations:
        raise JNeuroMLUnavailable("pyNeuroML is not installed (pip install pyNeuroML): "
                                  "it bundles the jNeuroML jar neuroloom runs")
    for location in spec.submodule_search_locations:
        jars = sorted(Path(location, "lib").glob("jNeuroML-*-jar-with-dependencies.jar"))
        if jars:
            return jars[-1]
    raise JNeuroMLUnavailable("the installed pyNeuroML holds no jNeuroML jar "
                              "(expected pyneuroml/lib/jNeuroML-*-jar-with-dependencies.jar)")


def version() -> str:
    """jNeuroML's version, read from the jar's file name (no Java started)."""
    found = _JAR_NAME.search(jar_path().name)
    return found["version"] if found else jar_path().name


def version_key() -> str:
    """What identifies the jNeuroML in use, for cache keys: version, jar name and size."""
    jar = jar_path()
    return f"jNeuroML {version()} {jar.name} {jar.stat().st_size}"


def jar_entry(entry: str) -> bytes:
    """A file of the jNeuroML jar (``NeuroML2CoreTypes/Cells.xml``...); KeyError if absent."""
    with zipfile.ZipFile(jar_path()) as jar:
        return jar.read(entry)


@lru_cache(maxsize=None)
def core_component_types() -> dict:
    """{name: <ComponentType> element} of NeuroML's core types (NeuroML2CoreTypes/*.xml in
    the jNeuroML jar), read once."""
    found = {}
    with zipfile.ZipFile(jar_path()) as jar:
        for name in jar.namelist():
            if name.startswith("NeuroML2CoreTypes/") and name.endswith(".xml"):
                for element in ET.fromstring(jar.read(name)).iter():
                    if isinstance(element.tag, str) and \
                            element.tag.rsplit("}", 1)[-1] == "ComponentType":
                        found[element.get("name")] = element
    return found


def bundled_include(href: str) -> Path | None:
    """A LEMS ``<Include file>`` found in no folder, as jNeuroML finds it: the copy of that
    file among the examples its jar bundles (the path without its leading ``../``), written
    once to neuroloom's cache; None where the jar has none. (The corpus's
    regression-tests/LEMS_NML2_Ex5_DetCell_unformatted.xml includes
    ../examples/NML2_SingleCompHHCell.nml, which only the jar holds beside it.)"""
    parts = [part for part in Path(href).parts if part not in ("..", ".")]
    if not parts or Path(href).is_absolute():
        return None
    entry = "/".join(parts)
    try:
        jar, data = jar_path(), jar_entry(entry)
    except (KeyError, JNeuroMLUnavailable, OSError, zipfile.BadZipFile):
        return None
    copy = cache_root() / "neuroml" / "jar" / f"{jar.name}-{jar.stat().st_size}" / entry
    if not copy.is_file() or copy.read_bytes() != data:
        copy.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(copy) as tmp:
            Path(tmp).write_bytes(data)
    return copy


def java_executable() -> str:
    """The java to run: $NEUROLOOM_JAVA, else $JAVA_HOME/bin/java, else java on PATH."""
    candidates = [os.environ.get("NEUROLOOM_JAVA")]
    if os.environ.get("JAVA_HOME"):
        candidates.append(str(Path(os.environ["JAVA_HOME"], "bin", "java")))
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("java")
    if not found:
        raise JNeuroMLUnavailable(
            "Java was not found: jNeuroML (NeuroML2 validation and the NEURON code generated "
            "from NeuroML components) needs Java 17 or newer; install it (e.g. "
            "`apt-get install openjdk-17-jre-headless`) and put `java` on PATH, or set "
            "JAVA_HOME")
    return found


# --- running -------------------------------------------------------------------------------
def run(args, cwd=None, timeout: float = DEFAULT_TIMEOUT, outputs=(),
        max_memory: str = DEFAULT_MAX_MEMORY) -> str:
    """Run ``java -jar jNeuroML.jar *args`` in ``cwd``; returns its output (stdout then
    stderr). Raises FormatError with jNeuroML's message when it fails: a non-zero exit, a Java
    exception in the output, or one of ``outputs`` (paths, relative to cwd) missing
    afterwards. Raises JNeuroMLUnavailable when Java or the jar is missing."""
    args = [str(a) for a in args]
    done = _java(args, cwd, timeout, max_memory)
    output = done.stdout + done.stderr
    missing = [str(p) for p in outputs if not (Path(cwd or ".") / p).exists()]
    problem = failure(output, done.returncode)
    if problem or missing:
        what = problem or "it wrote no " + ", ".join(missing)
        raise FormatError(f"jNeuroML failed ({' '.join(args)}): {what}")
    return output


def _java(args, cwd, timeout, max_memory) -> subprocess.CompletedProcess:
    command = [java_executable(), f"-Xmx{max_memory}", "-Djava.awt.headless=true",
               "-jar", str(jar_path()), *args]
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                              errors="replace", timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise FormatError(f"jNeuroML did not finish within {timeout:g} s "
                          f"({' '.join(args)})") from None
    except OSError as e:
        raise JNeuroMLUnavailable(f"could not start Java ({command[0]}): {e}; jNeuroML "
                                  f"needs Java 17 or newer") from None


def failure(output: str, returncode: int = 0) -> str:
    """The message of a failed jNeuroML run ('' when it did not fail): the Java exception
    it printed, else (non-zero exit) the end of its output."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if _EXCEPTION.match(line.strip()):
            message = [_short(line.strip())]
            for more in lines[i + 1:i + 12]:  # the message may go on over a few lines
                if _STACK.match(more) or more.strip().startswith("- Component("):
                    break
                if more.strip():
                    message.append(_short(more.strip()))
            return " ".join(message)
    if returncode != 0:
        tail = [line.strip() for line in lines if line.strip()][-12:]
        return f"exit status {returncode}: " + " | ".join(tail)
    return ""


def _short(line: str, limit: int = 400) -> str:
    line = line.replace('"http://www.neuroml.org/schema/neuroml2":', "")
    line = re.sub(r"(Existing components?:).*", r"\1 ...", line)
    return line if len(line) <= limit else line[:limit - 3] + "..."


# --- validation ----------------------------------------------------------------------------
def validate(path, timeout: float = DEFAULT_TIMEOUT, warnings: bool = False) -> list[str]:
    """The problems jNeuroML reports for the NeuroML2 file ``path`` and the local files it
    includes (recursively), each validated against the schema; empty when all are valid.
    Problems of an included file start with its name. With ``warnings``, jNeuroML's warnings
    are listed too (prefixed 'warning: ')."""
    path = Path(path)
    if not path.is_file():
        return [f"{path}: file does not exist"]
    if root_tag(path) == "Lems":
        raise FormatError(f"{path} is a LEMS file; validate() checks NeuroML2 documents "
                          f"(validate the .nml files it includes)")
    files, missing = [path], []
    for included in document_files(path)[1:]:
        if included.exists():
            files.append(included)
        else:
            missing.append(included)
    results = validate_files(files, timeout=timeout, warnings=warnings)
    problems = list(results[path.resolve()])
    for included in files[1:]:
        problems += [f"{included.name}: {p}" for p in results[included.resolve()]]
    problems += [f"included file {m} does not exist" for m in missing]
    return problems


def validate_files(paths, timeout: float = DEFAULT_TIMEOUT,
                   warnings: bool = False) -> dict[Path, list[str]]:
    """{resolved path: problems} for several NeuroML2 files in one jNeuroML call (each file
    on its own: its includes are read for references, not validated)."""
    paths = [Path(p).resolve() for p in paths]
    if not paths:
        return {}
    done = _java(["-validate", *map(str, paths)], paths[0].parent, timeout,
                 DEFAULT_MAX_MEMORY)
    output = done.stdout + done.stderr
    found = _parse_validation(output, warnings)
    results = {p: found[str(p)] for p in paths if str(p) in found}
    unreached = [p for p in paths if p not in results]
    if done.returncode != 0 and not any(results.values()):
        # failed without saying why in a form we know: give its words
        message = failure(output, done.returncode) or output.strip()[-500:]
        first = unreached.pop(0) if unreached else paths[-1]
        results[first] = [f"jNeuroML could not validate the file: {message}"]
    if unreached:  # jNeuroML stopped early (a crash on an earlier file): the rest again
        results.update(validate_files(unreached, timeout, warnings))
    return results


def _parse_validation(output: str, warnings: bool) -> dict[str, list[str]]:
    """{file: problems} from the output of ``jnml -validate FILES``."""
    found: dict[str, list[str]] = {}
    current = None
    schema_error = False
    lines = output.splitlines()
    i = 0
    while i < len(lines):
        raw = lines[i]
        line = raw.strip()
        i += 1
        if line.startswith("Validating: "):
            current = str(Path(line[len("Validating: "):].strip()).resolve())
            found.setdefault(current, [])
            schema_error = False
            continue
        if current is None or not line:
            continue
        problems = found[current]
        if line.startswith("File does not exist:"):
            problems.append(line)
        elif line.startswith("File: ") and "is not valid against the schema" in line:
            schema_error = True
        elif line.startswith("Error when parsing against Schema"):
            schema_error = True
        elif line.startswith(("Note 1:", "Note 2:", "Please check which attributes")):
            schema_error = False
        elif line.startswith("Test: ") and " failed!" in line:
            problems.append(_test_message(line))
        elif line.startswith("Warning, check: "):
            if warnings:
                problems.append("warning: " + _test_message(line[len("Warning, check: "):]))
        elif _EXCEPTION.match(line):
            crash = failure("\n".join(lines[i - 1:]), 1)
            problems.append(f"jNeuroML's validator crashed on this file ({crash}); "
                            f"this happens e.g. when a projection names an undefined "
                            f"population")
            current = None
        elif schema_error:
            if line.startswith("One of ") and problems:
                problems[-1] += " " + _short(line, 300)
            else:
                problems.append("schema: " + _short(line))
    return found


def _test_message(line: str) -> str:
    """'Test: 10070 (Synapse ... should exist) failed! ... Synapse: x in p not found!'
    -> 'Synapse ... should exist: Synapse: x in p not found!'"""
    found = re.match(r"(?:Test: )?(\d+) \((.*?)\) failed! \.\.\. ?(.*)$", line)
    if not found:
        return _short(line)
    return _short(f"{found[2]}: {found[3]}" if found[3] else found[2])


# --- the files a document reads ------------------------------------------------------------
def root_tag(path) -> str:
    """The local name of the root element of an XML file ('' if it is not XML)."""
    try:
        for _, element in ET.iterparse(str(path), events=("start",)):
            return element.tag.rsplit("}", 1)[-1]
    except ET.ParseError:
        return ""
    return ""


def document_files(path) -> list[Path]:
    """``path`` and every local file it includes, recursively, in reading order, resolved:
    NeuroML ``<include href>`` (relative to the including file), LEMS ``<Include file>``
    (relative to the including file; ones not found there are jNeuroML's own core types,
    e.g. Cells.xml, and are left out). An include naming a missing local .nml file is listed
    (so callers can report it); URLs are left out."""
    return [p for p, _ in _walk(Path(path).resolve())]


def _walk(path: Path, seen=None):
    seen = set() if seen is None else seen
    if path in seen:
        return []
    seen.add(path)
    out = [(path, None)]
    if not path.exists():
        return out
    for href, lems in _includes(path):
        if re.match(r"^[a-z][a-z0-9+.-]*://", href, re.I):
            continue  # a URL: jNeuroML fetches it, nothing local to read
        target = (path.parent / href).resolve()
        if lems and not target.exists():
            continue  # a core type file inside the jar
        out += _walk(target, seen)
    return out


def _includes(path: Path) -> list[tuple[str, bool]]:
    found = []
    try:
        for _, element in ET.iterparse(str(path), events=("start",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "include" and element.get("href"):
                found.append((element.get("href"), False))
            elif tag == "Include" and element.get("file"):
                found.append((element.get("file"), True))
    except ET.ParseError:
        pass  # not XML (e.g. an HDF5 network): jNeuroML reads it itself
    return found
