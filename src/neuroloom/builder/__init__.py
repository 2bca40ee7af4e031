"""Spec -> canonical Network, in pure numpy (no NEURON needed)."""
from __future__ import annotations

from ..validate import validate
from ..validate.cell_lists import cell_lists_in_range
from .network import build_network


def network_from_specs(net_params, sim_config=None, owned=None, progress=None,
                       mechanisms=None):
    """The network a NetParams describes: validated (with the SimConfig, which gives the
    seeds; default options without one), then built. The one way from specs to a network:
    the Session takes the same two steps, keeping the validated specs for the run.
    ``mechanisms``: what NEURON knows of mechanisms, as ``validate`` takes it."""
    net_spec, run_spec, output = validate(net_params, sim_config, mechanisms=mechanisms)
    network = build_network(net_spec, dict(run_spec.seeds), owned=owned, progress=progress)
    cell_lists_in_range(run_spec, output, network)
    return network


__all__ = ["build_network", "network_from_specs"]
