"""SONATA inputs read as BMTK 1.2.0 reads them (no NEURON): current clamps on BMTK's
implicit node set `all` act on the cells with sections only, several pulses, the clamp's
place, voltage clamps checked key by key; an input's missing file, unknown module or bad
value is an error naming the config key and the path."""
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from helpers import writable_copy
from neuroloom.errors import FormatError
from neuroloom.importers import sonata

EXAMPLES = Path("/work/shared/sonata-examples")



@pytest.fixture
def nine(tmp_path):
    """9_cells: 9 biophysical cortex cells and two virtual populations."""
    folder = writable_copy(EXAMPLES / "9_cells", tmp_path / "9_cells")
    (tmp_path / "shared_components").symlink_to(EXAMPLES / "shared_components")
    return folder


@pytest.fixture
def intfire(tmp_path):
    """300_intfire: IntFire1 point cells and virtual inputs."""
    folder = writable_copy(EXAMPLES / "300_intfire", tmp_path / "300_intfire")
    (tmp_path / "shared_components").symlink_to(EXAMPLES / "shared_components")
    return folder


def with_inputs(folder, **inputs):
    path = folder / "simulation_config.json"
    config = json.loads(path.read_text())
    config["inputs"].update(inputs)
    path.write_text(json.dumps(config))
    return folder / "config.json"


CLAMP = {"input_type": "current_clamp", "module": "IClamp", "node_set": "all",
         "amp": 0.2, "delay": 100.0, "duration": 200.0}


def test_a_clamp_on_all_acts_on_the_cells_not_the_virtual_nodes(nine):
    # build_env_bionet writes node_set "all" and the gids BMTK ignores
    model = sonata.load(with_inputs(nine, current_clamp={**CLAMP, "gids": "all"}))
    net = model.network
    stims = net.stims
    assert len(net.cells.x) == 29  # 9 cortex + 10 + 10 virtual
    assert stims.gid.tolist() == list(range(9))
    assert {net.section_names[s] for s in stims.sec.tolist()} == {"soma_0"}
    assert stims.loc.tolist() == [0.5] * 9
    assert [(s.label, s.type, dict(s.params)) for s in net.stim_sources] == [
        ("current_clamp", "IClamp", {"amp": 0.2, "del": 100.0, "dur": 200.0})]


def test_the_gids_key_is_ignored_with_a_warning(nine):
    with pytest.warns(UserWarning, match=r"inputs\['current_clamp'\]\.gids: \[0\] is ignored"):
        model = sonata.load(with_inputs(nine, current_clamp={**CLAMP, "gids": [0]}))
    assert model.network.stims.gid.tolist() == list(range(9))


def test_several_pulses_are_one_iclamp_each(nine):
    pulses = {**CLAMP, "node_set": "biophys_cells", "amp": [0.1, 0.3], "delay": [10.0, 60.0],
              "duration": [20.0, 5.0]}
    net = sonata.load(with_inputs(nine, pulses=pulses)).network
    assert [dict(s.params) for s in net.stim_sources] == [
        {"amp": 0.1, "del": 10.0, "dur": 20.0}, {"amp": 0.3, "del": 60.0, "dur": 5.0}]
    assert [s.label for s in net.stim_sources] == ["pulses[0]", "pulses[1]"]
    assert np.bincount(net.stims.source).tolist() == [9, 9]
    assert set(net.stims.rule.tolist()) == {0} and net.stim_rules == ("pulses",)


def test_the_clamp_goes_where_section_name_index_and_dist_say(nine):
    placed = {**CLAMP, "section_name": "dend", "section_index": 3, "section_dist": 0.25}
    net = sonata.load(with_inputs(nine, current_clamp=placed)).network
    assert {net.section_names[s] for s in net.stims.sec.tolist()} == {"dend_3"}
    assert net.stims.loc.tolist() == [0.25] * 9
    with pytest.raises(FormatError, match=r"inputs\['current_clamp'\]\.section_name: cell 0 "
                                          r"\('.*'\) has no section dendrite\[0\]"):
        sonata.load(with_inputs(nine, current_clamp={**CLAMP, "section_name": "dendrite"}))
    with pytest.raises(FormatError, match=r"\.section_index: a distance range"):
        sonata.load(with_inputs(nine, current_clamp={**CLAMP, "section_index": [50, 100]}))


def test_a_clamp_on_point_cells_is_an_error_naming_the_cell(intfire):
    with pytest.raises(FormatError, match=r"inputs\['current_clamp'\]\.node_set: 'all' holds "
                                          r"point cell 0 .*BMTK 1.2.0 fails on point cells"):
        sonata.load(with_inputs(intfire, current_clamp=CLAMP))


def test_a_clamp_on_virtual_nodes_only_warns_that_it_acts_on_none(intfire):
    with pytest.warns(UserWarning, match=r"holds no cell the current clamp can act on"):
        model = sonata.load(with_inputs(intfire, current_clamp={**CLAMP, "node_set": "lgn"}))
    assert len(model.network.stims.gid) == 0


