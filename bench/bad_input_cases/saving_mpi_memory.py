"""Runs whose results could be lost (unwritable output paths, killed saves, files of two runs side by side), ranks that leave an MPI job early, and specs too big for memory (issue 19, items 6, 8 and 9)."""
# A case that ends without a word but checked that this is right (a killed save leaves no
# temporary file after the next save; a network that fits is built) sets OUTCOME: the
# runner counts it "handled". A temporary file left behind raises RuntimeError ("raw").
TINY = '''
def tiny(cells=3, conn=None, **cfg_options):
    \"\"\"A tiny network (NetStim-driven HH cells), 20 ms, saved as JSON + SONATA spikes.\"\"\"
    from neuroloom import specs
    net = specs.NetParams()
    net.cellParams["PYR"] = {"secs": {"soma": {"geom": {"diam": 18.8, "L": 18.8},
                                               "mechs": {"hh": {}}}}}
    net.popParams["E"] = {"cellType": "PYR", "numCells": cells}
    net.synMechParams["exc"] = {"mod": "ExpSyn", "tau": 2, "e": 0}
    net.stimSourceParams["in"] = {"type": "NetStim", "rate": 50, "noise": 0}
    net.stimTargetParams["in->E"] = {"source": "in", "conds": {"pop": "E"},
                                     "weight": 0.05, "delay": 1, "synMech": "exc"}
    if conn:
        net.connParams["E->E"] = {"preConds": {"pop": "E"}, "postConds": {"pop": "E"},
                                  "weight": 0.01, "delay": 5, "synMech": "exc", **conn}
    cfg = specs.SimConfig()
    cfg.duration, cfg.saveJson, cfg.progress, cfg.filename = 20, True, False, "run"
    for key, value in cfg_options.items():
        setattr(cfg, key, value)
    return net, cfg
'''

PRELUDE = TINY + '''
import os, signal, subprocess, sys, time
from pathlib import Path
from neuroloom import specs, sim


def run(**cfg_options):
    net, cfg = tiny(**cfg_options)
    sim.createSimulateAnalyze(net, cfg)


KILLED_SAVE = \"\"\"
import sys
import numpy as np
from neuroloom.results.save import save_json, save_hdf5
payload = {"neuroloom_version": "x", "simData": {"spkt": np.random.random(30_000_000)}}
(save_hdf5 if sys.argv[1].endswith(".h5") else save_json)(sys.argv[1], payload)
\"\"\"


def kill_while_saving(name):
    \"\"\"Start a child saving a large file; SIGKILL it once its temporary file exists.\"\"\"
    child = subprocess.Popen([sys.executable, "-c", KILLED_SAVE, name])
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith("." + name + ".")
                                             for p in Path(".").iterdir()):
        time.sleep(0.01)
    if not any(p.name.startswith("." + name + ".") for p in Path(".").iterdir()):
        child.kill()
        raise RuntimeError(f"the child never started writing {name}")
    time.sleep(0.2)
    os.kill(child.pid, signal.SIGKILL)
    if child.wait() != -signal.SIGKILL:
        raise RuntimeError(f"the save of {name} ended before the kill")


def left_after_next_save(name):
    left = [p.name for p in Path(".").iterdir() if p.name.startswith("." + name + ".")]
    if left:
        raise RuntimeError(f"temporary files left: {left}")
    if not Path(name).is_file():
        raise RuntimeError(f"{name} was not saved")
    return f"the killed save's temporary file is gone after the next save of {name}"


MPI_SCRIPT = \"\"\"
import os, sys
from neuroloom import sim
from case_tiny import tiny
RANK = os.environ.get("PMI_RANK", "0")
{before_initialize}
net, cfg = tiny(cells=4, conn={{"probability": 0.5}})
sim.initialize(net, cfg)
{after_initialize}
sim.create(net, cfg)
{before_simulate}
sim.simulate()
{before_save}
sim.saveData()
\"\"\"


def mpi_case(n=2, **where):
    \"\"\"Run on n ranks the tiny network's script with the given code at the named points
    (before_initialize, after_initialize, before_simulate, before_save).\"\"\"
    Path("case_tiny.py").write_text(TINY_SOURCE)
    steps = dict.fromkeys(("before_initialize", "after_initialize", "before_simulate",
                           "before_save"), "")
    steps.update(where)
    Path("mpi_case.py").write_text(MPI_SCRIPT.format(**steps))
    return mpiexec(n, "mpi_case.py", timeout=60)
''' + "TINY_SOURCE = " + repr(TINY) + "\n"

