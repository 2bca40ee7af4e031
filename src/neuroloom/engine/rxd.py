"""A network's reaction-diffusion (model.rxd.RxD) in NEURON's rxd: the only module that
imports neuron.rxd.

Regions take the sections of the cells this rank owns; species, states, parameters,
reactions, multicompartment reactions and rates follow the spec in order. Strings are
parsed by expr/kinetics.py and mapped onto rxd objects (functions onto rxd.rxdmath);
initial values are evaluated node by node. Nothing is eval'd.

MPI: NEURON's rxd runs each rank's sections on that rank; an extracellular space is held
whole by every rank, which exchange their membrane fluxes into it, so N ranks give the
serial run. Its limit, found here (NEURON 9.0): with an extracellular region, a rank that
owns no section of an intracellular region where a reaction or rate acts hangs at
initialisation; neuroloom checks this on every rank before and raises a SpecError.
"""
from __future__ import annotations

import gc
import operator
import warnings

import numpy as np

from ..errors import ExpressionError, Problem, SpecError
from ..expr import Bounds, kinetics
from ..expr.kinetics_values import initial_value, rate_at
from ..model.include import resolve_include
from ..model.rxd import EXTRACELLULAR

_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
        "**": operator.pow}


def names_of(spec) -> kinetics.Names:
    """What the strings of ``spec`` may name."""
    return kinetics.Names(species={s.label: s.kind for s in spec.species},
                          species_regions={s.label: s.regions for s in spec.species},
                          regions={r.label: r.kind for r in spec.regions},
                          constants=dict(spec.constants),
                          geometry={r.label: kinetics.extracellular_geometry(r.lo, r.hi, r.dx)
                                    for r in spec.extracellular})


