"""NetPyNE's own examples behave on neuroloom as on NetPyNE 1.1.1 (issue 16).

The conformance harness (bench/netpyne_examples.py) runs the quick examples of the corpus
(../shared/netpyne-examples) on neuroloom with only their imports changed, and compares
with NetPyNE's figures stored in tests/data/netpyne_reference/ (NetPyNE is not installed
here) with the harness's own tolerances: the same cells, connections and spikes per
population within sampling noise, the very same spikes where NetPyNE's do not depend on
the seed, the same output files. One seed per example here (the harness itself runs
several); the noise of a single run is taken from NetPyNE's spread across its seeds.

The comparison's own tests (the second half) feed it stored figures, changed on purpose,
and need no NEURON.
"""
import copy

import pytest

from helpers import bench_module

harness = bench_module("netpyne_examples")

QUICK = [example for example in harness.EXAMPLES if example.quick]

# Quick examples that do not behave like NetPyNE yet, each with what stops it (issue 16).
# strict: when one starts to pass, the test fails until it is taken off this list.
NOT_YET: dict[str, str] = {}
# Quick examples that take more than about 5 s here (compiling mod files included).
SLOW = {"evolCell"}


def marks(example):
    found = []
    if example.name in NOT_YET:
        found.append(pytest.mark.xfail(reason=NOT_YET[example.name], strict=True))
    if example.name in SLOW:
        found.append(pytest.mark.slow)
    return found


@pytest.mark.parametrize("example", [pytest.param(ex, id=ex.name, marks=marks(ex))
                                     for ex in QUICK])
def test_quick_example_behaves_like_netpyne(example, tmp_path):
    reference = harness.load_reference(example.name)
    assert reference is not None, f"no stored NetPyNE figures for {example.name}"
    assert harness.ran(reference), f"NetPyNE does not run {example.name}"
    got = harness.run_side(example, "neuroloom", 1, tmp_path)
    verdict = harness.compare(reference, got)
    assert verdict.ok, f"{example.name}: {verdict.status}\n" + "\n".join(verdict.problems)


def test_every_entry_script_of_the_corpus_is_in_the_harness():
    assert harness.check_corpus() == []


def test_every_quick_example_has_netpyne_figures():
    for example in QUICK:
        reference = harness.load_reference(example.name)
        assert reference is not None and len(harness.ran(reference)) >= 2, example.name


# -- the comparison itself ---------------------------------------------------------------------
def stored(name="HybridTut"):
    """NetPyNE's stored record, and a neuroloom record made of its own runs (a copy)."""
    reference = harness.load_reference(name)
    return reference, copy.deepcopy(reference)


def test_netpyne_against_itself_is_the_same():
    for example in QUICK:
        reference, got = stored(example.name)
        verdict = harness.compare(reference, got)
        assert verdict.ok, (example.name, verdict.problems)


def test_one_cell_more_is_a_difference():
    reference, got = stored()
    for run in got["runs"]:
        pop = min(run["cells"])
        run["cells"][pop] += 1
    verdict = harness.compare(reference, got)
    assert verdict.status == "differs"
    assert any(p.startswith(f"cells of {pop}") for p in verdict.problems)


@pytest.mark.parametrize("factor, differs", [(1.0, False), (1.03, False), (1.5, True),
                                             (0.6, True)])
def test_connections_outside_binomial_noise_are_a_difference(factor, differs):
    reference, got = stored()
    for run in got["runs"]:
        run["conns"] = {k: round(v * factor) for k, v in run["conns"].items()}
    verdict = harness.compare(reference, got)
    assert any(p.startswith("connections") for p in verdict.problems) == differs


@pytest.mark.parametrize("factor, differs", [(1.0, False), (1.5, True), (0.5, True)])
def test_rates_outside_sampling_noise_are_a_difference(factor, differs):
    reference, got = stored()
    for run in got["runs"]:
        run["spikes"] = {k: round(v * factor) for k, v in run["spikes"].items()}
    verdict = harness.compare(reference, got)
    assert any(p.startswith("spikes") for p in verdict.problems) == differs


def test_one_neuroloom_run_is_compared_with_netpynes_spread():
    reference, got = stored()
    got["runs"] = got["runs"][:1]
    assert harness.compare(reference, got).ok
    got["runs"][0]["spikes"] = {k: 2 * v for k, v in got["runs"][0]["spikes"].items()}
    assert harness.compare(reference, got).status == "differs"


