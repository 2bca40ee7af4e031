"""Spec validation: the user's NetParams and SimConfig -> frozen, typed specs.

All problems of both objects are collected and raised together as one SpecError.
"""
from __future__ import annotations

from ..errors import SpecError
from ..specs import NetParams, SimConfig
from .checker import Checker
from .netparams import validate_net_params
from .simconfig import Names, validate_sim_config
from .types import NetSpec, OutputSpec, RunSpec


def validate(net_params: NetParams, sim_config: SimConfig, network=None
             ) -> tuple[NetSpec, RunSpec, OutputSpec]:
    """Both specs checked (all problems raised at once). ``network``: an already built or
    imported network the simConfig is for (its populations, not netParams', are the ones
    the simConfig may name)."""
    if not isinstance(net_params, NetParams):
        raise SpecError(f"netParams must be a specs.NetParams, not {type(net_params).__name__}")
    if not isinstance(sim_config, SimConfig):
        raise SpecError(f"simConfig must be a specs.SimConfig, not {type(sim_config).__name__}")
    check = Checker()
    net = validate_net_params(net_params, check)
    names = Names.of_spec(net) if network is None else Names.of_network(network)
    run, output = validate_sim_config(sim_config, names, check)
    check.raise_if_any()
    return net, run, output


__all__ = ["validate", "NetSpec", "RunSpec", "OutputSpec"]
