"""A compartmental cell type -> a NEURON hoc template, so that SONATA simulators that load
`hoc:` templates (BMTK) build the same cell.

The template creates one section array of size 1 per section (``soma[0]``: BMTK looks for
``soma``), appends them to the ``all`` SectionList in the cell type's order (SONATA's
section ids index that list), and sets geometry (3D points or L/diam), nseg, Ra, cm,
density mechanisms (one value per segment where the cell type gives several) and ion
reversal potentials/concentrations, in procedures of at most PROC_STATEMENTS statements
that ``init()`` calls in turn (NEURON refuses longer ones). Cell types with point processes
or their own initial voltages cannot be written this way (TemplateError).
"""
from __future__ import annotations

import re

from ..errors import FormatError
from ..naming import unique

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HOC_WORDS = {"all", "init", "soma_", "this"}
#: names hoc already defines at top level (constants, functions), which a template
#: cannot take: 'E' is Euler's number (a cell type 'E' must be called otherwise)
HOC_NAMES = {"E", "PI", "GAMMA", "DEG", "PHI", "FARADAY", "R", "Avogadro", "float_epsilon",
             "hoc_ac_", "t", "dt", "celsius", "secondorder", "clamp_resist", "sin", "cos",
             "atan", "atan2", "log", "log10", "exp", "sqrt", "int", "abs", "erf", "erfc",
             "print", "run", "stop", "quit", "load_file", "xopen"}
PROC_STATEMENTS = 200  # statements per hoc procedure (NEURON limits their size)


class TemplateError(FormatError):
    """The cell type has something a plain hoc template cannot say."""


def template_name(label: str, taken: set) -> str:
    """A hoc identifier for a cell type label, unique among ``taken``."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", label)
    if not name or not name[0].isalpha() or name in HOC_NAMES:
        name = f"cell_{name}"
    return unique(name, taken)


def hoc_template(cell_type, name: str) -> str:
    """The hoc template of a compartmental cell type.

    Parameters
    ----------
    cell_type : model.catalog.CellType
        A cell type with its sections.
    name : str
        The template's name (see :func:`template_name`).

    Returns
    -------
    str
        The template's text; ``init()`` takes no arguments, as BMTK's ``hoc:`` loader
        calls it for a node without morphology or dynamics_params.

    Raises
    ------
    TemplateError
        Point processes, a section's own vinit, or section names hoc cannot hold.
    """
    for sec in cell_type.sections:
        if sec.pointps:
            raise TemplateError(f"section '{sec.name}' has point processes")
        if sec.vinit is not None:
            raise TemplateError(f"section '{sec.name}' has its own vinit")
        if not IDENTIFIER.match(sec.name) or sec.name in HOC_WORDS:
            raise TemplateError(f"section name '{sec.name}' is not a hoc name")
    names = [s.name for s in cell_type.sections]
    lines = [f"begintemplate {name}", f"public init, all, {', '.join(names)}", "objref all",
             f"create {', '.join(f'{n}[1]' for n in names)}", ""]
    # one statement list per section, cut into small procedures: NEURON refuses a hoc
    # procedure of thousands of statements ("procedure too big"), e.g. a 3D morphology
    procs = []
    for sec in cell_type.sections:
        body = _body(sec)
        for start in range(0, len(body), PROC_STATEMENTS):
            procs.append((sec.name, body[start:start + PROC_STATEMENTS]))
    calls = [f"    {name}_part{i}()" for i in range(len(procs))]
    lines += ["proc init() {", "    all = new SectionList()"]
    lines += [f"    {n}[0] all.append()" for n in names]
    for sec in cell_type.sections:
        if sec.parent is not None:
            lines.append(f"    connect {sec.name}[0]({_num(sec.child_x)}), "
                         f"{sec.parent}[0]({_num(sec.parent_x)})")
    lines += calls + ["}"]
    for i, (sec_name, body) in enumerate(procs):
        lines += [f"proc {name}_part{i}() {{", f"    {sec_name}[0] {{"]
        lines += [f"        {line}" for line in body] + ["    }", "}"]
    lines += [f"endtemplate {name}", ""]
    return "\n".join(lines)


def _body(sec) -> list[str]:
    out = []
    if sec.pt3d:
        out.append("pt3dclear()")
        out += [f"pt3dadd({_num(x)}, {_num(y)}, {_num(z)}, {_num(d)})" for x, y, z, d in sec.pt3d]
    else:
        out.append(f"L = {_num(sec.L)}  diam = {_num(sec.diam)}")
    out.append(f"nseg = {sec.nseg}  Ra = {_num(sec.Ra)}  cm = {_num(sec.cm)}")
    for mech, params in sec.mechs:
        out.append(f"insert {mech}")
        for param, value in params:
            if isinstance(value, tuple):  # one value per segment, at its centre
                out += [f"{param}_{mech}({_num((i + 0.5) / sec.nseg)}) = {_num(v)}"
                        for i, v in enumerate(value)]
            else:
                out.append(f"{param}_{mech} = {_num(value)}")
    for ion, values in sec.ions:
        for kind, value in values:  # e -> e<ion>, i -> <ion>i, o -> <ion>o
            out.append(f"{'e' + ion if kind == 'e' else ion + kind} = {_num(value)}")
    return out


def _num(value) -> str:
    return repr(float(value))  # exact: repr round-trips a double