class RxDModel:
    """The rxd objects of one network on this rank. Only one may be live per process."""

    def __init__(self, h, pc, cells: dict, network, nhost: int):
        # NEURON's rxd takes seconds to import: only for models that have rxdParams
        from neuron import rxd
        from neuron.rxd import rxdmath

        self.h, self.rxd, self.rxdmath = h, rxd, rxdmath
        self.spec = spec = network.rxd
        self.names = names_of(spec)
        self.cells = {gid: c for gid, c in cells.items() if c.secs}
        self._owner = {}  # NEURON section -> (gid, section name)
        for gid, cell in self.cells.items():
            for name, sec in cell.secs.items():
                self._owner[sec] = (gid, name)
        selected = {r.label: self._sections(r, network) for r in spec.regions
                    if r.kind != EXTRACELLULAR}
        self._check_sections(pc, selected, nhost)
        self._check_membranes(pc, selected, nhost)
        if spec.extracellular or any(r.dimension == 3 for r in spec.regions
                                     if r.kind != EXTRACELLULAR):
            self._place(network)
        self.regions, self._region_label = {}, {}
        for region in spec.regions:
            made = self._region(region, selected.get(region.label, []))
            self.regions[region.label] = made
            self._region_label[id(made)] = region.label
        self._known = {}  # species label -> its initial value at its first node
        self.species = {s.label: self._species(s) for s in spec.species}
        self.reactions = [self._reaction(r) for r in spec.reactions]
        self.rates = [self._rate(r) for r in spec.rates]
        # every species on each of its regions, now: the first such lookup initialises rxd,
        # which under MPI with an extracellular space is collective, so every rank must
        # make it at the same point (not when only some record a trace: they would hang)
        self.on_region = {(s.label, r): self.species[s.label][self.regions[r]]
                          for s in spec.species for r in s.regions}
        error = self._check_strings()
        if nhost > 1:  # collective: a rank whose nodes are all fine must not run on alone
            first = pc.allreduce(pc.id() if error is not None else nhost, 3)  # min
            if error is None and first < nhost:
                error = ExpressionError(Problem("rxdParams", f"an initial value or a rate is "
                                                            f"refused on MPI rank {int(first)} "
                                                            "(its error names it)", True))
        if error is not None:
            self.release()  # no rxd object outlives the refused model
            raise error

    def _check_strings(self) -> ExpressionError | None:
        """The first problem of the initial values and rates, returned rather than raised
        here: the traceback would hold the nodes, and with them the sections."""
        try:
            self._check_initial_values()
            self._check_rates()
        except ExpressionError as err:
            return err.with_traceback(None)
        return None

    # -- regions --------------------------------------------------------------------
    def _sections(self, region, network) -> list:
        gids = set(resolve_include(region.cells, network).tolist())
        out = []
        for gid, cell in sorted(self.cells.items()):
            if gid in gids:
                names = cell.cell_type.resolve_secs(region.secs) if region.secs else \
                    cell.cell_type.section_names
                out += [cell.secs[n] for n in names if n in cell.secs]
        return out

    def _check_sections(self, pc, selected, nhost) -> None:
        """Collective (every rank raises alike): a region must hold sections somewhere; with
        an extracellular space on several ranks, on every rank (see the module's doc)."""
        acting = bool(self.spec.reactions or self.spec.rates) and bool(self.spec.extracellular)
        problems = []
        for label, secs in selected.items():
            total = pc.allreduce(len(secs), 1) if nhost > 1 else len(secs)
            fewest = pc.allreduce(len(secs), 3) if nhost > 1 else len(secs)
            path = f"rxdParams.regions[{label!r}]"
            if total == 0:
                problems.append(Problem(path, "selects no sections (check its cells and secs)"))
            elif acting and nhost > 1 and fewest == 0:
                problems.append(Problem(path, f"some of the {nhost} MPI ranks own no section "
                                              "of it: with an extracellular region NEURON's "
                                              "rxd then hangs at initialisation; run on fewer "
                                              "ranks (at most one per cell in the region)"))
        if problems:
            raise SpecError(problems)

    def _check_membranes(self, pc, selected, nhost) -> None:
        """A multicompartment reaction's membrane must cover the sections of the regions
        it joins: NEURON 9.0's rxd otherwise puts the flux in the wrong places (found here:
        identical cells end with different concentrations, a section with no membrane
        gains calcium). Collective, like _check_sections."""
        problems = []
        for reaction in self.spec.reactions:
            if not reaction.multicompartment:
                continue
            joined = set()
            for text in (reaction.reactant, reaction.product):
                tree = kinetics.parse(text, self.names, kinetics.SCHEME, reaction.label)
                for _, label, region in kinetics.references(tree):
                    joined.add(region or self.names.species_regions[label][0])
            membrane = set(selected[reaction.membrane])
            differ = sorted(r for r in joined if r in selected and set(selected[r]) != membrane)
            if nhost > 1:
                differ = sorted(joined) if pc.allreduce(len(differ), 2) else []
            if differ:
                problems.append(Problem(
                    f"rxdParams.multicompartmentReactions[{reaction.label!r}].membrane",
                    f"region '{reaction.membrane}' must hold the same sections as "
                    f"{', '.join(map(repr, differ))} (the same cells and secs): on only some "
                    "of them NEURON's rxd computes the flux in the wrong places"))
        if problems:
            raise SpecError(problems)

    def _place(self, network) -> None:
        """Sections without 3D points get NEURON's own layout (define_shape), moved so that
        their cell's root starts at the cell's position (y is depth: NEURON's -y), so an
        extracellular space or a 3D region finds them where the cell is. Sections with 3D
        points are placed already (cells.py)."""
        h = self.h
        bare = {sec for cell in self.cells.values() for sec in cell.secs.values()
                if h.n3d(sec=sec) == 0}
        h.define_shape()
        c = network.cells
        for gid, cell in self.cells.items():
            root = cell.secs[next(s.name for s in cell.cell_type.sections if s.parent is None)]
            if root not in bare:
                continue  # define_shape hung the bare sections on placed ones
            shift = np.array([c.x[gid], -c.y[gid], c.z[gid]]) - \
                np.array([h.x3d(0, sec=root), h.y3d(0, sec=root), h.z3d(0, sec=root)])
            for sec in cell.secs.values():
                if sec in bare:
                    for i in range(int(h.n3d(sec=sec))):
                        x, y, z = shift + (h.x3d(i, sec=sec), h.y3d(i, sec=sec),
                                           h.z3d(i, sec=sec))
                        h.pt3dchange(i, x, y, z, h.diam3d(i, sec=sec), sec=sec)

    def _region(self, region, secs):
        rxd = self.rxd
        if region.kind == EXTRACELLULAR:
            rxd.options.enable.extracellular = True
            dx = region.dx[0] if len(region.dx) == 1 else region.dx
            return rxd.Extracellular(*region.lo, *region.hi, dx=dx,
                                     volume_fraction=region.volume_fraction,
                                     tortuosity=region.tortuosity)
        geometry = None
        if region.geometry in ("inside", "membrane"):
            geometry = getattr(rxd, region.geometry)
        elif region.geometry is not None:
            geometry = getattr(rxd, region.geometry)(**dict(region.geometry_args))
        if region.dimension == 3 and secs:
            rxd.set_solve_type(secs, dimension=3)
        with warnings.catch_warnings():  # a rank may own none of its sections
            warnings.filterwarnings("ignore", "Warning: No sections")
            return rxd.Region(secs, nrn_region=region.nrn_region, geometry=geometry,
                              dx=region.dx, name=region.label)

    # -- species, reactions, rates ------------------------------------------------------
    def _species(self, spec):
        rxd = self.rxd
        regions = [self.regions[r] for r in spec.regions]
        initial = spec.initial
        if isinstance(initial, str):
            tree = kinetics.parse(initial, self.names, kinetics.INITIAL, spec.label)
            initial = self._initial(tree)
        if spec.kind == "parameter":
            return rxd.Parameter(regions, name=spec.name, charge=spec.charge, value=initial)
        if spec.kind == "state":
            return rxd.State(regions, name=spec.name, initial=initial)
        return rxd.Species(regions, d=spec.d, name=spec.name, charge=spec.charge,
                           initial=initial, atolscale=spec.atolscale,
                           ecs_boundary_conditions=spec.ecs_boundary_conditions)

    def _initial(self, tree):
        """rxd calls it with each node (_check_initial_values has evaluated it at every
        node before: an error inside rxd's callback would be NEURON's, without the path)."""
        classes = self.rxd.node

        def initial(node):
            try:
                return kinetics.evaluate(tree, _NodeView(node, self._region_label, classes))
            except (ArithmeticError, ValueError):  # refused by _check_initial_values, with
                return float("nan")  # its path (rxd may call it while making the species)
        return initial

    def _check_initial_values(self) -> None:
        """Every string initial value at every node of its species: finite, and a
        concentration >= 0; numbers are checked by validation."""
        classes = self.rxd.node
        for spec in self.spec.species:
            if not isinstance(spec.initial, str):
                self._known[spec.label] = spec.initial
                continue
            key = "value" if spec.kind == "parameter" else "initial"
            where = f"rxdParams.{_PARTS[spec.kind]}[{spec.label!r}].{key}"
            tree = kinetics.parse(spec.initial, self.names, kinetics.INITIAL, where)
            bounds = Bounds(minimum=0) if spec.kind == "species" else Bounds()
            for node in self.species[spec.label].nodes:
                value = initial_value(tree, _NodeView(node, self._region_label, classes),
                                      where, spec.initial, _describe_node(node), bounds)
                self._known.setdefault(spec.label, value)

    def _check_rates(self) -> None:
        """Every rate string at the initial state (each species at its first node's initial
        value, v at v_init): a rate that is not finite there is refused before the run
        (rxd would run on with it, frozen). A rate reading a species whose initial value
        is NEURON's (not given) is not checked."""
        v = float(self.h.v_init)

        def concentration(label, region):
            return self._known.get(label)
        for reaction in self.spec.reactions:
            for key in ("rate_f", "rate_b"):
                text = getattr(reaction, key)
                if isinstance(text, str):
                    where = f"rxdParams.reactions[{reaction.label!r}].{key}"
                    rate_at(kinetics.parse(text, self.names, kinetics.RATE, where),
                            concentration, v, where, text)
        for rate in self.spec.rates:
            if isinstance(rate.rate, str):
                where = f"rxdParams.rates[{rate.label!r}].rate"
                rate_at(kinetics.parse(rate.rate, self.names, kinetics.RATE, where),
                        concentration, v, where, rate.rate)

    def _expression(self, text, kind, where, across=False):
        """A number, or a string turned into rxd objects. ``across``: in a multicompartment
        reaction (True, or for its rates the membrane region's label)."""
        if not isinstance(text, str):
            return text
        return self._build(kinetics.parse(text, self.names, kind, where), across)

    def _build(self, tree, across):
        kind = tree[0]
        if kind == "num":
            return tree[1]
        if kind == "ref":
            return self._reference(tree[1], tree[2], across)
        if kind == "v":
            return self.rxd.v
        if kind == "neg":
            return -self._build(tree[1], across)
        if kind == "op":
            a, b = self._build(tree[2], across), self._build(tree[3], across)
            if tree[1] == "*" and isinstance(a, float) and a.is_integer():
                a = int(a)  # a scheme's stoichiometric coefficient
            return _OPS[tree[1]](a, b)
        if kind == "call":
            args = [self._build(a, across) for a in tree[2]]
            if all(isinstance(a, float) for a in args):
                return float(kinetics.FUNCTIONS[tree[1]][1](*args))
            return getattr(self.rxdmath, tree[1])(*args)
        raise ValueError(f"not a reaction tree: {tree!r}")

    def _reference(self, label, region, across):
        species = self.species[label]
        if region is None and across:  # validation made sure it has one, or is on the
            regions = self.names.species_regions[label]  # membrane (rxd's meaning in rates)
            region = across if across in regions else regions[0]
        return species if region is None else species[self.regions[region]]

    def _reaction(self, spec):
        where = f"rxdParams.reactions[{spec.label!r}]"
        across = spec.multicompartment
        reactant = self._expression(spec.reactant, kinetics.SCHEME, where, across)
        product = self._expression(spec.product, kinetics.SCHEME, where, across)
        on = spec.membrane if across else False  # a bare species in a rate: on the membrane
        rates = [self._expression(spec.rate_f, kinetics.RATE, where, on)]
        if spec.rate_b is not None:
            rates.append(self._expression(spec.rate_b, kinetics.RATE, where, on))
        options = {"mass_action": spec.mass_action}
        if spec.regions is not None:
            options["regions"] = [self.regions[r] for r in spec.regions]
        if across:
            return self.rxd.MultiCompartmentReaction(
                reactant, product, *rates, membrane=self.regions[spec.membrane],
                membrane_flux=spec.membrane_flux, scale_by_area=spec.scale_by_area, **options)
        return self.rxd.Reaction(reactant, product, *rates, **options)

    def _rate(self, spec):
        where = f"rxdParams.rates[{spec.label!r}]"
        species = self._expression(spec.species, kinetics.SPECIES, where)
        rate = self._expression(spec.rate, kinetics.RATE, where)
        regions = None if spec.regions is None else [self.regions[r] for r in spec.regions]
        return self.rxd.Rate(species, rate, regions=regions, membrane_flux=spec.membrane_flux)

    def release(self) -> None:
        """Drop every rxd object (they hold the sections; the initial-value functions hold
        this model, a cycle that is broken here)."""
        self.rates, self.reactions, self.species, self.regions = [], [], {}, {}
        self.on_region = {}
        self.cells, self._owner, self._region_label = {}, {}, {}
        # rxd keeps pointers into the ions of the sections it ran on until it initialises
        # again, which it skips without species: a model without rxd run next would step
        # them after the sections died ('k_ion ki died')
        gc.collect()  # the rxd objects' own cycles
        self.rxd.re_init()
        self.rxd.rxd._setup_memb_currents()

    # -- reading ------------------------------------------------------------------------
    def reference(self, cell, sec: str, loc: float, label: str, region: str):
        """A pointer to ``label``'s concentration in ``region`` at a segment (the voxel
        around it in an extracellular region); None when the segment is not in it."""
        obj = self.on_region[(label, region)]
        seg = cell.secs[sec](loc)
        if self.spec.region(region).kind == EXTRACELLULAR:
            spec, where = self.spec.region(region), _position(self.h, seg)
            if not all(lo <= w < hi for lo, w, hi in zip(spec.lo, where, spec.hi)):
                return (f"({', '.join(f'{w:.1f}' for w in where)}) is outside the "
                        f"extracellular region '{region}'")
            node = obj.node_by_location(*where)
        else:
            nodes = obj.nodes(seg)
            node = nodes[0] if len(nodes) else None
        return None if node is None else node._ref_concentration

    def snapshot(self, with_extracellular: bool = True) -> dict:
        """'<species>[<region>]' -> the concentrations now: of an intracellular region per
        node (gid, section, x along it, x3d/y3d/z3d, volume, value; sorted by gid,
        section, x); of an extracellular one the voxel grid (values[i, j, k], lo, hi)."""
        out = {}
        for spec in self.spec.species:
            for label in spec.regions:
                region = self.spec.region(label)
                on = self.on_region[(spec.label, label)]
                key = f"{spec.label}[{label}]"
                if region.kind == EXTRACELLULAR:
                    if with_extracellular:
                        grid = np.array(on.states3d, dtype=float)
                        hi = [lo + n * d for lo, n, d in zip(
                            region.lo, grid.shape, np.broadcast_to(region.dx, 3))]
                        out[key] = {"kind": EXTRACELLULAR, "values": grid,
                                    "lo": list(region.lo), "hi": hi}
                    continue
                out[key] = self._nodes(on.nodes)
        return out

    def _nodes(self, nodes) -> dict:
        rows = []
        for node in nodes:
            seg = node.segment
            gid, sec = self._owner.get(seg.sec, (-1, ""))
            rows.append((gid, sec, float(seg.x), node.x3d, node.y3d, node.z3d,
                         node.volume, node.concentration))
        rows.sort(key=lambda r: r[:3])
        columns = list(zip(*rows)) if rows else [()] * 8
        out = {"kind": "intracellular", "gid": np.array(columns[0], dtype=np.int64),
               "sec": np.array(columns[1], dtype=str)}
        for name, values in zip(("x", "x3d", "y3d", "z3d", "volume", "values"), columns[2:]):
            out[name] = np.array(values, dtype=float)
        return out