CASES = [
    # -- lost results: every output path is checked before building ------------------------
    ("lost results", "saveFolder whose parent is a file", '''
Path("afile").write_text("x")
run(saveFolder="afile/out")
'''),
    ("lost results", "saveFolder that is a file", '''
Path("afile").write_text("x")
run(saveFolder="afile")
'''),
    ("lost results", "saveFolder under /proc", '''
run(saveFolder="/proc/neuroloom_out")
'''),
    ("lost results", "saveFolder under /sys", '''
run(saveFolder="/sys/neuroloom_out")
'''),
    ("lost results", "filename with a folder under a file", '''
Path("afile").write_text("x")
run(filename="afile/run")
'''),
    ("lost results", "data file name taken by a folder", '''
Path("run_data.json").mkdir()
run()
'''),
    ("lost results", "saveSpikesSonata under a file", '''
Path("afile").write_text("x")
run(saveSpikesSonata="afile/spikes.h5")
'''),
    ("lost results", "saveFig path under a file", '''
Path("afile").write_text("x")
run(analysis={"plotRaster": {"saveFig": "afile/raster.png"}})
'''),
    ("lost results", "saveHDF5 in a saveFolder under /proc", '''
run(saveFolder="/proc/self/out", saveJson=False, saveHDF5=True)
'''),
    ("lost results", "saveTiming in a saveFolder that is a file", '''
Path("afile").write_text("x")
run(saveFolder="afile", saveJson=False, saveSpikesSonata=False, saveTiming=True)
'''),
    ("lost results", "killed JSON save, then the same file saved again", '''
kill_while_saving("run_data.json")
run()
OUTCOME = left_after_next_save("run_data.json")
'''),
    ("lost results", "killed HDF5 save, then the same file saved again", '''
kill_while_saving("run_data.h5")
run(saveJson=False, saveHDF5=True)
OUTCOME = left_after_next_save("run_data.h5")
'''),
    ("lost results", "killed spike-file save, then the run again", '''
kill_while_saving("run_spikes.h5")
run()
OUTCOME = left_after_next_save("run_spikes.h5")
'''),
    ("lost results", "data file and spike file of two runs (sim.load)", '''
run()
net, cfg = tiny()
cfg.saveJson = False  # a second run rewrote only the spike file
sim.createSimulateAnalyze(net, cfg)
sim.load("run_data.json", instantiate=False)
'''),
    ("lost results", "HDF5 data file and spike file of two runs (sim.load)", '''
run(saveJson=False, saveHDF5=True)
net, cfg = tiny(saveJson=False)
sim.createSimulateAnalyze(net, cfg)
sim.load("run_data.h5", instantiate=False)
'''),
    ("lost results", "spike file of an older run copied beside a new data file", '''
import shutil
run(saveFolder="a")
run(saveFolder="b")
shutil.copy("a/run_spikes.h5", "b/run_spikes.h5")
sim.load("b/run_data.json", instantiate=False)
'''),
    # -- MPI faults: a rank that leaves early ends the job ---------------------------------
    ("MPI faults", "sys.exit(0) on rank 1 before sim.simulate", '''
mpi_case(before_simulate="if RANK == '1': sys.exit(0)")
'''),
    ("MPI faults", "sys.exit(0) on rank 0 before sim.simulate", '''
mpi_case(before_simulate="if RANK == '0': sys.exit(0)")
'''),
    ("MPI faults", "sys.exit(1) on rank 1 after sim.initialize", '''
mpi_case(after_initialize="if RANK == '1': sys.exit(1)")
'''),
    ("MPI faults", "sys.exit(0) on rank 1 before sim.initialize", '''
mpi_case(before_initialize="if RANK == '1': sys.exit(0)")
'''),
    ("MPI faults", "raise SystemExit(2) on rank 1 before sim.simulate", '''
mpi_case(before_simulate="if RANK == '1': raise SystemExit(2)")
'''),
    ("MPI faults", "os._exit(0) on rank 1 before sim.simulate", '''
mpi_case(before_simulate="if RANK == '1': os._exit(0)")
'''),
    ("MPI faults", "os._exit(3) on rank 0 before sim.simulate", '''
mpi_case(before_simulate="if RANK == '0': os._exit(3)")
'''),
    ("MPI faults", "exception on rank 1 before sim.simulate", '''
mpi_case(before_simulate="if RANK == '1': raise RuntimeError('rank 1 fails')")
'''),
    ("MPI faults", "exception on rank 0 after sim.create", '''
mpi_case(before_simulate="if RANK == '0': raise RuntimeError('rank 0 fails')")
'''),
    ("MPI faults", "sys.exit(0) on rank 1 after the run, before saveData", '''
mpi_case(before_save="if RANK == '1': sys.exit(0)")
if not Path("run_data.json").is_file():
    raise RuntimeError("rank 0 did not save the run")
OUTCOME = "the run was gathered: rank 0 saved it, the job ended"
'''),
    ("MPI faults", "sys.exit(0) on rank 2 of 3 before sim.simulate", '''
mpi_case(n=3, before_simulate="if RANK == '2': sys.exit(0)")
'''),
    # -- huge specs: refused before building, with the estimate -----------------------------
    ("huge specs", "all-to-all among 1e6 cells (probability 1)", '''
net, cfg = tiny(cells=10**6, conn={"probability": 1.0})
sim.create(net, cfg)
'''),
    ("huge specs", "full rule among 1e6 cells", '''
net, cfg = tiny(cells=10**6, conn={"sec": "soma"})  # no amount: every pair (full)
sim.create(net, cfg)
'''),
    ("huge specs", "1e6 unconnected cells", '''
net, cfg = tiny(cells=10**6)
sim.create(net, cfg)
OUTCOME = "built: it fits the memory available (as the estimate said)"
''', 600),
    ("huge specs", "convergence 1e5 onto 1e5 cells", '''
net, cfg = tiny(cells=10**5, conn={"convergence": 10**5})
sim.create(net, cfg)
'''),
    ("huge specs", "divergence 1e6 from 1e5 cells", '''
net, cfg = tiny(cells=10**5, conn={"divergence": 10**6})
sim.create(net, cfg)
'''),
    ("huge specs", "numCells 1e9", '''
net, cfg = tiny(cells=10**9)
sim.create(net, cfg)
'''),
    ("huge specs", "density 1e9 cells/mm3", '''
net, cfg = tiny()
net.popParams["E"] = {"cellType": "PYR", "density": 1e9}
sim.create(net, cfg)
OUTCOME = "built: it fits the memory available (as the estimate said)"
''', 600),
    ("huge specs", "gridSpacing 0.1 um", '''
net, cfg = tiny()
net.popParams["E"] = {"cellType": "PYR", "gridSpacing": 0.1}
sim.create(net, cfg)
'''),
    ("huge specs", "netParams.scale 1e7", '''
net, cfg = tiny()
net.scale = 1e7
sim.create(net, cfg)
'''),
    ("huge specs", "probability 0.5 among 1e5 cells, 2 synapses per connection", '''
net, cfg = tiny(cells=10**5, conn={"probability": 0.5, "synsPerConn": 2})
sim.create(net, cfg)
'''),
    ("huge specs", "1e5 cells of 1000 segments each", '''
net, cfg = tiny(cells=10**5)
net.cellParams["PYR"]["secs"]["soma"]["geom"]["nseg"] = 999
sim.create(net, cfg)
'''),
    ("huge specs", "every cell's voltage recorded for 1e7 ms", '''
net, cfg = tiny(cells=10**4, recordCells=["all"], duration=1e7,
                recordTraces={"V_soma": {"sec": "soma", "loc": 0.5, "var": "v"}})
sim.create(net, cfg)
'''),
    ("huge specs", "maxMemoryGB 'lots'", '''
net, cfg = tiny(maxMemoryGB="lots")
sim.create(net, cfg)
'''),
]
