"""Regenerate ``jlems_random_sources.json``: the spikes jLEMS fires for the random (and,
alongside, the deterministic) spike sources of two LEMS examples, over several seeds.

jNeuroML's NEURON code for Poisson sources does not compile on NEURON 9, so the reference
is jLEMS (``pynml LEMS_x.xml -nogui``). For each example and seed this script copies
``LEMSexamples/`` and ``examples/`` into a fresh temporary folder, writes a copy of the LEMS
file with ``seed="<seed>"`` on its <Simulation> and one ``<EventOutputFile format="TIME_ID">``
selecting the source cells below (and, in Ex16, the cells driven by its Poisson inputs:
izhPop[8] by poissonFiringSyn, izhPop[10] by transPoissonFiringSyn), runs jLEMS and keeps
the spike times (ms) per cell.
tests/engine/test_neuroml_random_sources.py compares neuroloom's counts with these
(statistically: the trains are random) and the deterministic sources' times exactly.

Run from the project root (about 10 minutes, one JVM at a time)::

    .venv/bin/python tests/data/neuroml_reference/make_random_sources.py
"""
from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CORPUS = Path("/work/shared/neuroml-examples")
OUT = Path(__file__).with_name("jlems_random_sources.json")
#: example -> (cells whose spikes are kept, seeds)
RUNS = {
    "LEMS_NML2_Ex14_PyNN.xml": (["pop_spikes1[0]", "pop_spikes2[0]"], range(1, 25)),
    "LEMS_NML2_Ex16_Inputs.xml": (["spikeGenPoissonPop[0]", "spikeGenRefPoissonPop[0]",
                                   "spikeGenRandomPop[0]", "spikeGenRegularPop[0]",
                                   "spikeArrPop[0]", "izhPop[8]", "izhPop[10]"], range(1, 5)),
}
PYNML = Path(sys.executable).with_name("pynml")


def run(name: str, cells: list[str], seed: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        for part in ("LEMSexamples", "examples"):
            shutil.copytree(CORPUS / part, Path(tmp) / part)
        folder = Path(tmp) / "LEMSexamples"
        text = (folder / name).read_text()
        text = re.sub(r'(<Simulation\b[^>]*?)\s+seed="[^"]*"', r"\1", text)
        text = re.sub(r"<Simulation\b", f'<Simulation seed="{seed}"', text, count=1)
        events = ('<EventOutputFile id="neuroloom_ref" fileName="ref.spikes" '
                  'format="TIME_ID">'
                  + "".join(f'<EventSelection id="{i}" select="{cell}" eventPort="spike"/>'
                            for i, cell in enumerate(cells)) + "</EventOutputFile>")
        text = text.replace("</Simulation>", events + "</Simulation>", 1)
        (folder / "ref.xml").write_text(text)
        subprocess.run([str(PYNML), "ref.xml", "-nogui"], cwd=folder, check=True,
                       capture_output=True)
        spikes = {cell: [] for cell in cells}
        for line in (folder / "ref.spikes").read_text().split("\n"):
            if line.strip():
                time, index = line.split()
                spikes[cells[int(index)]].append(round(float(time) * 1000.0, 6))
        return spikes


def main() -> None:
    out = {"reference": "jLEMS (pynml -nogui), pyNeuroML "
                        + importlib.metadata.version("pyNeuroML"),
           "examples": {}}
    for name, (cells, seeds) in RUNS.items():
        out["examples"][name] = {str(seed): run(name, cells, seed) for seed in seeds}
        print(name, "done", flush=True)
    OUT.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
