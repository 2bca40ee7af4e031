"""Loading damaged saved runs (JSON, pickle, HDF5, NetPyNE's own), pickles that run code, damaged SONATA spike inputs, and the CLI on damaged files (issue 19, items 4 and 5)."""
PRELUDE = '''
import json, os, pickle, shutil
from pathlib import Path
import numpy as np
import neuroloom
from neuroloom import specs, sim

REPO = Path(neuroloom.__file__).resolve().parents[2]
NETPYNE_RUN = REPO / "tests" / "data" / "netpyne_saved" / "small_data.json"


def make_run(name="run_data.json", include=("netParams", "netCells", "simConfig", "simData")):
    """A saved run of 40 cells (20 E, 20 I, E->I connections, NetStim inputs), 100 ms,
    made without NEURON; .json, .pkl or .h5 by the name."""
    from neuroloom.builder import network_from_specs
    from neuroloom.results.save import data_payload, save_hdf5, save_json, save_pickle
    net_params = specs.NetParams()
    net_params.popParams["E"] = {"cellType": "PYR", "numCells": 20}
    net_params.popParams["I"] = {"cellType": "PYR", "numCells": 20}
    net_params.cellParams["PYR"] = {"secs": {
        "soma": {"geom": {"diam": 18.8, "L": 18.8, "Ra": 123.0},
                 "mechs": {"hh": {"gnabar": 0.12, "gkbar": 0.036, "gl": 0.003, "el": -70}}},
        "dend": {"geom": {"diam": 2, "L": 100},
                 "topol": {"parentSec": "soma", "parentX": 1, "childX": 0}}}}
    net_params.synMechParams["exc"] = {"mod": "Exp2Syn", "tau1": 0.1, "tau2": 5.0, "e": 0}
    net_params.stimSourceParams["bkg"] = {"type": "NetStim", "rate": 10, "noise": 0.5}
    net_params.stimTargetParams["bkg->E"] = {"source": "bkg", "conds": {"pop": "E"},
                                             "weight": 0.01, "delay": 5, "synMech": "exc"}
    net_params.connParams["E->I"] = {"preConds": {"pop": "E"}, "postConds": {"pop": "I"},
                                     "probability": 0.5, "weight": 0.01, "delay": 5,
                                     "synMech": "exc", "sec": "dend", "loc": 0.5}
    cfg = specs.SimConfig(duration=100)
    network = network_from_specs(net_params, cfg)
    sim_data = {"spkt": [1.0, 2.5, 7.0], "spkid": [0, 1, 21], "t": [], "avgRate": 0.75}
    payload = data_payload(net_params, cfg, network, sim_data, include)
    writer = {".json": save_json, ".pkl": save_pickle, ".h5": save_hdf5}[Path(name).suffix]
    writer(name, payload)
    return name


def edit_json(path, change):
    data = json.loads(Path(path).read_text())
    change(data)
    Path(path).write_text(json.dumps(data, allow_nan=True))
    return path


def edit_pickle(path, change):
    data = pickle.loads(Path(path).read_bytes())
    change(data)
    Path(path).write_bytes(pickle.dumps(data))
    return path


def edit_h5(path, change):
    import h5py
    with h5py.File(path, "r+") as f:
        change(f)
    return path


def replace_dataset(f, name, values):
    del f[name]
    f.create_dataset(name, data=np.asarray(values))


def truncate(path, keep):
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[:int(len(data) * keep) if keep < 1 else int(keep)])
    return path


class RunsCode:
    """A pickle that, when read, runs a shell command (leaves CODE_RAN behind)."""

    def __reduce__(self):
        return (os.system, ("touch CODE_RAN",))


class RunsEval:
    def __reduce__(self):
        return (eval, ("open('CODE_RAN', 'w').close()",))


def evil_pickle(name="run_data.pkl", payload=RunsCode):
    Path(name).write_bytes(pickle.dumps({"neuroloom_version": "0.1.0", "x": payload()}))
    return name


def no_code_ran():
    if Path("CODE_RAN").exists():
        raise RuntimeError("the pickle ran code")


def batch_folder(data):
    """A batch folder of one run whose cfg asked for savePickle: its data file is ``data``."""
    Path("b").mkdir()
    Path("b/tb_batch.json").write_text(json.dumps({"params": [{"label": "w", "values": [1]}]}))
    Path("b/tb_0_cfg.json").write_text(json.dumps({"simConfig": {"w": 1, "savePickle": True}}))
    shutil.copy(data, "b/tb_0.pkl")
    return "b"


def sonata_circuit():
    """300_intfire (SONATA examples) copied here; its LGN spike input file's path."""
    base = Path(SHARED) / "sonata-examples"
    shutil.copytree(base / "300_intfire", "300_intfire")
    os.symlink(base / "shared_components", "shared_components")
    return Path("300_intfire/inputs/lgn_spikes.h5")


def sonata_spikes(ids=None, times=None, change=None):
    """The LGN spike input with its node ids and/or times replaced; loads the circuit."""
    import h5py
    path = sonata_circuit()
    with h5py.File(path, "r+") as f:
        if ids is not None:
            replace_dataset(f, "spikes/gids", ids)
        if times is not None:
            attrs = dict(f["spikes/timestamps"].attrs)
            replace_dataset(f, "spikes/timestamps", times)
            f["spikes/timestamps"].attrs.update(attrs)
        if change is not None:
            change(f)
    from neuroloom.importers import sonata
    return sonata.load("300_intfire/config.json")


def lgn(f):
    return f["spikes/gids"][()], f["spikes/timestamps"][()]
'''

