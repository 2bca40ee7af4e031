"""The harness's comparison of the OutputFile columns other than v (gate variables, current
and conductance densities, a synapse's conductance and block factor, an abstract cell's
state), without NEURON or Java. neuroloom's runs of the examples that name such columns
(Ex5, Ex6, Ex9, Ex15, Ex24...) are checked against jNeuroML's stored figures, every column, by
tests/acceptance/test_neuroml_conformance.py."""

import pytest

from helpers import bench_module, neuroml_reference_as_run as as_run

harness = bench_module("neuroml_conformance")



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
    assert verdict["verdict"] == "differs" and "1 columns not recorded" in verdict["why"]


def test_a_last_sample_a_rounding_short_of_the_references_is_compared():
    """neuroloom's t sums dt: a 700 ms run ends at 699.99999999 ms, still the 700 ms sample."""
    reference = harness.load_reference("Ex6_NMDA")
    got = as_run(reference)
    for trace in got["traces"].values():
        trace["t"] = [t - 1e-8 * t / trace["t"][-1] for t in trace["t"]]
    verdict = harness.compare(reference, got)
    assert all(e["missing_samples"] == 0 for e in verdict["traces"].values())
    assert verdict["verdict"] == "same"
