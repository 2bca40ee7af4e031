"""The two registries: stimulus types (model/stim_types.py) and connectors
(validate/rules.py CONNECTORS, built by builder/connectors.py BUILDERS).

Every entry of each table is exercised through the code that reads it, so an entry added
to a table is tested here without another line."""
from dataclasses import replace

import numpy as np
import pytest

from neuroloom import specs
from neuroloom.builder import build_network, connectors, network_from_specs
from neuroloom.builder import stims as builder_stims
from neuroloom.engine import wiring
from neuroloom.errors import SpecError
from neuroloom.exporters import neuroml as neuroml_export
from neuroloom.exporters import sonata as sonata_export
from neuroloom.importers import neuroml_inputs as neuroml_import
from neuroloom.importers import sonata_inputs
from neuroloom.model import stim_types
from neuroloom.model.stim_types import (LIST3, NUMBER, PULSES, SPIKE_SOURCES, STIM_TYPES,
                                        TIMES, stim_type_of)
from neuroloom.validate import rules, validate
from neuroloom.validate import stims as validate_stims
from neuroloom.validate.rules import COUNT, CONNECTORS, PAIRS, PROBABILITY


# -- stimulus types ------------------------------------------------------------------------
def good_value(param):
    if param.shape == TIMES:
        return [5.0, 10.0]
    if param.shape == PULSES:
        return [{'start': 10, 'end': 50, 'rate': 100}]
    if param.shape == LIST3:
        return [1.0, 2.0, 3.0]
    if param.maximum is not None:
        return (param.maximum + (param.minimum or 0)) / 2
    if param.positive:
        return 2.0
    return (param.minimum or 0) + 1.0


def bad_values(param):
    """(value, message) that break the parameter's bounds or shape."""
    if param.shape == TIMES:
        return [("soon", "must be a list of spike times")]
    if param.shape == PULSES:
        return [(5, "must be a list of pulses")]
    if param.shape == LIST3:
        return [([1, 2, 3, 4], "must be one to three numbers")]
    out = []
    if param.positive:
        out.append((0, "must be > 0"))
    if param.minimum is not None:
        out.append((param.minimum - 1, f"must be >= {param.minimum:g}"))
    if param.maximum is not None:
        out.append((param.maximum + 1, f"must be <= {param.maximum:g}"))
    return out


def source_params(kind, chosen=None):
    """Every parameter of the type, of its one_of group only ``chosen`` (else the first)."""
    others = [n for n in kind.one_of if n != (chosen or kind.one_of[0])]
    return {name: good_value(p) for name, p in kind.params.items() if name not in others}


def stim_spec(type_name, params=None, target=None):
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {'soma': {'geom': {'diam': 10, 'L': 10},
                                             'mechs': {'hh': {}}}}}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 3}
    net.synMechParams['exc'] = {'mod': 'ExpSyn'}
    kind = STIM_TYPES[type_name]
    net.stimSourceParams['s'] = {'type': type_name,
                                 **(source_params(kind) if params is None else params)}
    net.stimTargetParams['s->P'] = {'source': 's', 'conds': {'pop': 'P'}, **(target or {})}
    cfg = specs.SimConfig()
    cfg.duration = 100
    return net, cfg


def test_spike_sources_are_defined_once_and_read_by_every_layer():
    assert SPIKE_SOURCES == tuple(n for n, t in STIM_TYPES.items() if t.spike_source)
    assert validate_stims.SPIKE_SOURCES is SPIKE_SOURCES
    assert validate_stims.STIM_TYPES is STIM_TYPES
    assert builder_stims.SPIKE_SOURCES is SPIKE_SOURCES
    assert builder_stims.STIM_TYPES is STIM_TYPES
    assert wiring.stim_type_of is stim_type_of
    assert sonata_export.stim_type_of is stim_type_of
    assert neuroml_export.stim_type_of is stim_type_of
    assert neuroml_import.stim_type_of is stim_type_of
    assert neuroml_import.NEUROML_INPUTS is stim_types.NEUROML_INPUTS
    assert sonata_inputs.SONATA_INPUTS is stim_types.SONATA_INPUTS
    for module in (validate_stims, builder_stims, wiring, sonata_export, neuroml_export):
        assert not hasattr(module, "PARAMS")
        assert getattr(module, "SPIKE_SOURCES", SPIKE_SOURCES) is SPIKE_SOURCES


def test_the_table_covers_the_netpyne_stimulus_types():
    assert set(STIM_TYPES) == {"NetStim", "VecStim", "IClamp", "VClamp", "SEClamp",
                               "AlphaSynapse"}
    assert set(SPIKE_SOURCES) == {"NetStim", "VecStim"}
    for name, kind in STIM_TYPES.items():
        assert kind.name == name and kind.params
        assert all(n in kind.params for n in kind.one_of)
        assert all(n in kind.params for n, _ in kind.defaults)
        # a point process on the target is a NEURON object; a spike source either is one
        # or has its train replayed
        assert kind.neuron_class is not None or (kind.spike_source and kind.replayed)


