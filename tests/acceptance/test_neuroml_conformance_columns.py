"""The OutputFile columns other than v (gate variables, current and conductance densities, a
synapse's conductance and block factor, an abstract cell's state) of the corpus examples that
name them, recorded by neuroloom as the conformance harness (bench/neuroml_conformance.py)
runs it, against the figures it stored from jNeuroML (tests/data/neuroml_reference/): every
such column recorded, within ``RELATIVE_TOLERANCE`` of the reference's range at its stored
samples; and the harness's comparison of them (without NEURON or Java)."""
import copy
import importlib.util
import sys

import pytest

from helpers import ROOT

_SPEC = importlib.util.spec_from_file_location("neuroml_conformance_columns_harness",
                                               ROOT / "bench" / "neuroml_conformance.py")
harness = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = harness
_SPEC.loader.exec_module(harness)

# measured: at most 6.5e-7 of the range (the stored reference's single-precision values);
# Ex15 (700001 samples a column, 35 s) is left to the harness's own runs
EXAMPLES = {"Ex5_DetCell": 3, "Ex6_NMDA": 2, "Ex9_FN": 2, "Ex24_FractionalConductance": 1}
RELATIVE_TOLERANCE = 1e-5


@pytest.mark.java
@pytest.mark.slow
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_neuroloom_gives_the_references_other_columns(name, tmp_path):
    reference = harness.load_reference(name)
    got = harness.run_neuroloom_side(name, tmp_path, round_trip=False)
    assert got["ok"], f"{name}: {got.get('error')}"
    assert got["refused"] == [] and got["not_recorded"] == []
    verdict = harness.compare(reference, got)
    others = {q: e for q, e in verdict["traces"].items() if not q.endswith("/v")}
    assert len(others) == EXAMPLES[name]
    for quantity, entry in others.items():
        assert not entry.get("missing"), f"{name}: {quantity} not recorded"
        assert entry["missing_samples"] == 0 and entry["units"] == "SI"
        assert entry["relative"] <= RELATIVE_TOLERANCE, f"{name} {quantity}: {entry}"
    assert verdict["verdict"] == "same", verdict["why"]


def as_run(reference: dict) -> dict:
    """A neuroloom record made of the stored figures themselves."""
    traces = {q: {"t": tr["t_ms"], "y": [v * 1000.0 if q.endswith("/v") else v
                                         for v in tr["values"]]}
              for q, tr in reference["traces"].items()}
    return {"ok": True, "spikes": copy.deepcopy(reference["spikes"]["times"]),
            "traces": traces}


def test_other_columns_are_compared_relative_to_their_range():
    reference = harness.load_reference("Ex6_NMDA")
    verdict = harness.compare(reference, as_run(reference))
    g = verdict["traces"]["pasPop1[0]/synapses:nmdaSyn1:0/g"]
    assert g["units"] == "SI" and g["relative"] == pytest.approx(0.0, abs=1e-12)
    assert verdict["verdict"] == "same"
    got = as_run(reference)
    got["traces"]["pasPop1[0]/synapses:nmdaSyn1:0/g"]["y"] = [
        v * 1.01 for v in got["traces"]["pasPop1[0]/synapses:nmdaSyn1:0/g"]["y"]]
    verdict = harness.compare(reference, got)
    assert verdict["traces"]["pasPop1[0]/synapses:nmdaSyn1:0/g"]["relative"] \
        == pytest.approx(0.01, rel=1e-3)
    assert verdict["verdict"] == "differs" and "other columns" in verdict["why"]
    # the page's mV figure is the v column's, not mixed with siemens
    assert verdict["max_trace_diff"] == pytest.approx(0.0, abs=1e-9)


def test_a_missing_other_column_is_not_counted_as_a_match():
    reference = harness.load_reference("Ex5_DetCell")
    got = as_run(reference)
    del got["traces"]["hhpop[0]/bioPhys1/membraneProperties/kChans/kChan/n/q"]
    verdict = harness.compare(reference, got)
    assert verdict["traces"]["hhpop[0]/bioPhys1/membraneProperties/kChans/kChan/n/q"] == {
        "missing": True}