CASES = [
    ('damaged files', 'truncated .h5 (half)', 'truncate(make_run("run_data.h5"), 0.5)\nsim.load("run_data.h5")'),
    ('damaged files', 'truncated .h5 (first 600 bytes)', 'truncate(make_run("run_data.h5"), 600)\nsim.load("run_data.h5")'),
    ('damaged files', 'truncated .json', 'truncate(make_run(), 0.6)\nsim.load("run_data.json")'),
    ('damaged files', 'empty .json', 'Path("run_data.json").write_text("")\nsim.load("run_data.json")'),
    ('damaged files', 'truncated .pkl', 'truncate(make_run("run_data.pkl"), 0.5)\nsim.load("run_data.pkl")'),
    ('damaged files', 'empty .pkl', 'Path("run_data.pkl").write_bytes(b"")\nsim.load("run_data.pkl")'),
    ('damaged files', 'directory named run_data.json', 'Path("run_data.json").mkdir()\nsim.load("run_data.json")'),
    ('damaged files', 'directory named run_data.pkl', 'Path("run_data.pkl").mkdir()\nsim.load("run_data.pkl")'),
    ('damaged files', 'directory named run_data.h5', 'Path("run_data.h5").mkdir()\nsim.load("run_data.h5")'),
    ('damaged files', '.json of binary bytes', 'Path("run_data.json").write_bytes(bytes(range(256)) * 4)\nsim.load("run_data.json")'),
    ('damaged files', '.json nested 100000 deep', 'Path("run_data.json").write_text("[" * 100000 + "]" * 100000)\nsim.load("run_data.json")'),
    ('damaged files', '.json holding a list', 'Path("run_data.json").write_text("[1, 2, 3]")\nsim.load("run_data.json")'),
    ('damaged files', '.h5 that is not HDF5', 'Path("run_data.h5").write_bytes(b"not hdf5" * 100)\nsim.load("run_data.h5")'),
    ('damaged files', '.h5 without its format attribute', 'edit_h5(make_run("run_data.h5"), lambda f: f.attrs.__delitem__("format"))\nsim.load("run_data.h5")'),
    ('damaged files', 'wrong network format version', 'edit_json(make_run(), lambda d: d["net"].update(format="neuroloom-network/9"))\nsim.load("run_data.json")'),
    ('damaged files', 'missing column conns.weight', 'edit_json(make_run(), lambda d: d["net"]["conns"].pop("weight"))\nsim.load("run_data.json")'),
    ('damaged files', 'missing column cells.x', 'edit_json(make_run(), lambda d: d["net"]["cells"].pop("x"))\nsim.load("run_data.json")'),
    ('damaged files', 'missing column stims.delay', 'edit_json(make_run(), lambda d: d["net"]["stims"].pop("delay"))\nsim.load("run_data.json")'),
    ('damaged files', 'unknown column conns.wieght', 'edit_json(make_run(), lambda d: d["net"]["conns"].update(wieght=d["net"]["conns"]["weight"]))\nsim.load("run_data.json")'),
    ('damaged files', 'missing column in .h5 (net/conns/delay)', 'edit_h5(make_run("run_data.h5"), lambda f: f.__delitem__("net/conns/delay"))\nsim.load("run_data.h5")'),
    ('damaged files', 'missing catalog synMechs', 'edit_json(make_run(), lambda d: d["net"].pop("synMechs"))\nsim.load("run_data.json")'),
    ('damaged files', 'missing catalog cellTypes', 'edit_json(make_run(), lambda d: d["net"].pop("cellTypes"))\nsim.load("run_data.json")'),
    ('damaged files', 'missing catalog sectionNames', 'edit_json(make_run(), lambda d: d["net"].pop("sectionNames"))\nsim.load("run_data.json")'),
    ('damaged files', 'missing provenance', 'edit_json(make_run(), lambda d: d["net"].pop("provenance"))\nsim.load("run_data.json")'),
    ('damaged files', 'missing catalogs in .h5 (net/catalogs)', 'edit_h5(make_run("run_data.h5"), lambda f: f.__delitem__("net/catalogs"))\nsim.load("run_data.h5")'),
    ('damaged files', 'a cell type without its sections key', 'edit_json(make_run(), lambda d: d["net"]["cellTypes"][0].pop("sections"))\nsim.load("run_data.json")'),
    ('damaged files', 'a synMech without its mod', 'edit_json(make_run(), lambda d: d["net"]["synMechs"][0].pop("mod"))\nsim.load("run_data.json")'),
    ('damaged files', 'conns.weight one row short', 'edit_json(make_run(), lambda d: d["net"]["conns"]["weight"].pop())\nsim.load("run_data.json")'),
    ('damaged files', 'cells.pop one row short', 'edit_json(make_run(), lambda d: d["net"]["cells"]["pop"].pop())\nsim.load("run_data.json")'),
    ('damaged files', 'conns/delay one row short in .h5', 'edit_h5(make_run("run_data.h5"), lambda f: replace_dataset(f, "net/conns/delay", f["net/conns/delay"][:-1]))\nsim.load("run_data.h5")'),
    ('damaged files', 'pre_gid 999 in a 40-cell network', 'edit_json(make_run(), lambda d: d["net"]["conns"]["pre_gid"].__setitem__(3, 999))\nsim.load("run_data.json")'),
    ('damaged files', 'post_gid -1', 'edit_json(make_run(), lambda d: d["net"]["conns"]["post_gid"].__setitem__(3, -1))\nsim.load("run_data.json")'),
    ('damaged files', 'float gid 3.5 (pre_gid)', 'edit_json(make_run(), lambda d: d["net"]["conns"]["pre_gid"].__setitem__(3, 3.5))\nsim.load("run_data.json")'),
    ('damaged files', "pre_gid as a string '3'", 'edit_json(make_run(), lambda d: d["net"]["conns"]["pre_gid"].__setitem__(3, "3"))\nsim.load("run_data.json")'),
    ('damaged files', 'NaN weight', 'edit_json(make_run(), lambda d: d["net"]["conns"]["weight"].__setitem__(3, float("nan")))\nsim.load("run_data.json")'),
    ('damaged files', 'inf weight', 'edit_json(make_run(), lambda d: d["net"]["conns"]["weight"].__setitem__(3, float("inf")))\nsim.load("run_data.json")'),
    ('damaged files', '-3 ms delay', 'edit_json(make_run(), lambda d: d["net"]["conns"]["delay"].__setitem__(3, -3))\nsim.load("run_data.json")'),
    ('damaged files', 'NaN delay', 'edit_json(make_run(), lambda d: d["net"]["conns"]["delay"].__setitem__(3, float("nan")))\nsim.load("run_data.json")'),
    ('damaged files', 'connection sec 7 (out of range)', 'edit_json(make_run(), lambda d: d["net"]["conns"]["sec"].__setitem__(3, 7))\nsim.load("run_data.json")'),
    ('damaged files', 'connection sec -1 on a cell with sections', 'edit_json(make_run(), lambda d: d["net"]["conns"]["sec"].__setitem__(3, -1))\nsim.load("run_data.json")'),
    ('damaged files', 'connection loc 5', 'edit_json(make_run(), lambda d: d["net"]["conns"]["loc"].__setitem__(3, 5))\nsim.load("run_data.json")'),
    ('damaged files', 'connection loc -0.5', 'edit_json(make_run(), lambda d: d["net"]["conns"]["loc"].__setitem__(3, -0.5))\nsim.load("run_data.json")'),
    ('damaged files', 'syn_mech 5 (one synMech)', 'edit_json(make_run(), lambda d: d["net"]["conns"]["syn_mech"].__setitem__(3, 5))\nsim.load("run_data.json")'),
    ('damaged files', 'weight None (null)', 'edit_json(make_run(), lambda d: d["net"]["conns"]["weight"].__setitem__(3, None))\nsim.load("run_data.json")'),
    ('damaged files', 'cells.pop 9 (two populations)', 'edit_json(make_run(), lambda d: d["net"]["cells"]["pop"].__setitem__(0, 9))\nsim.load("run_data.json")'),
    ('damaged files', 'cells.x NaN', 'edit_json(make_run(), lambda d: d["net"]["cells"]["x"].__setitem__(0, float("nan")))\nsim.load("run_data.json")'),
    ('damaged files', 'stims.gid 999', 'edit_json(make_run(), lambda d: d["net"]["stims"]["gid"].__setitem__(0, 999))\nsim.load("run_data.json")'),
    ('damaged files', 'stims.weight NaN', 'edit_json(make_run(), lambda d: d["net"]["stims"]["weight"].__setitem__(0, float("nan")))\nsim.load("run_data.json")'),
    ('damaged files', 'stims.delay -5', 'edit_json(make_run(), lambda d: d["net"]["stims"]["delay"].__setitem__(0, -5))\nsim.load("run_data.json")'),
    ('damaged files', 'stims.loc 2', 'edit_json(make_run(), lambda d: d["net"]["stims"]["loc"].__setitem__(0, 2))\nsim.load("run_data.json")'),
    ('damaged files', 'spikeTrains bounds without their final entry', 'edit_json(make_run(), lambda d: d["net"]["spikeTrains"].update(bounds=[]))\nsim.load("run_data.json")'),
    ('damaged files', 'net is a number', 'edit_json(make_run(), lambda d: d.update(net=5))\nsim.load("run_data.json")'),
    ('damaged files', 'netParams is a list', 'edit_json(make_run(), lambda d: d.update(netParams=[1]))\nsim.load("run_data.json")'),
    ('damaged files', 'no simConfig (saved 100 ms)', 'edit_json(make_run(), lambda d: d.pop("simConfig"))\nsim.load("run_data.json")'),
    ('damaged files', 'no simConfig in .h5', 'edit_h5(make_run("run_data.h5"), lambda f: f.__delitem__("simConfig"))\nsim.load("run_data.h5")'),
    ('damaged files', 'no simConfig in .pkl', 'edit_pickle(make_run("run_data.pkl"), lambda d: d.pop("simConfig"))\nsim.load("run_data.pkl")'),
    ('damaged files', 'simData spkt NaN', 'edit_json(make_run(), lambda d: d["simData"]["spkt"].__setitem__(0, float("nan")))\nsim.loadSimData("run_data.json")'),
    ('damaged files', 'simData spkt and spkid of different lengths', 'edit_json(make_run(), lambda d: d["simData"]["spkid"].pop())\nsim.loadSimData("run_data.json")'),
    ('damaged files', 'simData spkid 2.5', 'edit_json(make_run(), lambda d: d["simData"]["spkid"].__setitem__(0, 2.5))\nsim.loadSimData("run_data.json")'),
    ('damaged files', 'simData spkt strings', 'edit_json(make_run(), lambda d: d["simData"].update(spkt=["a", "b", "c"]))\nsim.loadSimData("run_data.json")'),
    ('damaged files', 'NaN weight in a .pkl', 'edit_pickle(make_run("run_data.pkl"), lambda d: d["net"]["conns"]["weight"].__setitem__(0, float("nan")))\nsim.load("run_data.pkl")'),
    ('damaged files', 'pre_gid 999 in a .pkl', 'edit_pickle(make_run("run_data.pkl"), lambda d: d["net"]["conns"]["pre_gid"].__setitem__(0, 999))\nsim.load("run_data.pkl")'),
    ('damaged files', 'missing column in a .pkl', 'edit_pickle(make_run("run_data.pkl"), lambda d: d["net"]["conns"].pop("loc"))\nsim.load("run_data.pkl")'),
    ('damaged files', 'NaN weight in .h5', 'edit_h5(make_run("run_data.h5"), lambda f: replace_dataset(f, "net/conns/weight", np.r_[np.nan, f["net/conns/weight"][1:]]))\nsim.load("run_data.h5")'),
    ('damaged files', 'pre_gid 999 in .h5', 'edit_h5(make_run("run_data.h5"), lambda f: replace_dataset(f, "net/conns/pre_gid", np.r_[999, f["net/conns/pre_gid"][1:]]))\nsim.load("run_data.h5")'),
    ('damaged files', 'float gids in .h5', 'edit_h5(make_run("run_data.h5"), lambda f: replace_dataset(f, "net/conns/pre_gid", f["net/conns/pre_gid"][()] + 0.5))\nsim.load("run_data.h5")'),
    ('damaged files', 'strings as weights in .h5', 'edit_h5(make_run("run_data.h5"), lambda f: replace_dataset(f, "net/conns/weight", np.asarray(["x"] * len(f["net/conns/weight"]), dtype="S")))\nsim.load("run_data.h5")'),
    ('damaged files', 'catalogs JSON text damaged in .h5', 'edit_h5(make_run("run_data.h5"), lambda f: replace_dataset(f, "net/catalogs", np.asarray("{not json", dtype=object).astype("S")))\nsim.load("run_data.h5")'),
    ('damaged files', 'NetPyNE file: preGid 999', 'data = json.loads(NETPYNE_RUN.read_text())\ncell = data["net"]["cells"][20]\nnext(c for c in cell["conns"] if isinstance(c["preGid"], int))["preGid"] = 999\nPath("np_data.json").write_text(json.dumps(data))\nsim.load("np_data.json")'),
    ('damaged files', 'NetPyNE file: NaN weight', 'data = json.loads(NETPYNE_RUN.read_text())\ncell = data["net"]["cells"][20]\nnext(c for c in cell["conns"] if isinstance(c["preGid"], int))["weight"] = float("nan")\nPath("np_data.json").write_text(json.dumps(data))\nsim.load("np_data.json")'),
    ('damaged files', 'NetPyNE file: delay -3', 'data = json.loads(NETPYNE_RUN.read_text())\ncell = data["net"]["cells"][20]\nnext(c for c in cell["conns"] if isinstance(c["preGid"], int))["delay"] = -3\nPath("np_data.json").write_text(json.dumps(data))\nsim.load("np_data.json")'),
    ('damaged files', 'NetPyNE file: loc 5', 'data = json.loads(NETPYNE_RUN.read_text())\ncell = data["net"]["cells"][20]\nnext(c for c in cell["conns"] if isinstance(c["preGid"], int))["loc"] = 5\nPath("np_data.json").write_text(json.dumps(data))\nsim.load("np_data.json")'),
    ('damaged files', 'NetPyNE file: float preGid 1.5', 'data = json.loads(NETPYNE_RUN.read_text())\ncell = data["net"]["cells"][20]\nnext(c for c in cell["conns"] if isinstance(c["preGid"], int))["preGid"] = 1.5\nPath("np_data.json").write_text(json.dumps(data))\nsim.load("np_data.json")'),
    ('damaged files', 'NetPyNE file: a connection without its weight', 'data = json.loads(NETPYNE_RUN.read_text())\ncell = data["net"]["cells"][20]\nnext(c for c in cell["conns"] if isinstance(c["preGid"], int)).pop("weight")\nPath("np_data.json").write_text(json.dumps(data))\nsim.load("np_data.json")'),
    ('damaged files', 'NetPyNE file: cell gid 1.5', 'data = json.loads(NETPYNE_RUN.read_text())\ncell = data["net"]["cells"][20]\ndata["net"]["cells"][1]["gid"] = 1.5\nPath("np_data.json").write_text(json.dumps(data))\nsim.load("np_data.json")'),
    ('damaged files', 'NetPyNE file: no simConfig', 'data = json.loads(NETPYNE_RUN.read_text())\ncell = data["net"]["cells"][20]\ndata.pop("simConfig")\nPath("np_data.json").write_text(json.dumps(data))\nsim.load("np_data.json")'),
    ('damaged files', 'NetPyNE file: truncated', 'data = json.loads(NETPYNE_RUN.read_text())\ncell = data["net"]["cells"][20]\npass\nPath("np_data.json").write_text(json.dumps(data))\nPath("np_data.json").write_text(json.dumps(data)[:5000])\nsim.load("np_data.json")'),
    ('damaged files', 'loadNet on a missing column', 'edit_json(make_run(), lambda d: d["net"]["conns"].pop("rule"))\nsim.loadNet("run_data.json")'),
    ('damaged files', 'loadAll on a truncated .h5', 'truncate(make_run("run_data.h5"), 0.5)\nsim.loadAll("run_data.h5")'),
    ('damaged files', 'loadSimCfg on a truncated .json', 'truncate(make_run(), 0.3)\nsim.loadSimCfg("run_data.json")'),
    ('damaged files', 'loadSimData on an empty .pkl', 'Path("run_data.pkl").write_bytes(b"")\nsim.loadSimData("run_data.pkl")'),
    ('pickles', 'sim.load of a pickle running os.system', 'evil_pickle()\ntry:\n    sim.load("run_data.pkl")\nfinally:\n    no_code_ran()'),
    ('pickles', 'sim.loadNet of a pickle running os.system', 'evil_pickle()\ntry:\n    sim.loadNet("run_data.pkl")\nfinally:\n    no_code_ran()'),
    ('pickles', 'sim.loadSimCfg of a pickle running os.system', 'evil_pickle()\ntry:\n    sim.loadSimCfg("run_data.pkl")\nfinally:\n    no_code_ran()'),
    ('pickles', 'sim.loadSimData of a pickle running os.system', 'evil_pickle()\ntry:\n    sim.loadSimData("run_data.pkl")\nfinally:\n    no_code_ran()'),
    ('pickles', 'sim.loadAll of a pickle running os.system', 'evil_pickle()\ntry:\n    sim.loadAll("run_data.pkl")\nfinally:\n    no_code_ran()'),
    ('pickles', 'sim.load of a pickle running eval', 'evil_pickle(payload=RunsEval)\ntry:\n    sim.load("run_data.pkl")\nfinally:\n    no_code_ran()'),
    ('pickles', 'sim.load of a pickle naming subprocess.Popen', 'Path("run_data.pkl").write_bytes(b"csubprocess\\nPopen\\n((lp0\\nS\'touch\'\\naS\'CODE_RAN\'\\natR.")\ntry:\n    sim.load("run_data.pkl")\nfinally:\n    __import__("time").sleep(0.5)  # Popen does not wait\n    no_code_ran()'),
    ('pickles', 'neuroloom info on a pickle running os.system', "evil_pickle()\ntry:\n    cli('info', 'run_data.pkl')\nfinally:\n    no_code_ran()"),
    ('pickles', 'neuroloom validate on a pickle running os.system', "evil_pickle()\ntry:\n    cli('validate', 'run_data.pkl')\nfinally:\n    no_code_ran()"),
    ('pickles', 'neuroloom convert on a pickle running os.system', "evil_pickle()\ntry:\n    cli('convert', 'run_data.pkl', 'out.json')\nfinally:\n    no_code_ran()"),
    ('pickles', 'neuroloom info --trust-pickle on a pickle running os.system', 'evil_pickle()\ntry:\n    cli("info", "run_data.pkl", "--trust-pickle")\nfinally:\n    no_code_ran()'),
    ('pickles', 'neuroloom info on a good pickle without --trust-pickle', 'make_run("run_data.pkl")\ncli("info", "run_data.pkl")'),
    ('pickles', 'batch.load of a savePickle batch (pickle running os.system)', 'from neuroloom.batch import load\nbatch_folder(evil_pickle("evil.pkl"))\ntry:\n    load("b")\nfinally:\n    no_code_ran()'),
    ('pickles', 'batch.load(trust_pickle=True) of a pickle running os.system', 'from neuroloom.batch import load\nbatch_folder(evil_pickle("evil.pkl"))\ntry:\n    load("b", trust_pickle=True)\nfinally:\n    no_code_ran()'),
    ('pickles', 'batch.load of a good savePickle batch without trust_pickle', 'from neuroloom.batch import load\nbatch_folder(make_run("good.pkl"))\nload("b")'),
    ('SONATA inputs', 'spike time NaN', 'ids, times = lgn(__import__("h5py").File(sonata_circuit(), "r"))\nshutil.rmtree("300_intfire"); os.remove("shared_components")\ntimes[5] = np.nan\nsonata_spikes(times=times)'),
    ('SONATA inputs', 'spike time -5', 'ids, times = lgn(__import__("h5py").File(sonata_circuit(), "r"))\nshutil.rmtree("300_intfire"); os.remove("shared_components")\ntimes[5] = -5\nsonata_spikes(times=times)'),
    ('SONATA inputs', 'spike time inf', 'ids, times = lgn(__import__("h5py").File(sonata_circuit(), "r"))\nshutil.rmtree("300_intfire"); os.remove("shared_components")\ntimes[5] = np.inf\nsonata_spikes(times=times)'),
    ('SONATA inputs', 'float node ids (x + 0.5)', 'ids, times = lgn(__import__("h5py").File(sonata_circuit(), "r"))\nshutil.rmtree("300_intfire"); os.remove("shared_components")\nsonata_spikes(ids=ids + 0.5)'),
    ('SONATA inputs', 'float node ids (integral values)', 'ids, times = lgn(__import__("h5py").File(sonata_circuit(), "r"))\nshutil.rmtree("300_intfire"); os.remove("shared_components")\nsonata_spikes(ids=ids.astype(float))'),
    ('SONATA inputs', 'node id 99999 out of the population', 'ids, times = lgn(__import__("h5py").File(sonata_circuit(), "r"))\nshutil.rmtree("300_intfire"); os.remove("shared_components")\nids = ids.astype(np.int64); ids[3] = 99999\nsonata_spikes(ids=ids)'),
    ('SONATA inputs', 'node id -1', 'ids, times = lgn(__import__("h5py").File(sonata_circuit(), "r"))\nshutil.rmtree("300_intfire"); os.remove("shared_components")\nids = ids.astype(np.int64); ids[3] = -1\nsonata_spikes(ids=ids)'),
    ('SONATA inputs', 'node ids one shorter than times', 'ids, times = lgn(__import__("h5py").File(sonata_circuit(), "r"))\nshutil.rmtree("300_intfire"); os.remove("shared_components")\nsonata_spikes(ids=ids[:-1])'),
    ('SONATA inputs', 'timestamps as strings', 'ids, times = lgn(__import__("h5py").File(sonata_circuit(), "r"))\nshutil.rmtree("300_intfire"); os.remove("shared_components")\nsonata_spikes(times=times.astype("S"))'),
    ('SONATA inputs', 'timestamps in unknown units', 'sonata_spikes(change=lambda f: f["spikes/timestamps"].attrs.__setitem__("units", "us"))'),
    ('SONATA inputs', 'timestamps dataset missing', 'sonata_spikes(change=lambda f: f.__delitem__("spikes/timestamps"))'),
    ('SONATA inputs', 'truncated spike file', 'path = sonata_circuit()\ntruncate(path, 0.5)\nfrom neuroloom.importers import sonata\nsonata.load("300_intfire/config.json")'),
    ('SONATA inputs', 'spike file that is a folder', 'path = sonata_circuit()\npath.unlink(); path.mkdir()\nfrom neuroloom.importers import sonata\nsonata.load("300_intfire/config.json")'),
    ('CLI', 'neuroloom info on a truncated .h5', 'truncate(make_run("run_data.h5"), 0.5)\ncli("info", "run_data.h5")'),
    ('CLI', 'neuroloom info on a truncated .json', 'truncate(make_run(), 0.6)\ncli("info", "run_data.json")'),
    ('CLI', 'neuroloom info on a truncated .pkl (--trust-pickle)', 'truncate(make_run("run_data.pkl"), 0.5)\ncli("info", "run_data.pkl", "--trust-pickle")'),
    ('CLI', 'neuroloom info on a empty .pkl (--trust-pickle)', 'Path("run_data.pkl").write_bytes(b"")\ncli("info", "run_data.pkl", "--trust-pickle")'),
    ('CLI', 'neuroloom info on a directory named run_data.h5', 'Path("run_data.h5").mkdir()\ncli("info", "run_data.h5")'),
    ('CLI', 'neuroloom info on a directory named run_data.pkl', 'Path("run_data.pkl").mkdir()\ncli("info", "run_data.pkl")'),
    ('CLI', 'neuroloom info on a missing column', 'edit_json(make_run(), lambda d: d["net"]["conns"].pop("weight"))\ncli("info", "run_data.json")'),
    ('CLI', 'neuroloom info on a missing catalogs', 'edit_json(make_run(), lambda d: d["net"].pop("synMechs"))\ncli("info", "run_data.json")'),
    ('CLI', 'neuroloom info on a mismatched column lengths', 'edit_json(make_run(), lambda d: d["net"]["conns"]["weight"].pop())\ncli("info", "run_data.json")'),
    ('CLI', 'neuroloom info on a pre_gid 999', 'edit_json(make_run(), lambda d: d["net"]["conns"]["pre_gid"].__setitem__(0, 999))\ncli("info", "run_data.json")'),
    ('CLI', 'neuroloom info on a sec out of range', 'edit_json(make_run(), lambda d: d["net"]["conns"]["sec"].__setitem__(0, 7))\ncli("info", "run_data.json")'),
    ('CLI', 'neuroloom info on a loc 5', 'edit_json(make_run(), lambda d: d["net"]["conns"]["loc"].__setitem__(0, 5))\ncli("info", "run_data.json")'),
    ('CLI', 'neuroloom info on a NaN weight in .h5', 'edit_h5(make_run("run_data.h5"), lambda f: replace_dataset(f, "net/conns/weight", np.r_[np.nan, f["net/conns/weight"][1:]]))\ncli("info", "run_data.h5")'),
    ('CLI', 'neuroloom info on a catalogs JSON text damaged in .h5', 'edit_h5(make_run("run_data.h5"), lambda f: replace_dataset(f, "net/catalogs", np.asarray("{not json", dtype=object).astype("S")))\ncli("info", "run_data.h5")'),
    ('CLI', 'neuroloom info on a net is a number', 'edit_json(make_run(), lambda d: d.update(net=5))\ncli("info", "run_data.json")'),
    ('CLI', 'neuroloom validate on a truncated .h5', 'truncate(make_run("run_data.h5"), 0.5)\ncli("validate", "run_data.h5")'),
    ('CLI', 'neuroloom convert of a truncated .json', 'truncate(make_run(), 0.6)\ncli("convert", "run_data.json", "out.json")'),
    ('CLI', 'neuroloom info on a file that does not exist', 'cli("info", "nothing_data.json")'),
    ('CLI', 'neuroloom info on a .txt', 'Path("notes.txt").write_text("x")\ncli("info", "notes.txt")'),
    ('CLI', 'neuroloom info on a folder without a SONATA config', 'Path("empty").mkdir()\ncli("info", "empty")'),
    ('CLI', 'neuroloom info on a NetPyNE file with a NaN weight', 'data = json.loads(NETPYNE_RUN.read_text())\nnext(c for c in data["net"]["cells"][20]["conns"] if isinstance(c["preGid"], int))["weight"] = float("nan")\nPath("np_data.json").write_text(json.dumps(data))\ncli("info", "np_data.json")'),
]