def test_a_deterministic_network_needs_the_same_spikes():
    reference, got = stored()
    for record in (reference, got):  # every seed gives seed 0's spikes: no randomness
        for run in record["runs"]:
            run["spike_digest"] = "same"
            run["spike_list"] = [[0, 1.0], [1, 2.5], [0, 7.25]]
    assert harness.compare(reference, got).ok
    got["runs"][0]["spike_list"] = [[0, 1.0], [1, 2.5], [0, 7.5]]
    verdict = harness.compare(reference, got)
    assert verdict.status == "differs"
    assert any(p.startswith("spikes not identical") for p in verdict.problems)


def test_a_missing_output_file_is_a_difference():
    reference, got = stored("saving")
    for run in reference["runs"]:
        run["files"] = sorted(set(run["files"]) | {"out_raster.png"})
    for run in got["runs"]:
        run["files"] = [f for f in run["files"] if f != "out_raster.png"]
        run["files"].append("out_spikes.h5")  # the documented SONATA spike file
    verdict = harness.compare(reference, got)
    assert verdict.problems == ["files NetPyNE writes and neuroloom does not: out_raster.png"]


def test_a_known_file_difference_is_a_note_not_a_difference():
    known = (harness.FileDifference(("out_data.pkl",), ("out.json",), "the reason"),)

    def records(netpyne_only=("out_data.pkl",), neuroloom_only=("out.json",)):
        reference, got = stored()
        for record, names in ((reference, netpyne_only), (got, neuroloom_only)):
            for run in record["runs"]:
                run["files"] = sorted(set(run["files"]) | set(names))
        return reference, got

    verdict = harness.compare(*records(), known=known)
    assert verdict.ok, verdict.problems
    assert ("known difference in files: NetPyNE writes out_data.pkl where neuroloom writes "
            "out.json: the reason") in verdict.notes
    # Only the names documented: another file is still a difference.
    verdict = harness.compare(*records(neuroloom_only=("out.json", "out.txt")), known=known)
    assert verdict.problems == ["files only neuroloom writes: out.txt"]
    # Only when the runs show it in full: neuroloom not writing out.json is a difference.
    verdict = harness.compare(*records(neuroloom_only=()), known=known)
    assert verdict.problems == ["files NetPyNE writes and neuroloom does not: out_data.pkl"]
    # Only for the example it is documented for (HybridTut has none).
    verdict = harness.compare(*records())
    assert verdict.status == "differs" and len(verdict.problems) == 2


def test_hhtut_documents_netpynes_raster_data_files():
    reference, got = stored("HHTut")
    pickles = {"HHTut_data.pkl", "HHTut_spike_data.pkl"}
    assert pickles <= set(reference["runs"][0]["files"])
    for run in got["runs"]:
        run["files"] = sorted((set(run["files"]) - pickles) | {"raster_data.json"})
    verdict = harness.compare(reference, got)
    assert verdict.ok, verdict.problems
    assert any(note.startswith("known difference in files: NetPyNE writes HHTut_data.pkl, "
                               "HHTut_spike_data.pkl where neuroloom writes raster_data.json")
               for note in verdict.notes)


def test_a_failing_example_is_reported_with_its_error():
    reference, got = stored()
    for run in got["runs"]:
        run.update(ran=False, cells=None, error="SpecError: - recordStim: not supported")
    verdict = harness.compare(reference, got)
    assert verdict.status == "fails on neuroloom"
    assert verdict.problems == ["neuroloom: SpecError: - recordStim: not supported"]


def test_only_the_import_lines_change():
    script = ("from netpyne import specs, sim  # the tutorial's\n"
              "from netpyne.batch import Batch\n"
              "import netpyne\n"
              "x = 'from netpyne import sim'\n"
              "    from netpyne.specs import netParams\n")
    assert harness.neuroloom_imports(script) == (
        "from neuroloom import specs, sim  # the tutorial's\n"
        "from neuroloom.batch import Batch\n"
        "import neuroloom as netpyne\n"
        "x = 'from netpyne import sim'\n"
        "    from neuroloom.specs import netParams\n")
