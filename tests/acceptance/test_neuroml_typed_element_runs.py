"""Ex18_GHK (a <concentrationModel type=...> pool, channelDensityGHK) and Ex11_STDP (an
stdpSynapse) run on neuroloom as on jNeuroML's NEURON export (issue 18, item 1).

neuroloom's side runs as the conformance harness runs it (bench/neuroml_conformance.py: a
fresh copy of the corpus, import and run in its own process) and is compared with the figures
the harness stored from jNeuroML's NEURON export in tests/data/neuroml_reference/.
"""

import pytest

from helpers import bench_module

harness = bench_module("neuroml_conformance")

pytestmark = [pytest.mark.java, pytest.mark.slow]

# Ex18's v away from spike upstrokes: 0.0100 mV measured (spikes 0.009 ms apart). The rest is
# NEURON's hh: neuroloom runs Ex18's na/k/leak channels (hh's rates with q10 3 at 6.3 degC)
# as NEURON's hh, which takes its rates from a 1 mV table and its conductance from the gates
# after the step, where jNeuroML's generated mods use the gates before it. Measured in
# jNeuroML's own script: hh in place of the three mods moves v by 0.024 mV (0.013 mV without
# the table). Without the GHK channel (before issue 18) the difference was 0.225 mV.
EX18_TRACE_TOLERANCE_MV = 0.015


def run(name, tmp_path):
    reference = harness.load_reference(name)
    got = harness.run_neuroloom_side(name, tmp_path, round_trip=False)
    assert got["ok"], f"{name}: {got.get('error')}"
    return reference, harness.compare(reference, got)


def test_ex11_stdp_synapse_gives_jneuromls_spikes(tmp_path):
    reference, verdict = run("Ex11_STDP", tmp_path)
    spikes = verdict["spikes"]
    assert spikes["new"] == spikes["ref"] == reference["spikes"]["count"] == 24, spikes
    assert spikes["identical_0.1ms"], spikes


def test_ex18_ghk_gives_jneuromls_spikes_and_voltage(tmp_path):
    reference, verdict = run("Ex18_GHK", tmp_path)
    spikes = verdict["spikes"]
    assert spikes["new"] == spikes["ref"] == reference["spikes"]["count"] == 2, spikes
    assert spikes["identical_0.1ms"] and spikes["max_dt_ms"] < 0.02, spikes
    entry = verdict["traces"]["pop/0/na_k_ca/v"]
    assert not entry.get("missing")
    assert entry["max_diff_away"] <= EX18_TRACE_TOLERANCE_MV, entry
