"""Import a SONATA circuit written by another tool and simulate it.

The script first writes a small circuit the way BMTK-style tools lay one out (h5py only, no
neuroloom): 20 IntFire1 point neurons driven by a virtual population of 10 Poisson-like
spike trains, then imports it with sim.importSONATA, runs it and saves SONATA spikes."""
import csv
import json
from pathlib import Path

import h5py
import numpy as np

from neuroloom import sim


def write_circuit(folder: Path) -> Path:
    rng = np.random.default_rng(3)
    (folder / "network").mkdir(parents=True, exist_ok=True)
    (folder / "components").mkdir(exist_ok=True)
    (folder / "inputs").mkdir(exist_ok=True)
    (folder / "components" / "IntFire1.json").write_text(
        json.dumps({"tau": 0.02, "refrac": 0.003}))  # seconds, BMTK's convention
    (folder / "components" / "instantaneous.json").write_text(
        json.dumps({"level_of_detail": "instanteneous"}))
    populations = {"cortex": (20, 100, "point_process"), "thalamus": (10, 200, "virtual")}
    for name, (size, type_id, model_type) in populations.items():
        with h5py.File(folder / "network" / f"{name}_nodes.h5", "w") as f:
            group = f.create_group(f"nodes/{name}")
            group["node_id"] = np.arange(size, dtype=np.uint64)
            group["node_type_id"] = np.full(size, type_id, dtype=np.uint64)
            group["node_group_id"] = np.zeros(size, dtype=np.uint32)
            group["node_group_index"] = np.arange(size, dtype=np.uint64)
            group.create_group("0")
        with open(folder / "network" / f"{name}_node_types.csv", "w", newline="") as f:
            rows = csv.writer(f, delimiter=" ")
            if model_type == "virtual":
                rows.writerows([["node_type_id", "model_type"], [type_id, "virtual"]])
            else:
                rows.writerows([["node_type_id", "model_type", "model_template",
                                 "dynamics_params"],
                                [type_id, model_type, "nrn:IntFire1", "IntFire1.json"]])
    # every thalamic cell contacts 8 random cortical cells
    sources = np.repeat(np.arange(10), 8)
    targets = np.concatenate([rng.choice(20, 8, replace=False) for _ in range(10)])
    order = np.argsort(targets, kind="stable")
    with h5py.File(folder / "network" / "thalamus_cortex_edges.h5", "w") as f:
        group = f.create_group("edges/thalamus_to_cortex")
        group.create_dataset("source_node_id", data=sources[order].astype(np.uint64)
                             ).attrs["node_population"] = "thalamus"
        group.create_dataset("target_node_id", data=targets[order].astype(np.uint64)
                             ).attrs["node_population"] = "cortex"
        group["edge_type_id"] = np.full(len(order), 300, dtype=np.uint64)
        group["edge_group_id"] = np.zeros(len(order), dtype=np.uint32)
        group["edge_group_index"] = np.arange(len(order), dtype=np.uint64)
        group.create_group("0")
    with open(folder / "network" / "thalamus_cortex_edge_types.csv", "w", newline="") as f:
        csv.writer(f, delimiter=" ").writerows(
            [["edge_type_id", "delay", "syn_weight", "dynamics_params"],
             [300, 2.0, 0.6, "instantaneous.json"]])
    spikes = np.sort(rng.uniform(0, 500, size=(10, 15)), axis=1)  # ~30 Hz for 500 ms
    with h5py.File(folder / "inputs" / "thalamus_spikes.h5", "w") as f:
        group = f.create_group("spikes/thalamus")
        group["node_ids"] = np.repeat(np.arange(10), 15).astype(np.uint64)
        group["timestamps"] = spikes.ravel()
    config = {
        "manifest": {"$BASE": "."},
        "components": {"point_neuron_models_dir": "$BASE/components",
                       "synaptic_models_dir": "$BASE/components"},
        "networks": {
            "nodes": [{"nodes_file": f"$BASE/network/{n}_nodes.h5",
                       "node_types_file": f"$BASE/network/{n}_node_types.csv"}
                      for n in populations],
            "edges": [{"edges_file": "$BASE/network/thalamus_cortex_edges.h5",
                       "edge_types_file": "$BASE/network/thalamus_cortex_edge_types.csv"}]},
        "run": {"tstop": 500.0, "dt": 0.1, "spike_threshold": -15},
        "inputs": {"thalamus_spikes": {"input_type": "spikes", "module": "h5",
                                       "input_file": "$BASE/inputs/thalamus_spikes.h5",
                                       "node_set": "thalamus"}},
        "node_sets": {"thalamus": {"population": "thalamus"}},
        "output": {"output_dir": "$BASE/output", "spikes_file": "spikes.h5"}}
    path = folder / "config.json"
    path.write_text(json.dumps(config, indent=2))
    return path


config = write_circuit(Path("tiny_sonata"))
model = sim.importSONATA(config)
sim.simulate()
sim.saveData()
spikes = sim.allSimData['spkid']
for pop in model.network.pops:
    print(f"{pop.label}: {pop.size} cells, {np.isin(spikes, pop.gids).sum()} spikes")
