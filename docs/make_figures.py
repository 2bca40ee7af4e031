#!/usr/bin/env python3
"""Regenerate the tutorial figures in docs/figures/ from the examples.

Runs examples/tut1.py ... tut7.py, then tut8_batch.py and tut8_analysis.py, the LFP
examples (lfp_cell.py, lfp_net.py: tutorial 9) and the RxD examples (rxd_buffering.py,
rxd_net.py: tutorial 10), each tutorial in a fresh temporary folder with the venv's Python
(the one running this script), and copies the PNGs they write into docs/figures/ under the
tutorial's name (``HHTut_raster.png`` -> ``tut1_raster.png``, ``model_output_traces.png``
-> ``tut7_traces_2.png``, ``lfp_net_CSD.png`` -> ``tut9_net_CSD.png``, ...). The figures
are committed, so building the docs needs no NEURON; run this again after a change to the
examples or the plots:

    .venv/bin/python docs/make_figures.py            # every tutorial (about a minute)
    .venv/bin/python docs/make_figures.py 2 5        # only tutorials 2 and 5

Tutorial 7 draws its plots three times (weight 0, weight 0.5, longer somas) into the same
files; it runs through a small wrapper that keeps each stage's figures (``_1``, ``_2``,
``_3``) and saves the last, interactive plotRaster/plotTraces calls, which the script
does not save. Tutorial 9's lfp_net.py runs through a wrapper too: after the script it
draws plotCSD, which no example asks for. Tutorial 10 runs rxd_net.py a second time with
``norxd`` (in a subfolder, since it writes the same file names) for the raster without
rxd. The scripts themselves run unchanged.

A PNG larger than MAX_BYTES is downscaled with matplotlib's image functions.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLES = ROOT / "examples"
FIGURES = HERE / "figures"
MAX_BYTES = 1_000_000

# (output name after <filename>_, figure name after tutN_); an output with a * is the
# first file that matches it (plotTraces of several cells writes a figure per cell)
TWO_D, RASTER, TRACES = ("plot_2Dnet", "2Dnet"), ("raster", "raster"), ("traces", "traces")
TRACES_FIRST = ("traces*", "traces")
LFP_SERIES, LFP_PSD = ("LFPTimeSeries", "LFP_timeseries"), ("LFPPSD", "LFP_psd")
LFP_SPECTROGRAM, LFP_LOCATIONS = ("LFPSpectrogram", "LFP_timefreq"), ("LFPLocations",
                                                                        "LFP_locations")

# tutorial -> (files to copy into the run folder, script to run, {output PNG: figure name})
TUTORIALS = {
    "1": (["HHTut.py", "tut1.py"], "tut1.py",
          {"HHTut_plot_2Dnet.png": "tut1_2Dnet.png", "HHTut_raster.png": "tut1_raster.png",
           "HHTut_traces.png": "tut1_traces.png"}),
    **{str(n): ([f"tut{n}.py"], f"tut{n}.py",
                {f"tut{n}_{output}.png": f"tut{n}_{plot}.png" for output, plot in plots})
       for n, plots in ((2, (TWO_D, RASTER, TRACES)), (3, (TWO_D, RASTER, TRACES)),
                        (4, (TWO_D, RASTER, TRACES_FIRST)),
                        (5, (TWO_D, RASTER, TRACES_FIRST, ("plot_conn_pop_strength_matrix",) * 2)),
                        (6, (RASTER, TRACES_FIRST)))},
    "7": (["tut7.py"], "tut7.py",
          {f"tut7_{output}_{stage}.png": f"tut7_{plot}_{stage}.png"
           for (output, plot), stages in ((TWO_D, (1,)), (RASTER, (1, 2, 3)),
                                          (TRACES, (1, 2, 3)))
           for stage in stages}),
    "8": (["tut8_batch.py", "tut8_cfg.py", "tut8_init.py", "tut8_netParams.py",
           "tut8_analysis.py"], "tut8_batch.py",
          {"tut8_analysis.png": "tut8_analysis.png",
           **{f"tut8_data/tauWeight_1_{w}_raster.png": f"tut8_raster_tau5_w{w}.png"
              for w in range(3)},
           **{f"tut8_data/tauWeight_1_{w}_traces.png": f"tut8_traces_tau5_w{w}.png"
              for w in (1, 2)}}),
    "9": (["lfp_cell.py", "data/Rorb_325404214_m.swc", "lfp_net.py"], "lfp_cell.py",
          {**{f"lfp_cell_{output}.png": f"tut9_cell_{plot}.png"
              for output, plot in (TRACES, LFP_SERIES, LFP_LOCATIONS)},
           **{f"lfp_net_{output}.png": f"tut9_net_{plot}.png"
              for output, plot in (RASTER, TRACES_FIRST, LFP_SERIES, LFP_PSD,
                                   LFP_SPECTROGRAM, LFP_LOCATIONS, ("CSD", "CSD"))}}),
    "10": (["rxd_buffering.py", "rxd_net.py"], "rxd_buffering.py",
           {**{f"rxd_buffering_{plot}.png": f"tut10_buffering_{plot}.png"
               for plot in ("traces", "rxd_concentration")},
            **{f"rxd_net_{output}.png": f"tut10_net_{plot}.png"
               for output, plot in (RASTER, TRACES_FIRST, ("rxd_concentration",) * 2)},
            "norxd/rxd_net_raster.png": "tut10_net_raster_norxd.png"}),
}

# Runs tut7.py unchanged, keeping each plotData() stage's figures and saving the final
# interactive plots (the script calls them without saveFig).
TUT7_WRAPPER = """
import runpy, shutil
from pathlib import Path
import neuroloom.sim.analysis as analysis

