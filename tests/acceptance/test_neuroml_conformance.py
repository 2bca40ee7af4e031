"""The NeuroML2 specification's LEMS examples run on neuroloom as on jNeuroML (issue 18).

The conformance harness (bench/neuroml_conformance.py) runs every LEMS example of the corpus
(../shared/neuroml-examples) on jNeuroML and on neuroloom and writes
docs/neuroml-conformance.md. Here, neuroloom's side of the examples in ``RUNS_TODAY`` runs as
the harness runs it (a fresh copy of the corpus, sim.importNeuroML2 + run in its own process)
and must give the figures the harness stored from jNeuroML in tests/data/neuroml_reference/:
every cell's spike count, every spike within 0.1 ms, and the ``v`` columns the LEMS file
names within ``TRACE_TOLERANCE_MV`` away from spike upstrokes.

The comparison's own tests (the second half) feed it the stored figures, changed on purpose,
and need neither NEURON nor Java.
"""
import json

import pytest

from helpers import bench_module, neuroml_reference_as_run as as_run

harness = bench_module("neuroml_conformance")

# The examples neuroloom runs today as the reference does (docs/neuroml-conformance.md,
# verdict "same"). Add an example here when a fix makes it pass.
RUNS_TODAY = ("Ex1_HH", "Ex3_Net", "Ex4a_KS", "Ex5_DetCell", "Ex10_Q10", "Ex12_Net2",
              "Ex13_Instances", "Ex19_GapJunctions", "Ex19a_GapJunctionInstances",
              "Ex24_FractionalConductance", "Ex15_CaDynamics", "Ex4_KS", "Ex6_NMDA",
              "Ex7_STP", "Ex0_IaF", "Ex9_FN", "Ex11_STDP", "Ex20_AnalogSynapses",
              "Ex20a_AnalogSynapsesHH", "Ex21_CurrentBasedSynapses", "Ex26_Weights",
              "Ex27_MultiSynapses", "morphologies-m_in_b_in", "morphologies-m_in_b_out",
              "morphologies-m_out_b_in", "morphologies-m_out_b_out",
              "morphologies-pyrfull_in", "morphologies-pyrfull_out",
              "regression-tests-Ex5_DetCell_unformatted")
# neuroloom's process takes 1.1-2.5 s on each once jNeuroML's code for it is cached, 8-24 s
# on a fresh machine (jNeuroML and nrnivmodl): slow are those above 10 s without the cache.
SLOW = {"Ex3_Net", "Ex4a_KS", "Ex5_DetCell", "Ex10_Q10", "Ex12_Net2",
        "Ex24_FractionalConductance", "Ex15_CaDynamics", "Ex4_KS", "Ex6_NMDA", "Ex7_STP",
        "Ex0_IaF", "Ex11_STDP", "Ex20_AnalogSynapses", "Ex20a_AnalogSynapsesHH",
        "Ex26_Weights", "Ex27_MultiSynapses", "morphologies-m_in_b_in",
        "morphologies-m_in_b_out", "morphologies-m_out_b_in", "morphologies-m_out_b_out",
        "morphologies-pyrfull_in", "morphologies-pyrfull_out"}
# v away from spike upstrokes: the largest |difference| measured among RUNS_TODAY is
# 0.006 mV (Ex12_Net2; Ex3_Net 0.005, the others below 1e-4 mV, every sample compared by
# the harness); issue 18's target, 0.01 mV, is the tolerance.
TRACE_TOLERANCE_MV = 0.01
# other columns, of the reference's range at its stored samples: measured at most 6.5e-7
# (the stored figures are single precision)
RELATIVE_TOLERANCE = 1e-5


# Examples whose NEURON built-ins (Exp2Syn, hh) differ from jNeuroML's mechanisms by more
# than the target (docs/neuroml-differences.md): with sim.importNeuroML2(mechanisms=
# 'jneuroml') they must be "same" on every column, and by default use the built-ins.
SAME_WITH_JNEUROML_MECHANISMS = ("Ex25_MultiComp", "Ex18_GHK")


def marks(name):
    return [pytest.mark.java, *([pytest.mark.slow] if name in SLOW else [])]


