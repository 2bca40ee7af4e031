"""neuroloom.sonata.swc names the sections NEURON's Import3d makes of an SWC, in the
order of the cell's ``all`` list, exactly as NEURON does.

The NEURON side runs in a subprocess (NEURON keeps templates and sections per process):
it builds each morphology into the Biophys1-like template below, lists ``cell.all`` and
deletes the cell again, so the process holds no section between morphologies.
"""
from __future__ import annotations

import glob
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from neuroloom.errors import FormatError
from neuroloom.sonata.swc import read_swc, section_names

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - the seeded generator below runs instead
    st = None

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# The template neuroloom builds BMTK's biophysical cells with (BMTK's Biophys1.hoc, reduced
# to its morphology), copied so this test keeps its meaning wherever that code moves.
TEMPLATE_NAME = "SwcSectionsCell"
TEMPLATE_HOC = """
begintemplate SwcSectionsCell
public soma, dend, apic, axon
public all, somatic, basal, apical, axonal
objref all, somatic, basal, apical, axonal, this
create soma[1], dend[1], apic[1], axon[1]
proc init() { localobj reader, importer
    all = new SectionList()
    somatic = new SectionList()
    basal = new SectionList()
    apical = new SectionList()
    axonal = new SectionList()
    forall delete_section()
    reader = new Import3d_SWC_read()
    reader.quiet = 1
    reader.input($s1)
    importer = new Import3d_GUI(reader, 0)
    importer.instantiate(this)
}
endtemplate SwcSectionsCell
"""

# Reads SWC paths from stdin, one a line, and answers each with one JSON line: the names
# of cell.all (``soma_0``...), or the error NEURON raised. NEURON's own printing (Import3d
# reports removed sections) goes to /dev/null so it cannot garble the answers.
SERVER = r"""
import json, os, sys
answers = os.fdopen(os.dup(1), "w")
devnull = os.open(os.devnull, os.O_WRONLY)
os.dup2(devnull, 1)
os.dup2(devnull, 2)
from neuron import h
h.load_file("stdlib.hoc")
h.load_file("import3d.hoc")
h(sys.argv[1])
cls = getattr(h, sys.argv[2])
for path in sys.stdin:
    try:
        cell = cls(path.rstrip("\n"))
    except Exception as err:
        answer = {"error": str(err)}
    else:
        names = [sec.name().split(".")[-1] for sec in cell.all]
        answer = {"names": [n.replace("[", "_").rstrip("]") for n in names]}
        del cell
    # every morphology starts from an empty NEURON
    answer["left"] = [sec.name() for sec in h.allsec()]
    answers.write(json.dumps(answer) + "\n")
    answers.flush()
"""


class NeuronImport3d:
    """A NEURON subprocess that builds SWC files with Import3d, one at a time."""

    def __init__(self):
        env = dict(os.environ, NEURON_MODULE_OPTIONS="-nogui")
        self.proc = subprocess.Popen([PYTHON, "-c", SERVER, TEMPLATE_HOC, TEMPLATE_NAME],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=env)

    def names(self, path) -> tuple[str, ...] | None:
        """NEURON's section names in ``all`` order, None if NEURON fails on the file."""
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"the NEURON subprocess died on {path}"
        answer = json.loads(line)
        assert answer["left"] == [], f"NEURON kept sections after {path}: {answer['left']}"
        return tuple(answer["names"]) if "names" in answer else None

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def neuron_import3d():
    server = NeuronImport3d()
    yield server
    server.close()


def ours(path) -> tuple[str, ...] | None:
    """Our section names, None where we refuse the file."""
    try:
        return section_names(path)
    except FormatError:
        return None


def swc_files() -> list[str]:
    """The real morphologies: SONATA examples, neuroloom's test data, BMTK's copies."""
    files = sorted(glob.glob("/work/shared/sonata-examples/shared_components/morphologies/"
                             "*.swc"))
    files += sorted(str(p) for p in (REPO / "tests/data/morphology").glob("*.swc"))
    spec = importlib.util.find_spec("bmtk")
    if spec is not None and spec.submodule_search_locations:
        for root in spec.submodule_search_locations:
            files += sorted(glob.glob(f"{root}/**/*.swc", recursive=True))
    return files


