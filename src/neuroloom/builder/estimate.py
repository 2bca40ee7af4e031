"""Before building: how many cells and connections a NetSpec makes, and how much memory
they will take, compared with the memory this machine has (issue 19: an all-to-all among
10^6 cells used to climb to the memory limit and die there).

The estimate is arithmetic on the spec (no cell is placed, no pair drawn): cells per
population; connections per rule from its amount (probability x pre x post, convergence x
post, divergence x pre, full pre x post, the connList's length); memory = the network's
tables (bytes per row) + NEURON's objects, each at the cost measured by
``bench/neuron_object_costs.py`` (docs/memory.md gives the numbers and the method). A rule
whose amount is a string function is not counted (its value is known only per pair), so
the estimate is then a lower bound and says so.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, SpecError
from .placement import planned_cells

#: NEURON's bytes per object, measured by bench/neuron_object_costs.py (NEURON 9.0,
#: x86-64; bench/results/neuron_object_costs.json): a section with hh, each further
#: segment, a NetCon, a point process (ExpSyn), an artificial cell (NetStim), a recorded
#: Vector's fixed part
NEURON_BYTES = {"section": 2813, "segment": 1744, "netcon": 442, "pointprocess": 646,
                "artificial": 754, "vector": 753}
#: bytes per row of the network's tables, with what the builder holds while it builds them
#: (the drawn candidates, the columns before they are concatenated): about 2x the rows'
#: own 36-40 bytes for connections
TABLE_BYTES = {"cell": 160, "conn": 96, "stim": 96}
#: neuroloom's own per cell and per connection bookkeeping of an instantiated model
#: (Python objects of the NEURON model, the gid tables), fitted to the small networks of
#: bench/memory_estimate.py (docs/memory.md)
MODEL_BYTES = {"cell": 4000, "conn": 0}
GB = 1e9
#: the tags a cond can select populations by, without placing their cells
POP_TAGS = {"pop": "label", "cellType": "cell_type", "cellModel": "cell_model"}
NORM_AXES = {"xnorm": 0, "ynorm": 1, "znorm": 2}
AXES = {"x": 0, "y": 1, "z": 2}


@dataclass(frozen=True)
class Estimate:
    """What a spec will make: counts, and bytes of tables and of NEURON's objects."""

    cells: int
    connections: int
    table_bytes: float
    neuron_bytes: float
    uncounted_rules: tuple[str, ...] = ()  # rules whose amount is a string function

    @property
    def total_bytes(self) -> float:
        return self.table_bytes + self.neuron_bytes

    def describe(self) -> str:
        lower = "at least " if self.uncounted_rules else ""
        text = (f"{lower}{self.cells:,} cells and {lower}{self.connections:,} connections "
                f"need about {lower}{self.total_bytes / GB:.3g} GB "
                f"({self.table_bytes / GB:.3g} GB of tables, "
                f"{self.neuron_bytes / GB:.3g} GB of NEURON objects)")
        if self.uncounted_rules:
            text += (" (not counting the rules with a string amount: "
                     f"{', '.join(self.uncounted_rules)})")
        return text