@pytest.mark.parametrize("name", [pytest.param(n, id=n, marks=marks(n)) for n in RUNS_TODAY])
def test_neuroloom_gives_the_reference_figures(name, tmp_path):
    reference = harness.load_reference(name)
    assert reference is not None and reference["reference"], f"no stored figures for {name}"
    got = harness.run_neuroloom_side(name, tmp_path, round_trip=False)
    assert got["ok"], f"{name}: {got.get('error')}"
    verdict = harness.compare(reference, got)
    spikes = verdict["spikes"]
    if not spikes.get("not_recorded"):  # Ex9's cells have no spike port: traces only
        assert spikes["new"] == spikes["ref"] == reference["spikes"]["count"], spikes
        assert spikes["identical_0.1ms"], spikes
    assert got["refused"] == [], got["refused"]
    for quantity, entry in verdict["traces"].items():
        assert not entry.get("missing"), f"{name}: {quantity} not recorded"
        if quantity.endswith("/v"):
            assert entry["max_diff_away"] <= TRACE_TOLERANCE_MV, f"{name} {quantity}: {entry}"
        else:  # gates, densities, synapse and abstract-cell variables, in SI
            assert entry["missing_samples"] == 0 and entry["units"] == "SI", entry
            assert entry["relative"] <= RELATIVE_TOLERANCE, f"{name} {quantity}: {entry}"
    assert verdict["verdict"] == "same", verdict["why"]


@pytest.mark.parametrize("name", [pytest.param(n, id=n, marks=[pytest.mark.java,
                                                                 pytest.mark.slow])
                                  for n in SAME_WITH_JNEUROML_MECHANISMS])
def test_jneuromls_mechanisms_give_the_reference_figures(name, tmp_path):
    reference = harness.load_reference(name)
    default = harness.run_neuroloom_side(name, tmp_path / "neuron", round_trip=False)
    switched = harness.run_neuroloom_side(name, tmp_path / "jneuroml", round_trip=False,
                                          mechanisms="jneuroml")
    assert default["ok"] and switched["ok"], (default.get("error"), switched.get("error"))
    assert default["builtins"] and not switched["builtins"], (default["builtins"],
                                                              switched["builtins"])
    verdict = harness.compare(reference, switched)
    assert verdict["verdict"] == "same", verdict["why"]
    assert verdict["max_trace_diff_away"] <= 1e-3, verdict["max_trace_diff_away"]


# -- the harness and its stored figures ------------------------------------------------------
def test_every_corpus_example_has_stored_figures():
    names = harness.examples()
    # the 31 LEMSexamples/LEMS_NML2_*.xml by number, then the 6 of morphologies/ and the 1 of
    # regression-tests/
    assert len(names) == 38
    assert names[:2] == ["Ex0_IaF", "Ex1_HH"] and names[30] == "Ex27_MultiSynapses"
    assert names[31:] == ["morphologies-m_in_b_in", "morphologies-m_in_b_out",
                          "morphologies-m_out_b_in", "morphologies-m_out_b_out",
                          "morphologies-pyrfull_in", "morphologies-pyrfull_out",
                          "regression-tests-Ex5_DetCell_unformatted"]
    assert harness.lems_file("morphologies-m_in_b_out") == "morphologies/LEMS_m_in_b_out.xml"
    for name in names:
        reference = harness.load_reference(name)
        assert reference is not None, name
        assert reference["example"] == name and reference["lems"] == harness.lems_file(name)


def test_the_ci_list_holds_examples_with_a_reference():
    for name in RUNS_TODAY:
        reference = harness.load_reference(name)
        assert reference["reference"] in ("neuron", "jlems"), name
        assert reference["spikes"]["count"] == sum(reference["spikes"]["per_cell"].values())


def test_stored_spikes_match_their_digest():
    for name in harness.examples():
        reference = harness.load_reference(name)
        if not reference["reference"] or "times" not in reference["spikes"]:
            continue
        times = reference["spikes"]["times"]
        assert harness.spikes_digest(times) == reference["spikes"]["digest"], name
        assert sum(map(len, times.values())) == reference["spikes"]["count"], name




def test_the_reference_against_itself_is_the_same():
    reference = harness.load_reference("Ex1_HH")
    verdict = harness.compare(reference, as_run(reference))
    assert verdict["verdict"] == "same"
    assert verdict["max_trace_diff"] == pytest.approx(0.0, abs=1e-9)


