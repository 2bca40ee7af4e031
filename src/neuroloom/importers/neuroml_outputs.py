"""What a LEMS simulation records and where it writes it -> the traces to record and the
files to write (results/lems_outputs.py).

Recorded, as jNeuroML's NEURON run records them:
- the membrane potential ``v`` of a cell: ``pop[i]/v`` or ``pop/i/cell/v`` (a <cell>'s
  segment 0, an abstract cell's one section, in the middle), ``pop/i/cell/segment/v`` (the
  middle of that segment), in volts;
- other quantities of the mechanisms jNeuroML generates for the file's channels, synapses
  and abstract cells (a gate's q, a channel's iDensity and gDensity, a synapse's g, an
  abstract cell's state variable, caConc), in SI units: importers/neuroml_quantities.py;
- the spikes of a cell: an EventSelection ``pop[i]`` or ``pop/i/cell`` with eventPort
  ``spike``.
A quantity of a component neuroloom maps onto NEURON's or its own built-in mechanism (hh,
pas, NetStim...), whose variables are not the NeuroML ones, is not recorded: its OutputFile
is listed in ``LemsOutputs.refused`` with the reason, naming the OutputColumn, and
`neuroloom run` refuses the file before running (importing the network for
sim.importNeuroML2, which writes no LEMS outputs, goes on).
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import FormatError
from ..neuroml.cell_params import location
from ..results.lems_outputs import Column, EventFile, LemsOutputs, TraceFile
from ..suggest import hint
from .neuroml_quantities import (Unsupported, check_names, mechanism_quantity,
                                 point_quantity)

MV_TO_V = 1e-3
_INDEXED = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]$")  # pop[3]


def lems_outputs(doc, network, cells: dict, sites: dict) -> tuple[LemsOutputs, list, dict]:
    """The simulation's output files, the gids to record and the recordTraces entries.

    Parameters
    ----------
    doc : neuroml.reader.Document
        The file read (its simulation, if any, names the outputs).
    network : model.Network
        The network built from it.
    cells : dict
        NeuroML population id -> (gid of its cell 0, size, component id).
    sites : dict
        Cell type code -> {segment id: (section, start, end)} of the <cell>s (none for
        abstract cells, which are recorded where their spikes are detected).

    Returns
    -------
    (LemsOutputs, list of int, dict)
        The files; the gids whose traces are recorded; recordTraces (label -> spec).

    Raises
    ------
    FormatError
        A column or selection naming a population, cell or segment the network does not
        have, naming the element.
    """
    sim = doc.simulation
    if not sim:
        return LemsOutputs(), [], {}
    base = Path(doc.path).parent  # jNeuroML runs in the LEMS file's folder
    resolver = _Resolver(network, cells, sites, doc.components)
    traces, events, refused = [], [], []
    for out in sim["outputs"]:
        path = base / out.file_name
        if out.kind == "OutputFile":
            try:
                columns = tuple(resolver.column(quantity, where) for _, quantity, where
                                in out.items)
            except Unsupported as err:
                refused.append(str(err))
                continue
            traces.append(TraceFile(out.id, path, columns, out.where))
        else:
            selections = []
            for ident, select, port, where in out.items:
                _check_port(port, where)
                selections.append((ident, resolver.gid(select, where)))
            events.append(EventFile(out.id, path, out.format, tuple(selections), out.where))
    return LemsOutputs(tuple(traces), tuple(events), tuple(refused)), \
        sorted(resolver.recorded), resolver.specs


def check_outputs(doc) -> None:
    """Before the network is built (and jNeuroML is asked for mechanisms, which fails on
    the same mistakes in raw Java text): every column and selection names a population,
    cell and segment of the file."""
    sim = doc.simulation
    if not sim:
        return
    pops = {p.id: (0, p.size, p.component) for p in doc.populations}
    resolver = _Resolver(None, pops, {}, doc.components)
    for out in sim["outputs"]:
        for item in out.items:
            if out.kind == "OutputFile":
                try:
                    resolver.column(item[1], item[2])
                except Unsupported:
                    continue  # refused after the import
            else:
                _check_port(item[2], item[3])
                resolver.gid(item[1], item[3])


def _check_port(port: str, where: str) -> None:
    if port != "spike":
        raise FormatError(f"{where}: eventPort '{port}': neuroloom records spikes only "
                          "(eventPort 'spike')")


class _Resolver:
    def __init__(self, network, cells, sites, components=None):
        """``network`` None: check the names against the file's ``components`` only."""
        self.network, self.pops, self.sites = network, cells, sites
        self.components = components
        self.recorded: set[int] = set()
        self.specs: dict = {}  # recordTraces label -> spec
        self._labels: dict = {}  # (sec, loc) -> label

    def gid(self, select: str, where: str) -> int:
        """The cell of 'pop[i]' or 'pop/i/cell'."""
        match = _INDEXED.match(select)
        if match is not None:
            pop_id, index, component = match.group(1), int(match.group(2)), None
        else:
            pieces = select.split("/")
            if len(pieces) != 3 or not pieces[1].isdigit():
                raise FormatError(f"{where}: cannot read the cell {select!r} (pop[i] or "
                                  "pop/i/cell)")
            pop_id, index, component = pieces[0], int(pieces[1]), pieces[2]
        if pop_id not in self.pops:
            raise FormatError(f"{where}: population '{pop_id}' is not in the network; "
                              f"{hint(pop_id, self.pops)}")
        start, size, held = self.pops[pop_id]
        if component is not None and component != held:
            raise FormatError(f"{where}: population '{pop_id}' holds '{held}' cells, not "
                              f"'{component}'")
        if index >= size:
            raise FormatError(f"{where}: population '{pop_id}' has {size} cells, no cell "
                              f"{index}")
        return start + index

    def column(self, quantity: str, where: str) -> Column:
        pieces = quantity.split("/")
        segment = None
        if _INDEXED.match(pieces[0]) and len(pieces) >= 2:
            cell, rest = pieces[0], pieces[1:]
        elif len(pieces) >= 4 and pieces[1].isdigit():
            cell, rest = "/".join(pieces[:3]), pieces[3:]
            if len(rest) >= 2 and rest[0].isdigit():
                segment, rest = int(rest[0]), rest[1:]
        else:
            raise Unsupported(f"{where}: cannot read the quantity '{quantity}' (pop[i]/<path> "
                              "or pop/i/cell/<path>)")
        gid = self.gid(cell, where)
        if self.network is None:
            if rest == ["v"]:
                self._check_segment(cell, segment, where)
            else:
                check_names(self.components, self.pops[self._pop_id(cell)][2], rest,
                            quantity, where)
            return None
        code = int(self.network.cells.cell_type[gid])
        cell_type = self.network.cell_types[code]
        if cell_type.is_artificial:
            raise Unsupported(f"{where}: '{cell}' is a spike source ({cell_type.label}): it "
                              f"has no quantity '{'/'.join(rest)}'")
        table = self.sites.get(code)
        if table is None:  # an abstract cell: its one section
            if segment not in (None, 0):
                raise FormatError(f"{where}: no segment {segment} known in cell "
                                  f"'{cell_type.label}'")
            sec, loc = cell_type.spike_sec, 0.5
        else:
            found = location(table, 0 if segment is None else segment, 0.5)
            if found is None:
                raise FormatError(f"{where}: cell '{cell_type.label}' has no segment "
                                  f"{segment}; {hint(str(segment), map(str, table))}")
            sec, loc = found
        if rest == ["v"]:
            spec, to_si = {"sec": sec, "loc": loc, "var": "v"}, MV_TO_V
        else:
            component = self.pops[self._pop_id(cell)][2]
            if table is None and len(rest) == 1:
                spec, to_si = point_quantity(self.network, gid, rest[0], component,
                                             quantity, where)
            else:
                spec, to_si = mechanism_quantity(
                    self.network, gid, sec, loc, rest, self.components.get(component),
                    self.components, quantity, where)
            # only the cells of this population have the mechanism or synapse
            pop = next(p for p in self.network.pops
                       if p.gid_start <= gid < p.gid_start + p.size)
            spec = {**spec, "conds": {"pop": pop.label}}
        key = repr(sorted(spec.items())) if rest != ["v"] else (sec, round(loc, 9))
        if key not in self._labels:
            label = f"lems_{spec['var']}_{len(self._labels)}"
            self._labels[key] = label
            self.specs[label] = spec
        self.recorded.add(gid)
        return Column(self._labels[key], gid, to_si, quantity)

    @staticmethod
    def _pop_id(cell: str) -> str:
        match = _INDEXED.match(cell)
        return match.group(1) if match else cell.split("/")[0]

    def _check_segment(self, cell, segment, where) -> None:
        if segment is None:
            return
        comp = self.components.get(self.pops[self._pop_id(cell)][2])
        if comp is None or comp.type != "cell":
            return  # an abstract cell's one segment is checked once the network is built
        elements = [comp.element]
        morphology = comp.element.get("morphology")
        if morphology in self.components:
            elements.append(self.components[morphology].element)
        ids = {e.get("id") for el in elements for e in el.iter() if e.tag == "segment"}
        if str(segment) not in ids:
            raise FormatError(f"{where}: cell '{comp.id}' has no segment {segment}; "
                              f"{hint(str(segment), ids)}")
