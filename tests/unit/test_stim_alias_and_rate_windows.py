"""Two NetPyNE forms evolCell uses: an IClamp's 'delay' (NEURON's Python name for 'del')
and printPopAvgRates as a time window."""
import pytest

from helpers import tutorial_specs
from neuroloom.errors import SpecError
from neuroloom.validate import validate


def iclamp_net(**params):
    net, cfg = tutorial_specs("tut2")
    net.stimSourceParams["ic"] = {"type": "IClamp", "dur": 100, "amp": 0.2, **params}
    net.stimTargetParams["ic->S"] = {"source": "ic", "sec": "soma", "loc": 0.5,
                                     "conds": {"pop": "S"}}
    return net, cfg


def source_params(net_spec, label):
    source, = [s.source for s in net_spec.stim_sources if s.source.label == label]
    return dict(source.params)


def test_an_iclamp_delay_is_its_del():
    net, cfg = iclamp_net(delay=250)
    net_spec, _, _ = validate(net, cfg)
    assert source_params(net_spec, "ic") == {"del": 250.0, "dur": 100.0, "amp": 0.2}


def test_delay_and_del_together_are_an_error_and_a_netstim_has_no_delay():
    net, cfg = iclamp_net(delay=250, **{"del": 10})
    with pytest.raises(SpecError, match=r"stimSourceParams\['ic'\]\.delay: 'delay' is "
                                        r"another name of 'del'"):
        validate(net, cfg)
    net, cfg = tutorial_specs("tut2")
    net.stimSourceParams["bkg"]["delay"] = 5
    with pytest.raises(SpecError, match=r"stimSourceParams\['bkg'\]\.delay: unknown key"):
        validate(net, cfg)


@pytest.mark.parametrize("value, windows", [
    (False, ()), (True, ((0.0, None),)), ([500, 1000], ((500.0, 1000.0),)),
    ([[0, 100], (100, 300.5)], ((0.0, 100.0), (100.0, 300.5)))])
def test_print_pop_avg_rates_takes_netpynes_windows(value, windows):
    net, cfg = tutorial_specs("tut2")
    cfg.printPopAvgRates = value
    _, _, output = validate(net, cfg)
    assert output.print_pop_avg_rates == windows


@pytest.mark.parametrize("value, message", [
    ([500], r"printPopAvgRates: must be True, False, \[start, stop\]"),
    ([300, 100], r"printPopAvgRates: must end after it starts"),
    ([[0, 100], [0, "end"]], r"printPopAvgRates\[1\]\[1\]: must be a number"),
])
def test_bad_windows_are_errors_with_their_path(value, message):
    net, cfg = tutorial_specs("tut2")
    cfg.printPopAvgRates = value
    with pytest.raises(SpecError, match=message):
        validate(net, cfg)
