"""netParams.mapping: simConfig values copied into the rules when the network is made, as
NetPyNE's sim.initialize does (batchCellMapping varies cfg.tau1NMDA this way)."""
import pytest

from helpers import tutorial_specs
from neuroloom.errors import SpecError
from neuroloom.sim.session import Session


def test_mapped_cfg_values_reach_the_rules_before_validation():
    net, cfg = tutorial_specs("tut2")
    synmech = next(iter(net.synMechParams))
    net.mapping["tauRise"] = ["synMechParams", synmech, "tau1"]
    net.mapping["notInCfg"] = ["synMechParams", synmech, "tau2"]  # left alone, as NetPyNE
    tau2 = net.synMechParams[synmech]["tau2"]
    cfg.tauRise = 0.37
    session = Session(net, cfg, echo=None)
    session.initialize()
    assert net.synMechParams[synmech]["tau1"] == 0.37
    assert net.synMechParams[synmech]["tau2"] == tau2
    built, = [m for m in session.net_spec.syn_mechs if m.label == synmech]
    assert dict(built.params)["tau1"] == 0.37


def test_a_mapping_to_a_missing_rule_names_the_path():
    net, cfg = tutorial_specs("tut2")
    net.mapping["tauRise"] = ["synMechParams", "NMDA", "tau1"]
    cfg.tauRise = 0.37
    with pytest.raises(SpecError, match=r"netParams has no 'synMechParams\.NMDA'"):
        Session(net, cfg, echo=None).initialize()