def estimate(net_spec, run_spec=None) -> Estimate:
    """Estimate the cells, connections and memory ``net_spec`` makes (see the module).

    Parameters
    ----------
    net_spec : validate.types.NetSpec
        The validated network.
    run_spec : validate.types.RunSpec, optional
        What is recorded (traces, their step, the duration) and whether synapses are
        shared (oneSynPerNetcon); without it, no recordings are counted.

    Returns
    -------
    Estimate
    """
    sizes = {pop.label: pop_size(pop, net_spec) for pop in net_spec.pops}
    neuron, conns, uncounted = 0.0, 0, []
    shared = run_spec is None or not run_spec.one_syn_per_netcon
    for pop in net_spec.pops:
        neuron += sizes[pop.label] * (_cell_bytes(pop, net_spec) + NEURON_BYTES["netcon"])
    for rule in net_spec.conn_rules:
        count = rule_conns(rule, net_spec, sizes)
        if count is None:
            uncounted.append(repr(rule.label))
            continue
        synapses = _syns(rule) * max(1, len(rule.syn_mechs))
        conns += count
        netcons = count * synapses
        posts = sum(sizes[p.label] * _share(p, rule.post_conds, net_spec)
                    for p in net_spec.pops)
        points = min(netcons, posts * synapses) if shared else netcons
        neuron += netcons * NEURON_BYTES["netcon"] + points * NEURON_BYTES["pointprocess"]
    stims = 0.0
    for target in net_spec.stim_targets:
        count = sum(sizes[p.label] * _share(p, target.conds, net_spec)
                    for p in net_spec.pops)
        if target.cell_list is not None:
            count = min(count, len(target.cell_list))
        stims += count
        neuron += count * (NEURON_BYTES["artificial"] + NEURON_BYTES["netcon"] +
                           NEURON_BYTES["pointprocess"])
    cells = int(sum(sizes.values()))
    if run_spec is not None and run_spec.traces:
        samples = run_spec.duration / run_spec.record_step + 1
        neuron += len(run_spec.traces) * _recorded_cells(run_spec, sizes) * (
            NEURON_BYTES["vector"] + 8 * samples)
    tables = (cells * TABLE_BYTES["cell"] + conns * TABLE_BYTES["conn"]
              + stims * TABLE_BYTES["stim"])
    neuron += cells * MODEL_BYTES["cell"] + conns * MODEL_BYTES["conn"]
    return Estimate(cells, int(conns), float(tables), float(neuron), tuple(uncounted))


def check_fits(net_spec, run_spec) -> Estimate:
    """Raise SpecError when the network ``net_spec`` makes cannot fit: its estimate
    (``estimate``) is larger than simConfig.maxMemoryGB, or, when that is None, than the
    memory this process can use (``available_bytes``). Returns the estimate."""
    found = estimate(net_spec, run_spec)
    limit_gb = getattr(run_spec, "max_memory_gb", None)
    if limit_gb is not None:
        need, limit = found.total_bytes, limit_gb * GB
        what = f"simConfig.maxMemoryGB is {limit_gb:g}"
    else:
        limit = available_bytes()
        if limit is None:
            return found  # no /proc/meminfo (not Linux): nothing to compare with
        # every rank on this machine holds the whole network's tables and its share of
        # NEURON's objects
        ranks, local = _mpi_sizes()
        need = found.table_bytes * local + found.neuron_bytes * local / ranks
        what = (f"{limit / GB:.3g} GB are available on this machine"
                + (f" for its {local} MPI ranks" if local > 1 else ""))
    if need <= limit:
        return found
    raise SpecError(Problem(
        "simConfig.maxMemoryGB",
        f"the network cannot fit: {found.describe()}, and {what}. Make it smaller "
        "(netParams.scale, fewer cells or connections), or set simConfig.maxMemoryGB to "
        f"the memory (GB) it may take to build it anyway (it needs about "
        f"{math.ceil(need / GB * 10) / 10:g} GB)"))


