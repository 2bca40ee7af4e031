"""Batch analysis: a batch folder (written here as Batch.run writes it) read into a table,
gridded and drawn as a heatmap. No NEURON and no simulation needed."""
import json
import math

import numpy as np
import pytest

from neuroloom.batch import BatchTableError, UnknownColumnError, load
from neuroloom.errors import FormatError


def rates(a, b):
    """Made-up results, different for every pair, so a swapped axis shows."""
    return {"S": 10.0 * a, "M": 100.0 * b + a}


def write_batch(folder, label, params, runs, trials=None, method="grid"):
    """``runs``: {run label: (cfg values, simData or None for an unfinished run)}."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{label}_batch.json").write_text(json.dumps(
        {"params": params, "batchLabel": label, "method": method}))
    for run, (values, sim_data) in runs.items():
        cfg = {"duration": 1000.0, "saveJson": True, "simLabel": run, **values}
        (folder / f"{run}_cfg.json").write_text(json.dumps({"simConfig": cfg}))
        if sim_data is not None:
            (folder / f"{run}.json").write_text(json.dumps(
                {"simConfig": cfg, "simData": sim_data, "net": {"pops": []}}))
    if trials is not None:
        (folder / f"{label}_trials.json").write_text(json.dumps(trials))
    return folder


def sim_data(a, b, spikes=5):
    pops = rates(a, b)
    return {"spkt": [float(i) for i in range(spikes)], "spkid": [0] * spikes,
            "popRates": pops, "avgRate": sum(pops.values()) / 2, "V_soma": {"cell_0": [1, 2]}}


A_VALUES, B_VALUES = [1.0, 2.0], [0.3, 0.1, 0.2]  # b not sorted: the grid must sort it


def grid_batch(folder, unfinished=(), missing=()):
    """A 2 x 3 grid over a and b like tutorial 8's (a: index i, b: index j)."""
    params = [{"label": "a", "values": A_VALUES}, {"label": "b", "values": B_VALUES}]
    runs = {}
    for i, a in enumerate(A_VALUES):
        for j, b in enumerate(B_VALUES):
            run = f"tw_{i}_{j}"
            if run not in missing:
                data = None if run in unfinished else sim_data(a, b, spikes=i + 2 * j)
                runs[run] = ({"a": a, "b": b}, data)
    return write_batch(folder, "tw", params, runs)


def test_columns_and_values(tmp_path):
    table = load(grid_batch(tmp_path / "data"))
    assert len(table) == 6
    assert table.params == ["a", "b"]
    assert table.results == ["avgRate", "numSpikes", "popRates.S", "popRates.M"]
    assert table.columns == ["label", "a", "b", *table.results]
    assert table.column("label").dtype.kind == "U"
    assert table.column("label").tolist() == [f"tw_{i}_{j}" for i in range(2) for j in range(3)]
    row = table.rows()[5]  # tw_1_2: a = 2.0, b = 0.2, 1 + 2 * 2 spikes
    assert row == {"label": "tw_1_2", "a": 2.0, "b": 0.2, "avgRate": (20.0 + 22.0) / 2,
                   "numSpikes": 5.0, "popRates.S": 20.0, "popRates.M": 22.0}
    np.testing.assert_array_equal(table.column("numSpikes"), [0, 2, 4, 1, 3, 5])
    assert table.unfinished == []
    with pytest.raises(ValueError):
        table.column("a")[0] = 5.0  # columns are shared: read-only


def test_unfinished_run_has_nan_results_and_is_counted(tmp_path):
    table = load(grid_batch(tmp_path / "data", unfinished={"tw_0_1"}))
    assert len(table) == 6 and table.unfinished == ["tw_0_1"]
    row = table.rows()[1]
    assert (row["a"], row["b"]) == (1.0, 0.1)  # parameters come from the cfg, which exists
    assert all(math.isnan(row[name]) for name in table.results)
    assert np.isfinite(table.column("popRates.M")).sum() == 5


def test_path_label_reads_into_the_cfg(tmp_path):
    params = [{"label": ["IClamp1", "amp"], "values": [0.1, 0.5]},
              {"label": "weight", "values": [1, 2]}]
    runs = {f"st_{i}_{j}": ({"IClamp1": {"pop": "S", "amp": amp}, "weight": w},
                            sim_data(amp, w))
            for i, amp in enumerate([0.1, 0.5]) for j, w in enumerate([1, 2])}
    table = load(write_batch(tmp_path, "st", params, runs))
    assert table.params == ["IClamp1.amp", "weight"]
    np.testing.assert_array_equal(table.column("IClamp1.amp"), [0.1, 0.1, 0.5, 0.5])
    np.testing.assert_array_equal(table.column("weight"), [1, 2, 1, 2])


def test_grid_shape_orientation_and_empty_cell(tmp_path):
    table = load(grid_batch(tmp_path / "data", missing={"tw_1_0"}))  # a=2, b=0.3: never run
    xs, ys, values = table.grid("b", "a", "popRates.M")
    np.testing.assert_array_equal(xs, [0.1, 0.2, 0.3])
    np.testing.assert_array_equal(ys, A_VALUES)
    assert values.shape == (2, 3)  # [len(y), len(x)]
    for i, a in enumerate(ys):
        for j, b in enumerate(xs):
            if (a, b) == (2.0, 0.3):
                assert math.isnan(values[i, j])
            else:
                assert values[i, j] == pytest.approx(rates(a, b)["M"])