@pytest.mark.parametrize("name", list(STIM_TYPES))
def test_every_type_is_accepted_with_its_parameters(name):
    kind = STIM_TYPES[name]
    spec, _, _ = validate(*stim_spec(name))
    (source,) = spec.stim_sources
    assert source.source.type == name
    given = source_params(kind)
    expected = {**dict(kind.defaults), **given}
    names = {kind.to_neuron(n, 1.0)[0] for n in expected}
    assert {n for n, _ in source.source.params} == names


@pytest.mark.parametrize("name, param", [(n, p) for n, t in STIM_TYPES.items()
                                         for p in t.params])
def test_every_bound_of_every_type_is_enforced(name, param):
    kind = STIM_TYPES[name]
    cases = bad_values(kind.params[param])
    if not cases:  # unbounded: any number, but not a list
        assert kind.params[param].shape == NUMBER
        cases = [([1, 2], "must be a number or a string function")]
    for bad, message in cases:
        params = {**source_params(kind, param if param in kind.one_of else None),
                  param: bad}
        with pytest.raises(SpecError) as info:
            validate(*stim_spec(name, params))
        problems = [(p.path, p.message) for p in info.value.problems]
        assert any(path.startswith(f"stimSourceParams['s'].{param}") and message in text
                   for path, text in problems), problems


def test_a_type_the_table_lacks_is_refused_with_the_closest_name():
    net, cfg = stim_spec("IClamp")
    net.stimSourceParams['s']['type'] = 'IClmap'
    with pytest.raises(SpecError, match=r"stimSourceParams\['s'\]\.type: unknown stimulus "
                                        r"type 'IClmap'; did you mean 'IClamp'\?"):
        validate(net, cfg)


def test_exactly_one_of_comes_from_the_table():
    for name, kind in STIM_TYPES.items():
        if not kind.one_of:
            continue
        params = {n: good_value(kind.params[n]) for n in kind.params}  # all of them
        with pytest.raises(SpecError, match=f"a {name} needs exactly one of"):
            validate(*stim_spec(name, params))


@pytest.mark.parametrize("name", list(STIM_TYPES))
def test_spike_sourceness_drives_validation_and_the_builder(name):
    kind = STIM_TYPES[name]
    synaptic = {'weight': 0.02, 'delay': 3, 'synMech': 'exc', 'synsPerConn': 2}
    if kind.spike_source:
        net, cfg = stim_spec(name, target=synaptic)
        network = network_from_specs(net, cfg)
        s = network.stims
        assert len(s) == 3 * 2  # synsPerConn rows per target
        assert np.all(s.syn_mech == 0) and np.all(s.weight == 0.02) and np.all(s.delay == 3)
        assert ("train" in s.extra) == kind.replayed
        assert (len(network.stim_trains) > 0) == kind.replayed
    else:
        with pytest.raises(SpecError) as info:
            validate(*stim_spec(name, target=synaptic))
        paths = sorted(p.path for p in info.value.problems)
        assert paths == sorted(f"stimTargetParams['s->P'].{k}" for k in synaptic)
        assert all(f"is not used by {name} stimuli" in str(p) for p in info.value.problems)
        network = network_from_specs(*stim_spec(name))
        s = network.stims
        assert len(s) == 3 and np.all(s.syn_mech == -1) and np.all(s.weight == 0)
        assert "train" not in s.extra


def test_string_functions_of_parameters_become_neurons_names():
    """A NetStim's rate, as a function, is set as its interval per target."""
    net, cfg = stim_spec("NetStim", {'rate': '10 + post_x * 0', 'noise': 0.0})
    network = network_from_specs(net, cfg)
    name, _ = STIM_TYPES["NetStim"].to_neuron("rate", 10.0)
    assert np.allclose(network.stims.extra[name], 100.0)


@pytest.mark.parametrize("name", [n for n, t in STIM_TYPES.items() if t.neuroml])
def test_every_neuroml_form_has_a_writer_and_is_written(name, tmp_path):
    form = STIM_TYPES[name].neuroml
    assert form.element in neuroml_export._WRITERS
    target = {'weight': 0.01, 'synMech': 'exc'} if STIM_TYPES[name].spike_source else None
    network = network_from_specs(*stim_spec(name, target=target))
    path, _ = neuroml_export.export(network, "stim", tmp_path)
    assert f"<{form.element} " in path.read_text()


def test_every_neuroml_form_read_back_has_a_reader():
    for element, kind in stim_types.NEUROML_INPUTS.items():
        assert kind.name in neuroml_import._READERS, element
        assert element in kind.neuroml.reads


