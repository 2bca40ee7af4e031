import shutil
from pathlib import Path

import pytest

from neuroloom.engine import modfiles
from neuroloom.sim import Session

#: RL_arm's STDP mechanism, NetPyNE's plasticity rule (connParams 'plast')
STDP_MOD = Path("/work/shared/netpyne-examples/RL_arm/stdp.mod")


@pytest.fixture
def run_session():
    """Create and simulate a Session; afterwards NEURON must hold no sections."""
    sessions = []

    def run(net, cfg, simulate=True):
        for earlier in sessions:  # one live NEURON model per process
            earlier.clear()
        session = Session(net, cfg, echo=None)
        sessions.append(session)
        session.create()
        if simulate:
            session.simulate()
        return session

    yield run
    for session in sessions:
        session.clear()
    from neuroloom.engine.neuron_env import neuron_h
    assert list(neuron_h().allsec()) == [], "a test left NEURON sections behind"


@pytest.fixture(scope="session")
def stdp_mod(tmp_path_factory):
    """The folder of RL_arm's stdp.mod, compiled (into neuroloom's cache) and loaded."""
    if not STDP_MOD.exists():
        pytest.skip("the shared NetPyNE examples (RL_arm) are not here")
    folder = tmp_path_factory.mktemp("stdp")
    shutil.copy(STDP_MOD, folder / STDP_MOD.name)
    modfiles.load(folder)
    return str(folder)
