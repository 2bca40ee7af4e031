"""`neuroloom validate PATH` and `neuroloom info PATH`.

validate reads a model the way a run would (a script's specs are validated and the network
built, without NEURON; a NeuroML2 file or SONATA circuit is imported) and prints every
problem with its location: a spec's problems all at once, with their dotted paths; a file's
first fatal problem with its file (and line). Exit 1 when there is any.
info prints what a model holds: populations, connections per rule, synaptic mechanisms,
stimuli and the memory its tables take.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from ..errors import FormatError, NeuroloomError, SpecError
from ..engine.modfiles import check_network_mechanisms, mechanism_catalog
from ..engine.neuron_env import installed
from ..sim.sources import SCRIPT, SONATA, kind_of, open_model
from .run import sonata_config


def add_commands(commands, parents) -> None:
    for name, text, handler in (
            ("validate", "check a model script, saved run, NeuroML2 file or SONATA circuit",
             validate),
            ("info", "summarise a model: populations, connections, synapses, stimuli",
             info)):
        command = commands.add_parser(name, help=text, description=text, parents=parents)
        command.add_argument("path", help="model script, saved run, NeuroML2/LEMS file or "
                                          "SONATA circuit (folder or config)")
        command.add_argument("--mod", action="append", default=[], metavar="DIR",
                             help="an NMODL folder the model needs (repeatable)")
        add_trust_pickle(command)
        command.set_defaults(handler=handler)


def add_trust_pickle(command) -> None:
    """The --trust-pickle option of the commands that read saved runs."""
    command.add_argument("--trust-pickle", action="store_true",
                         help="read a saved run that is a pickle (.pkl): a pickle can run "
                              "code while it is read, so only one from a trusted source")


def validate(options, parser) -> int:
    neuron = installed()  # mechanisms are checked against NEURON when it is installed
    try:
        kind = kind_of(options.path)
        catalog = (lambda folders, used: mechanism_catalog((*options.mod, *folders), used)) \
            if neuron else None
        model = open_model(_source(options.path, kind), options.mod, mechanisms=catalog,
                           trust_pickle=options.trust_pickle)
        if neuron and kind != SCRIPT:  # a script's were checked with their spec paths
            check_network_mechanisms(model.network, options.mod)
    except SpecError as error:
        for problem in error.problems:
            print(f"{options.path}: {problem}")
        print(f"{len(error.problems)} problem{'s' * (len(error.problems) != 1)}")
        return 1
    except (NeuroloomError, OSError, KeyError, ValueError) as error:
        if options.debug:
            raise
        print(f"{options.path}: {_message(error)}")
        print("1 problem")
        return 1
    network = model.network
    print(f"{options.path}: valid {kind} ({network.num_cells} cells, {len(network.conns)} "
          "connections)" + ("" if neuron else "; its mechanisms could not be checked: "
                            "NEURON is not installed"))
    return 0


def info(options, parser) -> int:
    model = open_model(_source(options.path, kind_of(options.path)), options.mod,
                       trust_pickle=options.trust_pickle)
    for line in summary(model):
        print(line)
    return 0


def _source(path, kind):
    """What to open: a SONATA folder's config as `neuroloom run` chooses it."""
    return sonata_config(path) if kind == SONATA else path


def summary(model) -> list[str]:
    net = model.network
    lines = [f"{model.kind}: {model.path}",
             f"cells: {net.num_cells} in {len(net.pops)} populations"]
    type_labels = [t.user_label for t in net.cell_types]
    pop_codes = net.cells.pop
    for code, pop in enumerate(net.pops):
        count = int(np.count_nonzero(pop_codes == code))
        kinds = sorted({type_labels[c]
                        for c in np.unique(net.cells.cell_type[pop_codes == code])})
        lines.append(f"  {pop.label}: {count} cells ({', '.join(kinds)})")
    lines.append(f"connections: {len(net.conns)}")
    for label, count in _by_code(net.conns.rule, net.conn_rules):
        lines.append(f"  {label}: {count}")
    lines.append("synaptic mechanisms: " + (", ".join(
        f"{m.label} ({m.mod})" for m in net.syn_mechs) or "none"))
    lines.append(f"stimuli: {len(net.stims)}")
    for label, count in _by_code(net.stims.rule, net.stim_rules):
        lines.append(f"  {label}: {count}")
    lines.append(f"memory: {_megabytes(net):.2f} MB in the network's tables")
    return lines


def _by_code(codes, labels) -> list[tuple[str, int]]:
    counts = Counter(np.asarray(codes).tolist())
    return [(labels[code] if 0 <= code < len(labels) else "(no rule)", counts[code])
            for code in sorted(counts)]


def _megabytes(net) -> float:
    total = 0
    for table in (net.cells, net.conns, net.stims):
        total += sum(value.nbytes for value in vars(table).values()
                     if isinstance(value, np.ndarray))
    return total / 1e6


def _message(error) -> str:
    if isinstance(error, FormatError):
        return str(error)
    return f"{type(error).__name__}: {error}"