stage = [0]
plot_data, plot_raster, plot_traces = analysis.plotData, analysis.plotRaster, analysis.plotTraces

def keep_stage():
    stage[0] += 1
    saved = plot_data()
    for path in saved:
        path = Path(path)
        plot = path.stem.split('model_output_', 1)[1]
        shutil.copyfile(path, f'tut7_{plot}_{stage[0]}.png')
    return saved

def last_raster(**options):
    options.setdefault('saveFig', 'tut7_raster_3.png')
    return plot_raster(**options)

def last_traces(**options):
    options.setdefault('saveFig', 'tut7_traces_3.png')
    return plot_traces(**options)

analysis.plotData, analysis.plotRaster, analysis.plotTraces = keep_stage, last_raster, last_traces
runpy.run_path('tut7.py', run_name='__main__')
"""

# Runs lfp_net.py unchanged, then draws the current source density of its electrode column
# (depths 200-800 um) with tutorial 5's layer tops. dpi 100 keeps the noisy image's PNG
# at about 300 kB (700 kB at plotCSD's default dpi, 200).
LFP_NET_CSD = """
import runpy
from neuroloom import sim

runpy.run_path('lfp_net.py', run_name='__main__')
sim.analysis.plotCSD(timeRange=[100, 500], layerBounds={'L2': 100, 'L4': 300, 'L5': 600},
                     dpi=100, saveFig=True)
"""

# tutorial -> the runs, in order: (subfolder of the run folder, arguments of the Python);
# a tutorial not named here runs its script in the run folder.
RUNS = {
    "7": [("", ["-c", TUT7_WRAPPER])],
    "8": [("", ["tut8_batch.py"]), ("", ["tut8_analysis.py"])],
    "9": [("", ["lfp_cell.py"]), ("", ["-c", LFP_NET_CSD])],
    "10": [("", ["rxd_buffering.py"]), ("", ["rxd_net.py"]),
           ("norxd", ["../rxd_net.py", "norxd"])],
}


def describe(arguments: list[str]) -> str:
    """A run's arguments as the progress line shows them (a wrapper by the script it runs)."""
    if arguments[0] == "-c":
        return re.search(r"run_path\('([\w.]+)'", arguments[1]).group(1) + " (wrapped)"
    return " ".join(arguments)


def run_tutorial(name: str, python: str) -> list[Path]:
    files, script, outputs = TUTORIALS[name]
    written = []
    with tempfile.TemporaryDirectory(prefix=f"neuroloom_tut{name}_") as tmp:
        folder = Path(tmp)
        for file in files:
            (folder / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(EXAMPLES / file, folder / file)
        for subfolder, arguments in RUNS.get(name, [("", [script])]):
            where = folder / subfolder
            where.mkdir(exist_ok=True)
            print(f"tutorial {name}: {describe(arguments)}"
                  + (f" (in {subfolder}/)" if subfolder else ""), flush=True)
            done = subprocess.run([python, *arguments], cwd=where, capture_output=True,
                                  text=True)
            if done.returncode != 0:
                raise SystemExit(f"tutorial {name} failed ({describe(arguments)}):\n"
                                 f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        for output, figure in outputs.items():
            matches = sorted(folder.glob(output))
            source = matches[0] if matches else folder / output
            if not source.exists():
                produced = sorted(p.name for p in folder.rglob("*.png"))
                raise SystemExit(f"tutorial {name} wrote no {output} (it wrote: {produced})")
            target = FIGURES / figure
            shutil.copyfile(source, target)
            shrink(target)
            written.append(target)
    return written


def shrink(path: Path) -> None:
    """Halve the pixel size of a PNG until it is below MAX_BYTES."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    from matplotlib.figure import Figure

    while path.stat().st_size > MAX_BYTES:
        image = mpimg.imread(path)
        image = image[::2, ::2]
        height, width = image.shape[:2]
        fig = Figure(figsize=(width / 100, height / 100), dpi=100)
        fig.figimage(image, resize=False)
        fig.savefig(path, dpi=100, format="png")
        print(f"  downscaled {path.name} to {width}x{height}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tutorials", nargs="*", metavar="N",
                        help="tutorials to run (default: all, 1-10)")
    args = parser.parse_args()
    unknown = sorted(set(args.tutorials) - set(TUTORIALS))
    if unknown:
        parser.error(f"no tutorial {', '.join(unknown)} (choose from 1-10)")
    FIGURES.mkdir(exist_ok=True)
    for name in args.tutorials or sorted(TUTORIALS, key=int):
        for path in run_tutorial(name, sys.executable):
            print(f"  {path.relative_to(ROOT)}  {path.stat().st_size / 1024:.0f} kB")


if __name__ == "__main__":
    main()