def three_params(folder):
    params = [{"label": "a", "values": [1.0, 2.0]}, {"label": "b", "values": [0.1, 0.2]},
              {"label": "seed", "values": [7, 8]}]
    runs = {f"s3_{i}_{j}_{k}": ({"a": a, "b": b, "seed": seed}, sim_data(a + seed, b))
            for i, a in enumerate([1.0, 2.0]) for j, b in enumerate([0.1, 0.2])
            for k, seed in enumerate([7, 8])}
    return load(write_batch(folder, "s3", params, runs))


def test_grid_with_a_third_varying_parameter_is_an_error_naming_it(tmp_path):
    table = three_params(tmp_path)
    with pytest.raises(BatchTableError, match=r"seed also varies.*where=\{'seed': 7\}"):
        table.grid("a", "b", "popRates.M")


def test_where_picks_a_slice(tmp_path):
    table = three_params(tmp_path)
    xs, ys, values = table.grid("a", "b", "popRates.M", where={"seed": 8})
    expected = [[rates(a + 8, b)["M"] for a in xs] for b in ys]
    np.testing.assert_allclose(values, expected)
    assert len(table.where({"seed": 8, "a": 2.0})) == 2
    with pytest.raises(BatchTableError, match="seed takes 7, 8"):
        table.where({"seed": 9})
    with pytest.raises(UnknownColumnError, match="did you mean 'seed'"):
        table.grid("a", "b", "popRates.M", where={"sed": 8})


def test_unknown_names_suggest_the_closest(tmp_path):
    table = load(grid_batch(tmp_path / "data"))
    with pytest.raises(UnknownColumnError, match="did you mean 'popRates.M'") as error:
        table.column("popRate.M")
    assert isinstance(error.value, KeyError)
    with pytest.raises(UnknownColumnError, match="not a parameter.*did you mean 'a'"):
        table.grid("A", "b", "avgRate")


def test_batch_label_choice(tmp_path):
    with pytest.raises(FormatError, match="no <label>_batch.json"):
        load(tmp_path)
    folder = grid_batch(tmp_path / "data")
    # a batch whose label extends 'tw' shares the folder; its runs are not tw's
    write_batch(folder, "tw_long", [{"label": "a", "values": [5.0]}],
                {"tw_long_0": ({"a": 5.0}, sim_data(5.0, 0.0))}, method="list")
    with pytest.raises(FormatError, match="'tw', 'tw_long'"):
        load(folder)
    assert len(load(folder, "tw")) == 6
    assert load(folder, "tw_long").column("label").tolist() == ["tw_long_0"]
    with pytest.raises(FormatError, match="did you mean 'tw_long'"):
        load(folder, "tw_lng")


def test_list_runs_in_numeric_order_and_fitness_from_trials(tmp_path):
    params = [{"label": "w", "values": [0.0, 1.0]}]  # an optimisation's [min, max]
    runs = {f"op_trial_{n}": ({"w": n / 20}, sim_data(n, 0.0) if n != 3 else None)
            for n in range(12)}
    trials = [{"label": f"op_trial_{n}", "params": {"w": n / 20}, "fitness": n * 1.5,
               "ok": n != 3} for n in range(12)]
    table = load(write_batch(tmp_path, "op", params, runs, trials, method="optuna"))
    assert table.column("label").tolist() == [f"op_trial_{n}" for n in range(12)]
    assert table.results[-1] == "fitness"
    np.testing.assert_allclose(table.column("fitness"), np.arange(12) * 1.5)
    assert table.unfinished == ["op_trial_3"]


def test_to_pandas(tmp_path):
    pandas = pytest.importorskip("pandas")
    table = load(grid_batch(tmp_path / "data"))
    frame = table.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == table.columns
    np.testing.assert_array_equal(frame["popRates.M"].to_numpy(), table.column("popRates.M"))


def test_str_lists_every_run(tmp_path):
    text = str(load(grid_batch(tmp_path / "data", unfinished={"tw_0_0"})))
    lines = text.splitlines()
    assert lines[0].split() == ["label", "a", "b", "avgRate", "numSpikes", "popRates.S",
                                "popRates.M"]
    assert len(lines) == 7 and lines[1].split()[0] == "tw_0_0" and "nan" in lines[1]


def test_heatmap_shows_the_grid(tmp_path):
    from neuroloom.plotting import plot_heatmap

    table = load(grid_batch(tmp_path / "data", missing={"tw_1_0"}))
    png = tmp_path / "figs" / "heat.png"
    fig = plot_heatmap(table, "b", "a", "popRates.M", filename=png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(png.parent.glob(".*"))  # no temporary file left beside it
    ax = fig.axes[0]
    shown = np.ma.filled(ax.images[0].get_array().astype(float), np.nan)
    _, _, expected = table.grid("b", "a", "popRates.M")
    np.testing.assert_array_equal(shown, expected)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.1", "0.2", "0.3"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("b", "a")
    assert fig.axes[1].get_ylabel() == "popRates.M"  # the colorbar
    numbers = sorted(float(t.get_text()) for t in ax.texts)
    assert numbers == pytest.approx(sorted(float(f"{v:.3g}") for v in
                                           expected[np.isfinite(expected)]))
