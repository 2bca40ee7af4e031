"""`neuroloom convert SRC DST`: a model from one form to another through the canonical
network: model scripts, saved runs, NeuroML2 (XML or HDF5) and SONATA, in every direction.

The target comes from --to, else from DST: a name ending in .nml/.xml (NeuroML2 XML),
.nml.h5/.net.h5 (NeuroML2 HDF5), .json (a saved network), anything else a SONATA folder.
--check simulates the source and the result with the same run settings and says whether
their spikes are identical (exit 1 if not).
"""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

from ..engine.cell_templates import with_sections
from ..exporters import neuroml as neuroml_exporter
from ..exporters import sonata as sonata_exporter
from ..progress import fraction_progress
from ..results.save import data_payload, save_json
from ..sim.session import Session
from ..sim.sources import open_model
from ..specs import NetParams
from .inspect import add_trust_pickle

TARGETS = ("neuroml", "sonata", "json")


def add_commands(commands, parents) -> None:
    text = "convert a model between a script/saved run, NeuroML2 and SONATA"
    command = commands.add_parser("convert", help=text, description=__doc__.split("\n\n")[0],
                                  parents=parents)
    command.add_argument("source", help="model script, saved run, NeuroML2/LEMS file or "
                                        "SONATA circuit (folder or config)")
    command.add_argument("destination", help="file or folder to write")
    command.add_argument("--to", choices=TARGETS, help="the target form (default: from the "
                                                       "destination's name)")
    command.add_argument("--format", choices=("xml", "hdf5"), help="NeuroML2 file format")
    command.add_argument("--check", action="store_true",
                         help="simulate source and result and compare their spikes")
    command.add_argument("--duration", type=float, default=100.0,
                         help="ms simulated by --check (default 100)")
    command.add_argument("--mod", action="append", default=[], metavar="DIR",
                         help="an NMODL folder the model needs (repeatable)")
    add_trust_pickle(command)
    command.set_defaults(handler=convert)


def convert(options, parser) -> int:
    to, fmt = target(options.destination, options.to, options.format)
    if fmt is not None and to != "neuroml":
        parser.error("--format is for NeuroML2 targets")
    with fraction_progress("reading") as progress:
        source = open_model(options.source, options.mod, progress,
                            trust_pickle=options.trust_pickle)
    print(f"read {source.kind} {source.path}: {source.network.num_cells} cells, "
          f"{len(source.network.conns)} connections")
    with fraction_progress("writing") as progress:
        written = write(source, Path(options.destination), to, fmt or "xml", progress)
    if to == "sonata":
        print(f"wrote SONATA circuit {options.destination} ({len(written)} files; run it "
              f"with {written[0]})")
    else:
        for path in written:
            print(f"wrote {path}")
    for part in source.network.neuroloom_only if to != "json" else ():
        print(f"note: {'SONATA' if to == 'sonata' else 'NeuroML2'} has no {part}: it is kept "
              "in neuroloom's own part of the files, which neuroloom reads back; other "
              "simulators run the network without it")
    if not options.check:
        return 0
    result = open_model(written[0] if to != "sonata" else Path(options.destination),
                        options.mod)
    same, message = same_spikes(source, result, options.duration)
    print(message)
    return 0 if same else 1


def target(destination: str, to: str | None, fmt: str | None) -> tuple[str, str | None]:
    name = destination.lower()
    if to is None:
        if name.endswith((".nml", ".xml", ".nml.h5", ".net.h5")):
            to = "neuroml"
        elif name.endswith(".json"):
            to = "json"
        else:
            to = "sonata"
    if to == "neuroml" and fmt is None:
        fmt = "hdf5" if name.endswith(".h5") else "xml"
    return to, fmt


def write(model, destination: Path, to: str, fmt: str, progress=None) -> list[Path]:
    """The files written, the one that opens the result first."""
    if to == "sonata":
        files = sonata_exporter.export(_with_sections(model), destination, model.sim_config,
                                       progress=progress)
        config = destination / "simulation_config.json"
        return [config, *[f for f in files if Path(f) != config]]
    if to == "json":
        payload = data_payload(model.net_params or NetParams(), model.sim_config,
                               model.network, None, ("netParams", "netCells", "simConfig"))
        return [save_json(destination, payload)]
    folder, reference = _neuroml_name(destination)
    # the network file, the LEMS file, and a LEMS-only file for components NeuroML's schema
    # cannot hold (exporters/neuroml_lems_only.py)
    return [Path(f) for f in neuroml_exporter.export(
        _with_sections(model), reference, folder, model.sim_config, fmt, progress=progress)]


def _with_sections(model):
    """The network with the sections of its template cell types (SONATA biophysical
    cells), which the NeuroML2 and SONATA writers need: made in NEURON."""
    return with_sections(model.network, model.sim_config.modFolders)


def _neuroml_name(destination: Path) -> tuple[Path, str]:
    """(folder, reference): 'out/tut3.net.nml' -> ('out', 'tut3'); a folder -> its name."""
    name = destination.name
    for suffix in (".net.nml", ".nml", ".xml", ".net.h5", ".nml.h5", ".h5"):
        if name.lower().endswith(suffix):
            return destination.parent, name[:-len(suffix)]
    return destination, destination.name


def same_spikes(source, result, duration: float) -> tuple[bool, str]:
    """Both networks run with the source's settings for ``duration`` ms."""
    spikes = [_spikes(model.network, source.sim_config, duration)
              for model in (source, result)]
    (t0, g0), (t1, g1) = spikes
    if len(t0) == len(t1) and np.array_equal(t0, t1) and np.array_equal(g0, g1):
        return True, f"check: spikes identical ({len(t0)} spikes in {duration:g} ms)"
    differ = next((i for i in range(min(len(t0), len(t1)))
                   if t0[i] != t1[i] or g0[i] != g1[i]), min(len(t0), len(t1)))
    return False, (f"check: spikes differ: source {len(t0)}, result {len(t1)}; first "
                   f"difference at spike {differ}")


def _spikes(network, sim_config, duration):
    cfg = copy.deepcopy(sim_config)
    cfg.duration, cfg.analysis = duration, {}
    cfg.saveJson = cfg.savePickle = cfg.saveHDF5 = cfg.saveSpikesSonata = False
    cfg.recordTraces, cfg.recordCells, cfg.sonataReports = {}, [], {}
    session = Session(NetParams(), cfg, network=network, echo=None)
    try:
        session.create()
        session.simulate()
        return session.recordings.spike_t.copy(), session.recordings.spike_gid.copy()
    finally:
        session.clear()