def test_sonata_forms_are_written_by_the_exporter(tmp_path):
    import json

    for name, kind in STIM_TYPES.items():
        target = {'weight': 0.01, 'synMech': 'exc'} if kind.spike_source else None
        network = network_from_specs(*stim_spec(name, target=target))
        folder = tmp_path / name
        sonata_export.export(network, folder)
        spec = json.loads((folder / "simulation_config.json").read_text())["inputs"]["s->P"]
        form = kind.sonata
        if form is None:
            assert (spec["input_type"], spec["module"]) == (stim_types.SONATA_OWN_INPUT, name)
        else:
            assert (spec["input_type"], spec["module"]) == (form.input_type, form.module)
            for ours, theirs in form.params:
                assert spec[theirs] == dict(network.stim_sources[0].params)[ours]


def test_a_type_only_a_file_brings_acts_on_the_target():
    kind = stim_type_of("nml_input_mechanism")
    assert not kind.spike_source and kind.neuron_class == "nml_input_mechanism"
    assert kind.neuroml is None and kind.sonata is None and not kind.params


# -- connectors --------------------------------------------------------------------------
AMOUNTS = {PROBABILITY: 0.5, COUNT: 3, PAIRS: [[0, 1], [1, 0], [2, 3]], None: None}
BAD_AMOUNTS = {PROBABILITY: (-0.5, "must be >= 0"), COUNT: (-1, "must be >= 0"),
               PAIRS: ([[0]], "must be [pre index, post index]")}


def conn_spec(connector, amount=None, n=8):
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {'soma': {'geom': {'diam': 10, 'L': 10},
                                             'mechs': {'hh': {}}}}}
    net.popParams['A'] = {'cellType': 'C', 'numCells': n}
    net.synMechParams['exc'] = {'mod': 'ExpSyn'}
    rule = {'preConds': {'pop': 'A'}, 'postConds': {'pop': 'A'}}
    c = CONNECTORS[connector]
    if c.key is not None:
        rule[c.key] = AMOUNTS[c.amount] if amount is None else amount
    net.connParams['A->A'] = rule
    return net, specs.SimConfig()


def test_the_builder_has_a_function_for_exactly_the_validated_connectors():
    assert set(connectors.BUILDERS) == set(CONNECTORS)
    assert connectors.CONNECTORS is rules.CONNECTORS
    assert rules.CONNECTOR_KEYS == tuple(c.key for c in CONNECTORS.values() if c.key)
    assert all(k in rules.CONN_KEYS for k in rules.CONNECTOR_KEYS)


@pytest.mark.parametrize("name", list(CONNECTORS))
def test_every_connector_is_validated_and_dispatched_by_the_builder(name, monkeypatch):
    spec, run, _ = validate(*conn_spec(name))
    (rule,) = spec.conn_rules
    assert rule.connector == name
    calls = []
    original = connectors.BUILDERS[name]

    def spy(amount, conn_list, c):
        calls.append(name)
        return original(amount, conn_list, c)

    monkeypatch.setitem(connectors.BUILDERS, name, spy)
    network = build_network(spec, dict(run.seeds))
    assert calls == [name] and len(network.conns) > 0
    assert not np.any(network.conns.pre_gid == network.conns.post_gid)


@pytest.mark.parametrize("name", [n for n, c in CONNECTORS.items() if c.amount])
def test_every_connector_amount_is_checked(name):
    c = CONNECTORS[name]
    bad, message = BAD_AMOUNTS[c.amount]
    with pytest.raises(SpecError) as info:
        validate(*conn_spec(name, bad))
    assert any(p.path.startswith(f"connParams['A->A'].{c.key}") and message in p.message
               for p in info.value.problems), info.value.problems


@pytest.mark.parametrize("name", [n for n, c in CONNECTORS.items() if c.variables])
def test_string_functions_use_the_connectors_variables(name):
    c = CONNECTORS[name]
    allowed = {"pair": "dist_3D", "post": "post_x", "pre": "pre_x"}
    base = "0.5" if c.amount == PROBABILITY else "1"
    spec, run, _ = validate(*conn_spec(name, f"{base} + 0 * {allowed[c.variables]}"))
    assert spec.conn_rules[0].connector == name
    assert len(build_network(spec, dict(run.seeds)).conns) > 0  # the builder has them
    for variables, other in allowed.items():
        if variables == c.variables or c.variables == "pair":
            continue  # a pair's functions may use the pre_ and post_ variables too
        with pytest.raises(SpecError, match=other):
            validate(*conn_spec(name, f"{base} + 0 * {other}"))


def test_an_unknown_connector_reaching_the_builder_raises():
    spec, run, _ = validate(*conn_spec("probability"))
    bad = replace(spec, conn_rules=(replace(spec.conn_rules[0], connector="probabilty"),))
    with pytest.raises(ValueError, match=r"unknown connector 'probabilty'; did you mean "
                                         r"'probability'\?"):
        build_network(bad, dict(run.seeds))
    empty = connectors.Candidates(None, np.empty(0, np.int64), np.empty(0, np.int64),
                                  np.empty(0, np.int64), 0, ())
    with pytest.raises(ValueError, match="unknown connector 'ring'"):
        connectors.connect("ring", 1.0, empty)  # even with no cells to connect