@pytest.mark.neuron
def test_real_morphologies_match_neuron(neuron_import3d):
    files = swc_files()
    assert any("tests/data" in f for f in files)
    for path in files:
        names = section_names(path)
        assert names == neuron_import3d.names(path), path
        assert names[0] == "soma_0"


# ---------------------------------------------------------------------------------------
# Generated morphologies. Small integer coordinates make coincident points (zero-length
# sections) common; the soma, branching, types and line order vary independently.

SOMA_KINDS = ("one-point", "three-point", "three-point-near-miss", "chain", "branched")
LINE_ORDERS = ("as-built", "depth-first", "breadth-first", "shuffled-topological",
               "ids-out-of-order", "parent-after-child")


def build_morphology(choice) -> str:
    """The text of an SWC file. ``choice(kind, *args)`` draws one value:
    ``choice("int", lo, hi)``, ``choice("item", sequence)``, ``choice("bool", p)``."""
    points = []  # [type, parent index or -1, (x, y, z), radius], parents first

    def add(kind, parent, xyz, radius):
        points.append([kind, parent, xyz, radius])
        return len(points) - 1

    def step(parent):
        if choice("bool", 0.15):
            return points[parent][2]  # same place: a zero-length segment
        x, y, z = points[parent][2]
        return (x + choice("int", -2, 2), y + choice("int", -2, 2), z + choice("int", 0, 2))

    soma = choice("item", SOMA_KINDS)
    root_kind = 1 if choice("bool", 0.9) else choice("int", 2, 4)
    r = choice("item", (0.5, 1.0, 2.0))
    root = add(root_kind, -1, (0.0, 0.0, 0.0), r)
    if soma.startswith("three-point"):
        # NeuroMorpho's three-point soma: two childless points at +-r from the centre
        dy = r if soma == "three-point" else r * choice("item", (0.9, 1.5))
        add(1, root, (0.0, -dy, 0.0), r)
        add(1, root, (0.0, dy, 0.0), r if choice("bool", 0.8) else r / 2)
    elif soma in ("chain", "branched"):
        for _ in range(choice("int", 1, 4)):
            parent = (len(points) - 1 if soma == "chain" or choice("bool", 0.5)
                      else choice("int", 0, len(points) - 1))
            add(1, parent, step(parent), r)
    if root_kind != 1 and not any(p[0] == 1 for p in points):
        add(1, root, step(root), r)  # the soma is a child of a neurite root
    # more soma points would make a three-point soma an ordinary one
    soma_types = (1, 2, 3, 4) if not soma.startswith("three") or choice("bool", 0.3) else (
        2, 3, 4)
    for _ in range(choice("int", 0, 22)):
        if choice("bool", 0.08):  # another tree, unconnected
            add(choice("item", soma_types), -1, (choice("int", -5, 5), 0.0, 5.0), 1.0)
            continue
        parent = (len(points) - 1 if choice("bool", 0.55)
                  else choice("int", 0, len(points) - 1))
        kind = points[parent][0]
        if kind == 1 and not (choice("bool", 0.1) and 1 in soma_types):
            kind = choice("int", 2, 4)  # a neurite leaves the soma
        elif choice("bool", 0.12):
            kind = choice("item", soma_types)  # a type change in the middle of a branch
        add(kind, parent, step(parent), choice("item", (0.25, 0.5, 1.0)))
    return swc_text(points, choice("item", LINE_ORDERS), choice)


