"""A Network survives the round trip through plain data (JSON, pickle)."""
import json
import pickle

from helpers import tutorial_specs
from neuroloom.builder import network_from_specs
from neuroloom.errors import FormatError
from neuroloom.model.serialize import network_from_dict, network_to_dict

import pytest


@pytest.mark.parametrize("name", ["tut1", "tut2", "tut3"])
def test_network_round_trip_through_json_and_pickle(name):
    network = network_from_specs(*tutorial_specs(name))
    data = network_to_dict(network)
    assert network_from_dict(json.loads(json.dumps(data))) == network
    assert network_from_dict(pickle.loads(pickle.dumps(data))) == network
    back = network_from_dict(json.loads(json.dumps(data)))
    assert back.provenance == network.provenance


def test_changed_data_is_a_different_network():
    network = network_from_specs(*tutorial_specs("tut2"))
    data = json.loads(json.dumps(network_to_dict(network)))
    data["conns"]["weight"][0] += 1e-12
    assert network_from_dict(data) != network


def test_foreign_data_is_refused():
    with pytest.raises(FormatError, match="not a saved neuroloom network"):
        network_from_dict({"format": "something-else"})