@pytest.mark.parametrize("change, message", [
    ({"amp": "0.2"}, r"inputs\['current_clamp'\]\.amp: '0.2' is not a number"),
    ({"delay": -1.0}, r"inputs\['current_clamp'\]\.delay: -1.0 is negative"),
    ({"amp": [0.1, 0.2]}, r"inputs\['current_clamp'\]\.amp: 2 values where the other"
                          + r" parameters have 1"),
    ({"module": "IClmap"}, r"inputs\['current_clamp'\]\.module: unknown input module"
                           + r" 'IClmap' \(did you mean 'IClamp'"),
    ({"module": "xstim"}, r"inputs\['current_clamp'\]\.module: BMTK's module 'xstim' is"
                          + r" not supported"),
    ({"input_type": "csv"}, r"inputs\['current_clamp'\]\.input_type: 'csv'"),
    ({"section_dist": 1.5}, r"\.section_dist: 1.5 is not a position"),
])
def test_bad_clamp_values_name_the_key(nine, change, message):
    with pytest.raises(FormatError, match=message):
        sonata.load(with_inputs(nine, current_clamp={**CLAMP, **change}))


def test_a_missing_clamp_parameter_is_named(nine):
    clamp = dict(CLAMP)
    del clamp["duration"]
    with pytest.raises(FormatError, match=r"inputs\['current_clamp'\]: a current clamp needs "
                                          r"duration"):
        sonata.load(with_inputs(nine, current_clamp=clamp))


def test_spike_inputs_name_key_and_path(intfire):
    lgn = intfire / "inputs" / "lgn_spikes.h5"
    lgn.unlink()
    with pytest.raises(FormatError) as error:
        sonata.load(intfire / "config.json")
    assert f"inputs['LGN_spikes'].input_file: {lgn}: file not found" in str(error.value)
    lgn.write_bytes(b"not hdf5")
    with pytest.raises(FormatError, match=r"inputs\['LGN_spikes'\]\.input_file: .*lgn_spikes"):
        sonata.load(intfire / "config.json")
    shutil.copyfile(EXAMPLES / "300_intfire" / "inputs" / "lgn_spikes.h5", lgn)
    config = json.loads((intfire / "simulation_config.json").read_text())
    config["inputs"]["LGN_spikes"]["module"] = "sonta"
    (intfire / "simulation_config.json").write_text(json.dumps(config))
    with pytest.raises(FormatError, match=r"inputs\['LGN_spikes'\]\.module: unknown spike input "
                                          r"module 'sonta' \(did you mean 'sonata'"):
        sonata.load(intfire / "config.json")
    config["inputs"]["LGN_spikes"]["module"] = "csv"
    (intfire / "simulation_config.json").write_text(json.dumps(config))
    with pytest.raises(FormatError, match=r"\.module: spike input module 'csv' is not "
                                          r"supported"):
        sonata.load(intfire / "config.json")


SECLAMP = {"input_type": "voltage_clamp", "module": "SEClamp", "node_set": "biophys_cells",
           "amp": -40.0, "delay": 100.0, "duration": 100.0}


@pytest.mark.parametrize("change, message", [
    ({"delay": None}, r"inputs\['seclamp'\]\.delay: missing"),
    ({"amp": "x"}, r"inputs\['seclamp'\]\.amp: 'x' is not a number"),
    ({"resistance": 0}, r"inputs\['seclamp'\]\.resistance: 0.0 is out of range"),
    ({"section_name": "apical"}, r"inputs\['seclamp'\]\.section_name: .*no section apical"),
    ({"node_set": "all"}, r"inputs\['seclamp'\]\.node_set: 'all' holds virtual node"),
])
def test_voltage_clamp_keys_are_checked(nine, change, message):
    clamp = {k: v for k, v in {**SECLAMP, **change}.items() if v is not None}
    with pytest.raises(FormatError, match=message):
        sonata.load(with_inputs(nine, seclamp=clamp))


def test_voltage_clamp_of_build_env_bionet_is_refused_as_bmtk_fails_on_it(nine):
    written = {"input_type": "voltage_clamp", "module": "SEClamp", "node_set": "all",
               "amps": [[0.0, -40.0, 0.0]], "durations": [[50.0, 100.0, 50.0]]}
    with pytest.raises(FormatError, match=r"amps/durations .* KeyError 'delay'"):
        sonata.load(with_inputs(nine, seclamp=written))


def test_voltage_clamp_keeps_the_last_cell_as_bmtk_with_its_resistance_schedule(nine):
    """BMTK 1.2.0 keeps one SEClamp (the last it makes) and switches its resistance after
    each step: 1 MOhm on step 0, open (1e21) until the step after delay, then 'resistance'
    (BMTK's default 1) up to delay + duration."""
    with pytest.warns(UserWarning, match=r"only cell \d+ of node_set 'biophys_cells' is "
                                         r"clamped"):
        model = sonata.load(with_inputs(nine, seclamp=SECLAMP))
    net = model.network
    rows = [i for i, s in enumerate(net.stim_sources) if s.type == "SEClamp"]
    assert len(rows) == 1
    stims = net.stims
    mine = np.flatnonzero(stims.source == rows[0])
    assert len(mine) == 1 and net.section_names[stims.sec[mine[0]]].startswith("soma")
    params = dict(net.stim_sources[rows[0]].params)
    assert (params["dur1"], params["amp1"], params["dur2"], params["amp2"], params["dur3"]) \
        == (100.0, 0.0, 100.0, -40.0, 0.0)
    dt = 0.1  # 9_cells' run
    times, values = zip(*params["rs"])
    assert values == (1.0, 1e21, 1.0, 1e21)
    assert np.allclose(times, [0.0, 0.75 * dt, 1000.75 * dt, 2001.75 * dt])