def swc_text(points, order, choice) -> str:
    n = len(points)
    children = [[] for _ in range(n)]
    for i, p in enumerate(points):
        if p[1] >= 0:
            children[p[1]].append(i)
    roots = [i for i, p in enumerate(points) if p[1] < 0]
    if order == "depth-first":
        lines, stack = [], roots[::-1]
        while stack:
            i = stack.pop()
            lines.append(i)
            stack += children[i][::-1]
    elif order == "breadth-first":
        lines, queue = [], list(roots)
        while queue:
            i = queue.pop(0)
            lines.append(i)
            queue += children[i]
    elif order == "shuffled-topological":
        lines, ready = [], list(roots)
        while ready:
            i = ready.pop(choice("int", 0, len(ready) - 1))
            lines.append(i)
            ready += children[i]
    elif order == "parent-after-child" and n > 1:
        lines = list(range(n))
        i = choice("int", 1, n - 1)
        lines.insert(choice("int", 0, i - 1), lines.pop(i))  # maybe before its parent
    else:
        lines = list(range(n))
    # ids increase along the lines, with gaps and an arbitrary first id
    first = choice("int", 0, 3)
    ids, next_id = {}, first
    for i in lines:
        ids[i] = next_id
        next_id += 1 if choice("bool", 0.8) else choice("int", 2, 5)
    if order == "ids-out-of-order" and n > 2:
        a, b = choice("int", 1, n - 1), choice("int", 1, n - 1)
        ids[lines[a]], ids[lines[b]] = ids[lines[b]], ids[lines[a]]
    text = ["# generated by test_swc_sections", ""]
    for i in lines:
        kind, parent, (x, y, z), radius = points[i]
        parent_id = ids[parent] if parent >= 0 else -1
        text.append(f"{ids[i]} {kind} {x:g} {y:g} {z:g} {radius:g} {parent_id}")
    return "\n".join(text) + "\n"


def check_generated(text, path, neuron_import3d):
    path.write_text(text)
    mine, theirs = ours(path), neuron_import3d.names(path)
    assert mine == theirs, f"ours {mine}\nNEURON {theirs}\n{text}"


