"""The table of plots is the one source of sim.analysis's plot functions, of the validation
of simConfig.analysis and of run_plot's dispatch (no NEURON)."""
import inspect

import pytest

from helpers import tutorial_specs
from neuroloom import sim
from neuroloom.errors import SpecError
from neuroloom.sim import plots, state
from neuroloom.sim.plots import DRAW, PLOTS, run_plot
from neuroloom.sim.session import Session
from neuroloom.validate import validate
from neuroloom.validate.plots import PLOTS as VALIDATED_PLOTS
from neuroloom.validate.types import Plot

#: options a plot cannot do without in this spec
REQUIRED = {"plotRxDConcentration": {"speciesLabel": "ca", "regionLabel": "cyt"},
            "plotfI": {"amps": [0.1], "times": [100], "dur": 500}}


@pytest.fixture
def tut2():
    net, cfg = tutorial_specs("tut2")
    net.rxdParams["regions"] = {"cyt": {"cells": "all", "secs": "all", "nrn_region": "i"}}
    net.rxdParams["species"] = {"ca": {"regions": ["cyt"], "initial": 1e-4}}
    return net, cfg


def analysis_problems(net, cfg):
    with pytest.raises(SpecError) as info:
        validate(net, cfg)
    return [str(p) for p in info.value.problems]


def test_validation_and_sim_read_the_same_table():
    assert PLOTS is VALIDATED_PLOTS
    assert set(DRAW) == set(PLOTS)
    assert set(sim.analysis.__all__) == {*PLOTS, "plotData", "popAvgRates", "calculatefI"}


@pytest.mark.parametrize("name", list(PLOTS))
def test_every_plot_has_its_function_and_is_accepted_by_validation(tut2, name):
    entry = PLOTS[name]
    function = getattr(sim.analysis, name)
    assert function.__name__ == name and function.__module__ == "neuroloom.sim.analysis"
    assert function.__doc__.startswith(entry.description)
    parameters = list(inspect.signature(function).parameters.values())
    assert [p.name for p in parameters] == [*entry.arguments, "options"]
    assert parameters[-1].kind is inspect.Parameter.VAR_KEYWORD
    net, cfg = tut2
    cfg.analysis = {name: dict(REQUIRED.get(name, {}))}
    _, _, output = validate(net, cfg)
    (validated, options), = output.analysis
    assert validated == name and dict(options).keys() == entry.options.keys()


def test_a_name_not_in_the_table_is_refused_everywhere(tut2):
    net, cfg = tut2
    cfg.analysis = {"plotRastr": {}, "plotShapes": {}, "granger": {}}
    found = analysis_problems(net, cfg)
    assert found == ["analysis['plotRastr']: unknown analysis function 'plotRastr'; did you "
                     "mean 'plotRaster'?",
                     "analysis['plotShapes']: unknown analysis function 'plotShapes'; did you "
                     "mean 'plotShape'?",
                     "analysis['granger']: 'granger' is not supported yet (not supported)"]
    # run_plot draws nothing for it (once, any other name drew plotShape): it stops first
    with pytest.raises(SpecError, match=r"analysis\['plotShapes'\]: unknown analysis "
                                        r"function 'plotShapes'; did you mean 'plotShape'\?"):
        run_plot(object(), "plotShapes", {"saveFig": True})
    with pytest.raises(AttributeError):
        sim.analysis.plotShapes


def test_an_entry_added_to_the_table_is_a_function_validated_and_drawn(tut2, monkeypatch,
                                                                       tmp_path):
    drawn = []

    def draw(session, options):
        drawn.append(options)
        return "figure", {"colour": options["colour"]}

    monkeypatch.setitem(PLOTS, "plotTest", Plot(
        "A test-only plot.", {"colour": "red", "include": ("allCells",), "saveFig": False},
        choices={"colour": ("red", "blue")}, needs_run=False))
    monkeypatch.setitem(DRAW, "plotTest", draw)
    net, cfg = tut2
    # validation: its options, their choices, its include, its defaults
    cfg.analysis = {"plotTest": {"colour": "bleu", "include": ["MM"], "colr": 3}}
    # an unknown population draws nothing, as in NetPyNE, but is never silent
    with pytest.warns(UserWarning, match=r"analysis\['plotTest'\]\.include\[0\]: the network "
                                         r"has no population 'MM' \(did you mean 'M'\?\)"):
        assert analysis_problems(net, cfg) == [
            "analysis['plotTest'].colr: unknown key 'colr'; did you mean 'colour'?",
            "analysis['plotTest'].colour: unknown colour 'bleu'; did you mean 'blue'?"]
    cfg.analysis = {"plotTest": {"colour": "blue"}}
    cfg.saveFolder = str(tmp_path)
    session = Session(net, cfg, echo=None)
    session.initialize()
    assert dict(dict(session.output.analysis)["plotTest"]) == {
        "colour": "blue", "include": ("allCells",), "saveFig": False}
    session.create_pops()
    # simConfig.analysis draws it
    assert session.plot_data() == [] and drawn[-1]["colour"] == "blue"
    # and sim.analysis has its function, checked the same way
    state.replace(session)
    try:
        function = sim.analysis.plotTest
        assert function.__doc__.startswith("A test-only plot.")
        assert function() == ("figure", {"colour": "red"})
        assert drawn[-1]["include"] == ("allCells",)
        with pytest.raises(SpecError, match=r"analysis\['plotTest'\]\.colour: unknown "
                                            r"colour 'green'"):
            function(colour="green")
    finally:
        state.replace(None)
    monkeypatch.undo()
    with pytest.raises(AttributeError):
        sim.analysis.plotTest
    assert "plotTest" not in plots.PLOTS