def merge_snapshots(parts: list) -> dict:
    """Every rank's snapshot -> one: nodes concatenated in (gid, section, x) order, the
    extracellular grids from the first rank that has them (every rank holds them whole)."""
    out = {}
    for key in dict.fromkeys(k for p in parts if p for k in p):
        mine = [p[key] for p in parts if p and key in p]
        if mine[0]["kind"] == EXTRACELLULAR:
            out[key] = mine[0]
            continue
        merged = {name: np.concatenate([m[name] for m in mine]) for name in mine[0]
                  if name != "kind"}
        order = np.lexsort((merged["x"], merged["sec"], merged["gid"]))
        out[key] = {"kind": "intracellular", **{k: v[order] for k, v in merged.items()}}
    return out


def _position(h, seg):
    """A segment's 3D position (um), interpolated along its section's 3D points."""
    sec = seg.sec
    n = int(h.n3d(sec=sec))
    arc = np.array([h.arc3d(i, sec=sec) for i in range(n)])
    where = seg.x * sec.L
    return tuple(float(np.interp(where, arc, [getattr(h, f"{a}3d")(i, sec=sec)
                                              for i in range(n)])) for a in "xyz")


_PARTS = {"species": "species", "state": "states", "parameter": "parameters"}


def _describe_node(node) -> str:
    """How a message names an rxd node: its section and position, else its place."""
    try:
        return f"the node at {node.sec.name()}({node.x:.3g})"
    except Exception:  # an extracellular or 3D node has no section position
        return f"the node at ({node.x3d:.3g}, {node.y3d:.3g}, {node.z3d:.3g})"


class _NodeView:
    """What an initial value may read of an rxd node (expr.kinetics.evaluate)."""

    def __init__(self, node, region_label, classes):
        self._node, self._labels, self._classes = node, region_label, classes
        self._ecs = classes.NodeExtracellular

    def __getitem__(self, name):
        node = self._node
        if name == "region":
            return self._labels.get(id(node.region))
        if name == "extracellular":
            return isinstance(node, self._ecs)
        if name == "class":
            return next((c for c in ("NodeExtracellular", "Node3D", "Node1D")
                         if isinstance(node, getattr(self._classes, c))), "Node")
        if name == "x" and isinstance(node, self._ecs):
            raise SpecError("node.x: an extracellular node has no position along a section "
                            "(use node.x3d, node.y3d, node.z3d)")
        return float(getattr(node, name))