def test_a_moved_spike_is_a_difference():
    reference = harness.load_reference("Ex1_HH")
    got = as_run(reference)
    cell = next(c for c, ts in got["spikes"].items() if ts)
    got["spikes"][cell][0] += 0.15
    verdict = harness.compare(reference, got)
    assert verdict["verdict"] == "differs"
    assert verdict["spikes"]["matched_0.1ms"] == verdict["spikes"]["ref"] - 1
    got["spikes"][cell][0] -= 0.1  # now 0.05 ms off: within the tolerance
    assert harness.compare(reference, got)["verdict"] == "same"


def test_a_missing_spike_and_a_shifted_trace_are_differences():
    reference = harness.load_reference("Ex1_HH")
    got = as_run(reference)
    cell = next(c for c, ts in got["spikes"].items() if ts)
    got["spikes"][cell].pop()
    quantity = next(iter(got["traces"]))
    got["traces"][quantity]["y"] = [v + 0.5 for v in got["traces"][quantity]["y"]]
    verdict = harness.compare(reference, got)
    assert verdict["verdict"] == "differs"
    assert verdict["spikes"]["cells_with_count_difference"] == 1
    assert verdict["traces"][quantity]["max_diff_away"] == pytest.approx(0.5)


def test_poisson_counts_are_compared_statistically():
    ref = {"pop[0]": [float(t) for t in range(100)]}
    close = {"pop[0]": [float(t) + 0.5 for t in range(110)]}
    far = {"pop[0]": [float(t) for t in range(160)]}
    assert harness.compare_spikes(ref, close, statistical=True)["poisson_ok"]
    assert not harness.compare_spikes(ref, far, statistical=True)["poisson_ok"]


def test_cells_the_reference_cannot_record_are_left_out():
    # Ex14's HH_cond_exp has no `spike` port, so jLEMS records none of its spikes
    reference = harness.load_reference("Ex1_HH")
    got = as_run(reference)
    got["spikes"]["portless[0]"] = [5.0, 10.0]
    assert harness.compare(reference, got)["verdict"] == "differs"
    reference = {**reference, "no_spike_port": ["portless"]}
    assert harness.compare(reference, got)["verdict"] == "same"


def test_a_failed_run_is_named_with_its_error():
    reference = harness.load_reference("Ex1_HH")
    verdict = harness.compare(reference, {"ok": False, "error": "FormatError: x"})
    assert verdict == {"verdict": "neuroloom fails", "error": "FormatError: x"}


def test_a_refusal_where_jneuromls_neuron_export_fails_too_is_a_refusal():
    """Issue 18 allows refusing what jNeuroML's NEURON export cannot run (the reference is
    then jLEMS): Ex8_AdEx (its export refuses refract = 0), not Ex1_HH (it runs)."""
    got = {"ok": False, "error": "FormatError: <adExIaFCell id=\"adExBurst2\">: refract = 0"}
    verdict = harness.compare(harness.load_reference("Ex8_AdEx"), got)
    assert verdict["verdict"] == "refused"
    assert verdict["why"] == "jNeuroML's NEURON export fails too"
    assert harness.compare(harness.load_reference("Ex8_AdEx"),
                           {"ok": False, "error": "KeyError: 'x'"})["verdict"] == \
        "neuroloom fails"


def test_the_page_names_every_example():
    text = harness.REPORT.read_text()
    for name in harness.examples():
        assert f"[{name}](#{name.lower()})" in text and f"### {name}" in text


def test_stored_figures_are_small_json():
    for name in harness.examples():
        path = harness.reference_path(name)
        assert path.stat().st_size < 400_000, path.name
        json.loads(path.read_text())


def test_an_explicit_input_of_a_poisson_synapse_makes_a_model_random():
    # Ex23's poissonFiringSynapses reach the cells by <explicitInput input=...>
    info = harness.describe(harness.corpus() / "LEMSexamples" /
                            harness.lems_file("Ex23_Spiketimes"))
    assert info["random"] and harness.load_reference("Ex23_Spiketimes")["random"]
    assert not harness.describe(harness.corpus() / "LEMSexamples" /
                                harness.lems_file("Ex1_HH"))["random"]