if st is not None:
    @st.composite
    def morphologies(draw):
        def choice(kind, *args):
            if kind == "int":
                return draw(st.integers(*args))
            if kind == "item":
                return draw(st.sampled_from(args[0]))
            return draw(st.integers(0, 999)) < args[0] * 1000

        return build_morphology(choice)

    @pytest.mark.neuron
    @settings(max_examples=400, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(text=morphologies())
    def test_generated_morphologies_match_neuron(text, tmp_path, neuron_import3d):
        check_generated(text, tmp_path / "generated.swc", neuron_import3d)
else:  # pragma: no cover
    @pytest.mark.neuron
    def test_generated_morphologies_match_neuron(tmp_path, neuron_import3d):
        rng = random.Random(20240611)

        def choice(kind, *args):
            if kind == "int":
                return rng.randint(*args)
            if kind == "item":
                return rng.choice(args[0])
            return rng.random() < args[0]

        for _ in range(400):
            check_generated(build_morphology(choice), tmp_path / "generated.swc",
                            neuron_import3d)


# Hand-written cases, each one rule of Import3d's
CASES = {
    "one-point soma": """
        1 1 0 0 0 5 -1
        2 3 0 10 0 1 1
        3 3 0 20 0 1 2
        4 2 0 -10 0 1 1
    """,
    "neuromorpho three-point soma": """
        1 1 0 0 0 5 -1
        2 1 0 -5 0 5 1
        3 1 0 5 0 5 1
        4 3 10 0 0 1 1
        5 3 20 0 0 1 4
    """,
    # the radii differ in double but not in single precision: still a three-point soma
    "three-point soma in single precision": """
        1 1 0 0 0 5 -1
        2 1 0 -5 0 5.000000001 1
        3 1 0 5 0 5 1
        4 3 10 0 0 1 1
        5 3 20 0 0 1 4
    """,
    "branched soma": """
        1 1 0 0 0 5 -1
        2 1 0 5 0 5 1
        3 1 0 10 0 5 2
        4 1 5 5 0 5 2
        5 3 0 20 0 1 3
        6 3 10 5 0 1 4
        7 4 -5 5 0 1 2
    """,
    "type change in a branch": """
        1 1 0 0 0 5 -1
        2 3 0 10 0 1 1
        3 3 0 20 0 1 2
        4 4 0 30 0 1 3
        5 4 0 40 0 1 4
    """,
    # a branch off the first point of a neurite connected to the soma: that point then
    # runs on into the next line's point, whatever its parent and type (axon is lost)
    "connected to the proximal end": """
        1 1 0 0 0 5 -1
        2 4 0 10 0 1 1
        3 4 0 20 0 1 2
        4 3 0 -10 0 1 1
        5 2 10 0 0 1 1
        6 2 20 0 0 1 5
        7 3 0 -20 0 1 4
        8 3 5 -20 0 1 4
        9 4 5 20 0 1 2
    """,
    "two trees": """
        1 1 0 0 0 5 -1
        2 3 0 10 0 1 1
        3 3 0 20 0 1 -1
        4 3 0 30 0 1 3
    """,
    "zero-length section removed": """
        1 1 0 0 0 5 -1
        2 3 0 10 0 1 1
        3 3 0 10 0 1 2
        4 3 5 10 0 1 2
        5 3 9 10 0 1 4
    """,
    # NEURON compares 3D points within float_epsilon (1e-11): the leaf 1e-12 um from its
    # parent makes a zero-length section, which is removed
    "points 1e-12 apart are at one place": """
        1 1 0 0 0 5 -1
        2 3 0 10 0 1 1
        3 3 0 20 0 1 2
        4 3 5 20 0 1 3
        5 3 1e-12 20 0 1 3
        6 3 -1e-10 20 0 1 3
    """,
    # the dendrite leaves the last point of a soma section that has two soma children: its
    # first 3D point is a wire, and with two 3D points left at one place it is removed
    "dendrite on a branching soma point": """
        1 1 0 0 0 5 -1
        2 1 0 5 0 5 1
        3 1 0 10 0 5 2
        4 1 0 15 0 5 3
        5 1 5 10 0 5 3
        6 3 9 9 0 1 3
        7 3 9 9 0 1 6
        8 3 -9 9 0 1 3
        9 3 -9 19 0 1 8
    """,
    # the first point's parent comes later: Import3d never looks the root's parent up
    "first point's parent later": """
        0 1 0 -0.5 0 0.5 1
        1 1 0 0 0 0.5 -1
        2 1 0 0.5 0 0.5 1
    """,
    "neurite root, soma later": """
        1 3 0 0 0 1 -1
        2 3 0 10 0 1 1
        3 1 0 20 0 5 2
        4 1 0 25 0 5 3
        5 2 0 30 0 1 4
        6 2 0 40 0 1 5
    """,
    "ids with gaps from 0": """
        0 1 0 0 0 5 -1
        7 2 0 10 0 1 0
        9 2 0 20 0 1 7
        30 3 0 -10 0 1 0
    """,
}
REFUSED_CASES = {
    "ids out of order": ("""
        1 1 0 0 0 5 -1
        3 3 0 20 0 1 2
        2 3 0 10 0 1 1
    """, "line 5: id 2 after id 3"),
    "parent after child": ("""
        1 1 0 0 0 5 -1
        2 3 0 20 0 1 3
        3 3 0 10 0 1 1
    """, "line 4: the parent 3 of point 2 comes after it, and the point starts a section"),
    # Import3d marks the root section "connected to its parent's proximal end", and has no
    # parent section to look up
    "first point's parent later, a neurite start": ("""
        1 1 0 0 0 5 3
        2 1 0 5 0 5 -1
        3 3 0 10 0 1 2
        4 3 0 20 0 1 3
    """, "line 3: the first point's parent 3 comes after it"),
    "zero-diameter three-point soma": ("""
        1 1 0 0 0 0 -1
        2 1 0 0 0 0 1
        3 1 0 0 0 0 1
        4 3 0 10 0 1 1
    """, "line 3: a three-point soma of diameter 0"),
}


def write(tmp_path, name, body) -> Path:
    path = tmp_path / (re.sub(r"\W+", "_", name) + ".swc")
    path.write_text("# " + name + "\n" + "\n".join(l.strip() for l in body.splitlines()))
    return path


@pytest.mark.neuron
@pytest.mark.parametrize("name", sorted(CASES))
def test_import3d_rules_match_neuron(name, tmp_path, neuron_import3d):
    path = write(tmp_path, name, CASES[name])
    assert section_names(path) == neuron_import3d.names(path)


@pytest.mark.neuron
@pytest.mark.parametrize("name", sorted(REFUSED_CASES))
def test_what_neuron_fails_on_is_refused(name, tmp_path, neuron_import3d):
    body, message = REFUSED_CASES[name]
    path = write(tmp_path, name, body)
    assert neuron_import3d.names(path) is None
    with pytest.raises(FormatError, match=re.escape(f"{str(path)!r} {message}")):
        section_names(path)


def test_expected_names(tmp_path):
    """The rules as the docstring states them, on cases NEURON confirms above."""
    assert section_names(write(tmp_path, "a", CASES["one-point soma"])) == (
        "soma_0", "axon_0", "dend_0")
    assert section_names(write(tmp_path, "b", CASES["neuromorpho three-point soma"])) == (
        "soma_0", "dend_0")
    assert section_names(write(tmp_path, "c", CASES["connected to the proximal end"])) == (
        "soma_0", "dend_0", "dend_1", "dend_2", "apic_0", "apic_1", "apic_2")
    assert section_names(write(tmp_path, "d", CASES["zero-length section removed"])) == (
        "soma_0", "dend_0", "dend_1")
    assert section_names(write(tmp_path, "e", CASES["points 1e-12 apart are at one place"])) == (
        "soma_0", "dend_0", "dend_1", "dend_2")


# ---------------------------------------------------------------------------------------
# Errors (no NEURON)

def refused(tmp_path, body, reader=read_swc) -> str:
    path = write(tmp_path, "bad", body)
    with pytest.raises(FormatError) as err:
        reader(path)
    assert repr(str(path)) in str(err.value)
    return str(err.value)


def test_malformed_line_names_file_and_line(tmp_path):
    message = refused(tmp_path, "1 1 0 0 0 5 -1\n2 3 0 10 0 1\n")
    assert "line 3: not an SWC point" in message and "'2 3 0 10 0 1'" in message
    assert "line 3:" in refused(tmp_path, "1 1 0 0 0 5 -1\n2 3 0 x 0 1 1\n")
    assert "line 3: the parent 1.5 is not an integer" in refused(
        tmp_path, "1 1 0 0 0 5 -1\n2 3 0 1 0 1 1.5\n")
    assert "line 2: a number out of range" in refused(tmp_path, "1 1 0 1e999 0 5 -1\n")


def test_comments_and_blank_lines_are_skipped(tmp_path):
    points = read_swc(write(tmp_path, "ok", "\n  # a comment\n1 1 0 0 0 5 -1 # soma\n\n"
                                            "2 3 0 10 0 1 1\n"))
    assert points.ids.tolist() == [1, 2] and points.lines.tolist() == [4, 6]
    assert points.types.tolist() == [1, 3] and points.parents.tolist() == [-1, 1]
    assert points.radii.tolist() == [5, 1] and points.y.tolist() == [0, 10] and len(points) == 2


def test_missing_parent_names_file_and_line(tmp_path):
    message = refused(tmp_path, "1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n3 3 0 20 0 1 7\n")
    assert "line 4: parent 7 is not the id of any point" in message


def test_duplicate_id_and_cycle(tmp_path):
    assert "line 3: id 1 is already the id of line 2" in refused(
        tmp_path, "1 1 0 0 0 5 -1\n1 3 0 10 0 1 1\n")
    message = refused(tmp_path, "1 1 0 0 0 5 -1\n2 3 0 10 0 1 3\n3 3 0 20 0 1 2\n")
    assert "its own ancestor" in message and "line 3:" in message


def test_unknown_type_names_file_and_line(tmp_path):
    message = refused(tmp_path, "1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n3 7 0 20 0 1 2\n",
                      section_names)
    assert "line 4: SWC point type 7" in message
    assert "no soma" in refused(tmp_path, "1 3 0 0 0 5 -1\n2 3 0 10 0 1 1\n",
                                section_names)


def test_does_not_import_neuron():
    path = REPO / "tests/data/morphology/Pvalb_469628681_m.swc"
    code = ("import sys; import neuroloom.sonata.swc as m; "
            f"m.section_names({str(path)!r}); assert 'neuron' not in sys.modules")
    subprocess.run([PYTHON, "-c", code], check=True, cwd=REPO)
