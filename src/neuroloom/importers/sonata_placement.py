"""Synapses BMTK places at run time, placed at import as BMTK 1.2.0 places them.

An edge onto a biophysical cell whose group has ``nsyns`` and no section id is, for BMTK,
``nsyns`` synapses on segments it draws when it connects the cell
(sonata/bmtk_placement.py gives the segments and the weights). Here they become ``nsyns``
connections with concrete sections and locations, so the Network holds where every synapse
is and exports write them as ``afferent_section_id``/``afferent_section_pos``.

The draws must be BMTK's to give its spikes, so they come from BMTK's stream, not from a
neuroloom rng.py stream: one ``numpy.random.RandomState(gid)`` per target cell (BMTK's gid,
see :class:`Placer`), used in the order BMTK connects the cell: first the edge populations
whose sources are cells (``build_recurrent_edges``), in the circuit's order, then those
from virtual nodes, in the order of the spike inputs that name their source population
(``add_spike_trains``); within a population the cell's edges in the order of the file's
target index. That stream is keyed by the cell's identity, not by ranks, so the placement
is the same on any number of MPI ranks; and it is computed once, at import, so it is the
same in every run of the imported Network whatever its seeds.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..errors import FormatError
from ..sonata import bmtk_placement as bp
from ..sonata.bmtk_cells import KIND, BmtkCell


def placement_order(edge_pops, network, layout, config) -> list[int]:
    """The indices of ``edge_pops`` in the order BMTK connects them (module docstring)."""
    pops = {p.name: p for p in layout}

    def virtual(name) -> bool:
        gids = pops[name].gids if name in pops else np.empty(0, np.int64)
        kinds = {network.cell_types[t].artificial.mod if network.cell_types[t].artificial
                 else "" for t in np.unique(network.cells.cell_type[gids]).tolist()}
        return bool(len(gids)) and kinds == {"VecStim"}

    inputs = list(((config.simulation or {}).get("inputs") or {}).values())
    # source populations in the order spike inputs name them (a population, or a node set
    # of one); edges from virtual nodes no input names come last (BMTK connects none)
    named = []
    for spec in inputs:
        if not isinstance(spec, dict) or spec.get("input_type") != "spikes":
            continue
        node_set = spec.get("node_set")
        if isinstance(node_set, str) and isinstance(config.node_sets.get(node_set), dict):
            node_set = config.node_sets[node_set]  # a node set of the circuit's file
        name = node_set.get("population") if isinstance(node_set, dict) else node_set
        for one in name if isinstance(name, list) else [name]:
            if isinstance(one, str) and one not in named:
                named.append(one)

    def rank(i):
        source = edge_pops[i].source
        if not virtual(source):
            return (0, 0, i)
        return (1, named.index(source) if source in named else len(named), i)

    return sorted(range(len(edge_pops)), key=rank)


class Placer:
    """The per-cell streams of one import, and the placing of edges with them.

    ``layout`` lists the node populations in the circuit's order: BMTK's gid of a node is
    its node id plus the sizes of the populations before its own (its GidPool)."""

    def __init__(self, network, layout):
        self._network = network
        self._offset, start = {}, 0
        for pop in layout:
            self._offset[pop.name] = start
            start += len(pop)
        self._streams = {}
        self._segments = {}

    def place(self, edges, placed, post_types, sections, where):
        """(rows, sec, loc) for the edges of ``edges``: ``rows`` the edge of each
        connection (an edge placed by BMTK gives nsyns of them, or none), ``sec`` and
        ``loc`` the section code and location of the placed ones (-1 and NaN elsewhere).
        ``placed``: which edges BMTK places."""
        n = len(edges)
        count = np.ones(n, np.int64)
        drawn = {}  # edge -> (section index, x) of each synapse
        nsyns = _nsyns(edges, placed, where)
        empty = {}  # (edge type, cell type) -> edges with no segment to choose from
        offset = self._offset[edges.target]
        targets = edges.get("target_sections")
        ranges = edges.get("distance_range")
        parsed = {}
        for i in bp.target_order(edges.file, edges.name, edges.target_ids).tolist():
            if not placed[i]:
                continue
            type_id, code = int(edges.type_ids[i]), int(post_types[i])
            key = (targets[i], ranges[i], code)
            if key not in parsed:
                type_where = f"{edges.types_file}, edge_type_id {type_id}"
                parsed[key] = self._segments_of(code, where).candidates(
                    bp.target_sections(targets[i], type_where),
                    bp.distance_range(ranges[i], type_where))
            candidates, probability = parsed[key]
            if not len(candidates):  # BMTK warns and makes no synapse
                count[i] = 0
                empty.setdefault((type_id, code), []).append(i)
                continue
            node = int(edges.target_ids[i])
            stream = self._streams.setdefault(
                (edges.target, node), np.random.RandomState(offset + node))
            chosen = stream.choice(candidates, int(nsyns[i]), p=probability)
            segments = self._segments_of(code, where)
            drawn[i] = (segments.section[chosen], segments.x[chosen])
            count[i] = len(chosen)
        for (type_id, code), rows in empty.items():
            warnings.warn(
                f"{where}: {len(rows)} edge(s) of edge_type_id {type_id} onto cells of type "
                f"'{self._network.cell_types[code].label}' (the first edge {rows[0]}) have "
                "no segment of their target_sections within their distance_range: no "
                "synapse is made for them, as BMTK 1.2.0 does (it warns too)",
                UserWarning, stacklevel=3)
        rows = np.repeat(np.arange(n), count)
        sec = np.full(len(rows), -1, np.int64)
        loc = np.full(len(rows), np.nan)
        first = np.concatenate([[0], np.cumsum(count)[:-1]])
        codes = {}
        for i, (index, xs) in drawn.items():
            code = int(post_types[i])
            if code not in codes:
                names = self._network.cell_types[code].section_names
                codes[code] = np.array([sections.code(name, where) for name in names])
            sec[first[i]:first[i] + count[i]] = codes[code][index]
            loc[first[i]:first[i] + count[i]] = xs
        return rows, sec, loc

    def _segments_of(self, code, where) -> bp.Segments:
        if code not in self._segments:
            cell_type = self._network.cell_types[code]
            template = cell_type.template
            if template is None or template.kind != KIND:
                raise FormatError(f"{where}: edges onto cell type '{cell_type.label}' give no "
                                  "section ids, and only BMTK biophysical cells (morphology "
                                  "and model_template) have the segments BMTK places such "
                                  "synapses on")
            segments = bp.cell_segments(BmtkCell.from_template(template))
            if int(segments.section.max()) + 1 != len(cell_type.section_names):
                raise FormatError(f"{where}: cell type '{cell_type.label}': placement found "
                                  f"{int(segments.section.max()) + 1} sections where the "
                                  f"cell has {len(cell_type.section_names)}")
            self._segments[code] = segments
        return self._segments[code]


def _nsyns(edges, placed, where) -> np.ndarray:
    """The nsyns of the edges BMTK places: whole numbers >= 0."""
    try:
        values = np.asarray(edges.get("nsyns", np.nan), dtype=np.float64)
    except (TypeError, ValueError):
        raise FormatError(f"{where} nsyns: expected whole numbers") from None
    bad = placed & ~((values >= 0) & (values == np.round(values)))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise FormatError(f"{where} nsyns: edge {i} has nsyns {edges.get('nsyns')[i]!r}; "
                          "BMTK places nsyns synapses, a whole number >= 0")
    return np.where(placed, values, 1).astype(np.int64)
