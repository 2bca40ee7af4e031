import pytest

from neuroloom.sim import Session


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
