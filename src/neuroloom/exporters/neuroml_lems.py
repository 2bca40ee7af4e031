"""The LEMS simulation file written beside an exported NeuroML2 network."""
from __future__ import annotations

from pathlib import Path

import neuroml

from ..neuroml import conventions as nc
from .neuroml_lems_only import LEMS_ONLY_SUFFIX


def lems_text(plan, network_file: str, run) -> str:
    """A LEMS simulation of the network that records every cell's spikes (ID_TIME, in
    seconds) into <reference>.spikes beside it: a file name without a folder, so that
    jNeuroML (whose NEURON run saves nothing into a missing folder) runs it wherever the
    two files are, with no folder to make."""
    name = Path(network_file).name.split(".")[0]
    selections = []
    k = 0
    for code, pop in enumerate(plan.net.pops):
        ids = plan.pop_ids[code]
        for i in range(pop.size):
            if not _has_threshold(plan, pop, i):
                k += 1  # k stays the gid
                continue
            select = f"{ids[0]}/{i}/{plan.components[code][0]}" if len(ids) == 1 \
                else f"{ids[i]}/0/{plan.components[code][i]}"
            selections.append(f'            <EventSelection id="{k}" select="{select}" '
                              f'eventPort="spike"/>')
            k += 1
    events = "\n".join(selections)
    # PyNN's cells and synapses read from NeuroML (Ex23's IF_curr_alpha) are defined there
    pynn = any(isinstance(c, (neuroml.basePyNNCell, neuroml.BasePynnSynapse,
                              neuroml.SpikeSourcePoisson))
               for c in getattr(plan, "kept", {}).values())
    pynn_include = '\n    <Include file="PyNN.xml"/>' if pynn else ""
    # what NeuroML's schema cannot hold, and the network using it (neuroml_lems_only.py)
    lems_only = (f'\n    <Include file="{name}{LEMS_ONLY_SUFFIX}"/>'
                 if getattr(plan, "lems_file", None) else "")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Lems xmlns="http://www.neuroml.org/lems/0.7.6"
      xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
      xsi:schemaLocation="http://www.neuroml.org/lems/0.7.6 https://raw.githubusercontent.com/LEMS/LEMS/development/Schemas/LEMS/LEMS_v0.7.6.xsd">
    <!-- written by neuroloom: event selection k is the cell with gid k -->
    <Target component="sim_{name}"/>
    <Include file="Cells.xml"/>{pynn_include}
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <Include file="{network_file}"/>{lems_only}
    <Simulation id="sim_{name}" length="{nc.num(run.duration)}ms" step="{nc.num(run.dt)}ms" target="network" seed="1">
        <EventOutputFile id="spikes" fileName="{name}.spikes" format="ID_TIME">
{events}
        </EventOutputFile>
    </Simulation>
</Lems>
"""


def _has_threshold(plan, pop, i: int) -> bool:
    """Whether jNeuroML can record the spikes of a population's i-th cell: its NEURON export
    watches a cell's ``v_thresh``, which PyNN's HH_cond_exp has not ("No such field
    'v_thresh'", Ex14), so such cells get no EventSelection (neuroloom still runs them)."""
    code = int(plan.net.cells.cell_type[pop.gid_start + i])
    exported = getattr(plan, "cells", {}).get(code)
    component = getattr(exported, "component", None)
    return not (isinstance(component, neuroml.basePyNNCell)
                and getattr(component, "v_thresh", None) is None)