def pop_size(pop, net_spec) -> int:
    """The cells a population will have (0 for a density given as a string function)."""
    if pop.method == "list":
        return len(pop.cells_list)
    if pop.method == "density" and hasattr(pop.density, "evaluate"):
        return 0
    if pop.method in ("count", "density"):
        return int(planned_cells(pop, net_spec))
    if pop.method == "grid":
        count = 1
        for (low, high), size, step in zip(pop.norm_ranges, net_spec.size, pop.grid_spacing):
            count *= int((high - low) * size // step) + 1
        return count
    return 0


def rule_conns(rule, net_spec, sizes) -> float | None:
    """The expected number of connections of one rule (None: its amount is a string
    function)."""
    pre = sum(sizes[p.label] * _share(p, rule.pre_conds, net_spec) for p in net_spec.pops)
    post = sum(sizes[p.label] * _share(p, rule.post_conds, net_spec) for p in net_spec.pops)
    if rule.connector == "connList":
        return float(len(rule.conn_list))
    if rule.connector == "full":
        return pre * post
    if hasattr(rule.amount, "evaluate"):
        return None
    amount = float(rule.amount)
    if rule.connector == "probability":
        return min(amount, 1.0) * pre * post
    if rule.connector == "convergence":
        return amount * post if pre else 0.0
    if rule.connector == "divergence":
        return amount * pre if post else 0.0
    return None


def _share(pop, conds, net_spec) -> float:
    """The fraction of a population's cells its tags let through ``conds`` (1 for tags
    known only per cell: the estimate is then an upper bound for that rule)."""
    share = 1.0
    for cond in conds:
        if cond.tag in POP_TAGS:
            value = getattr(pop, POP_TAGS[cond.tag])
            if cond.values is not None and value not in cond.values:
                return 0.0
        elif cond.range is not None and (cond.tag in NORM_AXES or cond.tag in AXES):
            axis = NORM_AXES.get(cond.tag, AXES.get(cond.tag))
            low, high = pop.norm_ranges[axis]
            lo, hi = cond.range
            if cond.tag in AXES:
                lo, hi = lo / net_spec.size[axis], hi / net_spec.size[axis]
            overlap = max(0.0, min(hi, high) - max(lo, low))
            share *= overlap / (high - low) if high > low else float(lo <= low <= hi)
    return share


def _cell_bytes(pop, net_spec) -> float:
    if pop.artificial is not None:
        return NEURON_BYTES["artificial"]
    types = [t for t in net_spec.cell_types if t.label == pop.cell_type]
    sections = types[0].sections if types else ()
    if not sections:  # made by a program, or from conds: one section counted
        return NEURON_BYTES["section"]
    return sum(NEURON_BYTES["section"] + (s.nseg - 1) * NEURON_BYTES["segment"]
               for s in sections)


def _syns(rule) -> int:
    count = rule.syns_per_conn
    return count if isinstance(count, int) else 1


def _recorded_cells(run_spec, sizes) -> int:
    cells = 0
    for item in run_spec.record_cells:
        if item == "all":
            return int(sum(sizes.values()))
        if isinstance(item, str):
            cells += sizes.get(item, 0)
        elif isinstance(item, tuple) and item and isinstance(item[0], str):
            rest = item[1]
            cells += len(rest) if isinstance(rest, (list, tuple)) else 1
        else:
            cells += 1
    return cells


def available_bytes() -> float | None:
    """The memory this process can still take: MemAvailable of /proc/meminfo, capped by
    the cgroup's limit less its usage (a container, a batch job); None off Linux."""
    try:
        meminfo = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    available = None
    for line in meminfo.splitlines():
        if line.startswith("MemAvailable:"):
            available = float(line.split()[1]) * 1024
    if available is None:
        return None
    room = _cgroup_room()
    return min(available, room) if room is not None else available


def _cgroup_room() -> float | None:
    """The cgroup's limit less its usage (v2, else v1); None without a limit."""
    for limit_file, usage_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                    "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            limit = Path(limit_file).read_text().strip()
            usage = Path(usage_file).read_text().strip()
        except OSError:
            continue
        if not limit.isdigit() or int(limit) >= 1 << 60 or not usage.isdigit():
            return None  # 'max', or v1's "no limit" (a huge number)
        return float(int(limit) - int(usage))
    return None


def _mpi_sizes() -> tuple[int, int]:
    """(ranks in the job, ranks on this machine) as the MPI launcher says (1, 1 without
    one); the launcher variables are engine/mpi.py's, read here without NEURON."""
    size = 1
    for name in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "SLURM_NTASKS"):
        if os.environ.get(name, "").isdigit():
            size = int(os.environ[name])
            break
    local = size
    for name in ("MPI_LOCALNRANKS", "OMPI_COMM_WORLD_LOCAL_SIZE"):
        if os.environ.get(name, "").isdigit():
            local = int(os.environ[name])
            break
    return max(size, 1), max(min(local, size), 1)
