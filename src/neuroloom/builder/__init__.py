"""Spec -> canonical Network, in pure numpy (no NEURON needed)."""
from __future__ import annotations

from .network import build_network


def network_from_specs(net_params, sim_config=None, owned=None):
    """Validate a NetParams (and SimConfig, for the seeds) and build its Network."""
    from ..specs import SimConfig
    from ..validate import validate

    net_spec, run_spec, _ = validate(net_params, sim_config or SimConfig())
    return build_network(net_spec, dict(run_spec.seeds), owned=owned)


__all__ = ["build_network", "network_from_specs"]
