"""Session: one model's spec, network, NEURON instance and results, explicitly.

The tutorial's module-level ``sim`` API is a thin facade over the current Session; nothing
else in the package uses global state.
"""
from __future__ import annotations

import time

import numpy as np

from ..analysis.rates import pop_rates
from ..build import build_network
from ..engine import NeuronModel
from ..model.include import resolve_include
from ..results.save import data_payload, output_path, save_json, save_pickle
from ..results.simdata import Recordings
from ..results.sonata_spikes import write_spikes
from ..validate import validate


class Session:
    def __init__(self, net_params, sim_config, *, rank: int | None = None,
                 nhost: int | None = None, echo=print):
        self.net_params, self.sim_config = net_params, sim_config
        self.rank, self.nhost = rank, nhost
        self._echo = echo
        self.net_spec = self.run_spec = self.output = None
        self.network = self.model = self.recordings = None
        self.sim_data = None
        self.saved: list = []  # paths written by the last analyze()

    # -- the tutorial's steps -----------------------------------------------------------
    def create(self) -> None:
        """Validate the spec, build the network and instantiate it in NEURON."""
        self.clear()
        self.recordings = self.sim_data = None
        start = time.perf_counter()
        self.net_spec, self.run_spec, self.output = validate(self.net_params, self.sim_config)
        self.network = build_network(self.net_spec, dict(self.run_spec.seeds))
        built = time.perf_counter()
        self.model = NeuronModel(self.network, self.run_spec, self.record_gids(),
                                 rank=self.rank, nhost=self.nhost)
        self.rank, self.nhost = self.model.rank, self.model.nhost
        net = self.network
        self.log(f"Created {net.num_cells} cells in {len(net.pops)} populations, "
                 f"{len(net.conns)} connections and {len(net.stims)} stimuli "
                 f"(build {built - start:.2f} s, NEURON {time.perf_counter() - built:.2f} s)")
        if self.run_spec.verbose:
            for rules, column, what in ((net.conn_rules, net.conns.rule, "connections"),
                                        (net.stim_rules, net.stims.rule, "stimuli")):
                counts = np.bincount(column, minlength=len(rules))
                for label, count in zip(rules, counts):
                    self.log(f"  rule '{label}': {count} {what}")

    def simulate(self) -> None:
        """Run the simulation and gather every rank's recordings on rank 0."""
        if self.model is None:
            raise RuntimeError("nothing to simulate: call sim.create(netParams, simConfig) "
                               "first")
        start = time.perf_counter()
        raw = self.model.gather(self.model.run())
        seconds = time.perf_counter() - start
        if raw is None:
            return
        self.recordings = Recordings.from_raw(raw, self.run_spec.duration)
        self.sim_data = self.recordings.sim_data(self.network.num_cells)
        self.log(f"Simulated {self.run_spec.duration:g} ms in {seconds:.2f} s: "
                 f"{len(self.recordings.spike_t)} spikes, mean rate "
                 f"{self.sim_data['avgRate']:.2f} Hz")
        if self.run_spec.verbose:
            rates = pop_rates(self.recordings.spike_t, self.recordings.spike_gid,
                              self.network.pops, (0.0, self.run_spec.duration))
            for label, rate in rates.items():
                self.log(f"  population '{label}': {rate:.2f} Hz")

    def analyze(self) -> None:
        """Save the data and draw the plots simConfig asks for (rank 0 only)."""
        if self.recordings is None or not self.is_root:
            return
        from .analysis import run_plot  # imports matplotlib: only when there are results

        self.saved = self.save_data()
        for name, options in self.output.analysis:
            path = run_plot(self, name, dict(options))[2]
            if path is not None:
                self.saved.append(path)
        for path in self.saved:
            self.log(f"Saved {path}")

    # -- outputs ------------------------------------------------------------------------
    def save_data(self) -> list:
        out, paths = self.output, []
        if out.save_json or out.save_pickle:
            payload = data_payload(self.net_params, self.sim_config, self.network,
                                   self.sim_data)
            if out.save_json:
                paths.append(save_json(self.output_path("_data.json"), payload))
            if out.save_pickle:
                paths.append(save_pickle(self.output_path("_data.pkl"), payload))
        if out.save_spikes_sonata:
            path = self.output_path("_spikes.h5")
            write_spikes(path, self.recordings.spike_t, self.recordings.spike_gid,
                         self.network.pops, self.network.provenance)
            paths.append(path)
        return paths

    def output_path(self, suffix: str):
        return output_path(self.output.save_folder, self.output.filename, suffix)

    def record_gids(self) -> np.ndarray:
        """Cells whose traces are recorded: recordCells plus the cells plotTraces shows."""
        items = list(self.run_spec.record_cells)
        for name, options in self.output.analysis:
            include = dict(options).get("include")
            if name == "plotTraces" and include is not None:
                items += list(include)
        return resolve_include(items, self.network)

    # -- state --------------------------------------------------------------------------
    @property
    def is_root(self) -> bool:
        return not self.rank

    def log(self, message: str) -> None:
        if self.is_root and self._echo is not None:
            self._echo(f"neuroloom: {message}")

    def clear(self) -> None:
        """Release the NEURON objects so another model can be built in this process."""
        if self.model is not None:
            self.model.clear()
        self.model = None
