"""Spec validation: the user's NetParams and SimConfig -> frozen, typed specs.

All problems of both objects are collected and raised together as one SpecError.
"""
from __future__ import annotations

from dataclasses import replace

from ..errors import NeuroloomError, SpecError
from .checker import Checker
from .mechanisms import check_mechanisms, check_trace_vars, named_mechanisms
from .netparams import validate_net_params
from .options import SIMCONFIG_OPTIONS, Options
from .simconfig import Names, conn_options, validate_sim_config
from .types import NetSpec, OutputSpec, RunSpec


def validate(net_params, sim_config=None, network=None, mechanisms=None
             ) -> tuple[NetSpec, RunSpec, OutputSpec]:
    """Both specs checked (all problems raised at once); no ``sim_config``: the default
    options. ``network``: an already built or imported network the simConfig is for (its
    populations, not netParams', are the ones the simConfig may name). ``mechanisms``:
    a function of the simConfig's modFolders and the mechanism names the spec uses giving
    what NEURON knows of mechanisms once they (and neuroloom's among those names) are
    loaded (validate/mechanisms.py); the mechanisms netParams names are then
    checked against it (None: not checked here; the engine checks them before it builds)."""
    _need_spec(net_params, "netParams", "NetParams")
    if sim_config is None:
        sim_config = Options(SIMCONFIG_OPTIONS)
    else:
        _need_spec(sim_config, "simConfig", "SimConfig")
    check = Checker()
    net = validate_net_params(net_params, check)
    names = Names.of_spec(net) if network is None else Names.of_network(network)
    if network is None:  # a population defined wrongly is reported once, where it is defined
        names = names.with_broken_pops(net_params["popParams"])
    run, output = validate_sim_config(sim_config, names, check)
    net = replace(net, conn_options=conn_options(sim_config, check))
    if mechanisms is not None and network is None:
        try:
            catalog = mechanisms(run.mod_folders, named_mechanisms(net, net_params))
        except NeuroloomError as error:  # a mod folder that does not compile or load
            check.add("modFolders", str(error))
        else:
            check_mechanisms(net, net_params, catalog, check)
            check_trace_vars(run.traces, net, catalog, check)
    check.raise_if_any()
    return net, run, output


def _need_spec(value, name: str, kind: str) -> None:
    # the spec objects live above this layer (specs/ reads cell files through the engine):
    # they are recognised by the kind they declare
    if getattr(value, "SPEC_KIND", None) != kind:
        raise SpecError(f"{name} must be a specs.{kind}, not {type(value).__name__}")


__all__ = ["validate", "NetSpec", "RunSpec", "OutputSpec"]
