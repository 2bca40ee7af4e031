"""What the NeuroML reader (neuroml/reader.py) hands on: components, populations,
projections, networks, outputs and the document holding them."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import FormatError

@dataclass
class Component:
    type: str
    id: str
    element: ET.Element
    file: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}: <{self.type} id=\"{self.id}\">"


@dataclass
class PopulationData:
    id: str
    component: str
    size: int
    where: str
    instance_ids: np.ndarray | None = None  # None: no instances
    x: np.ndarray | None = None
    y: np.ndarray | None = None
    z: np.ndarray | None = None

    def positions(self) -> tuple:
        """(x, y, z) of cells 0..size-1 (0 for a population without instances)."""
        if self.instance_ids is None:
            return np.zeros(self.size), np.zeros(self.size), np.zeros(self.size)
        order = np.argsort(self.instance_ids, kind="stable")
        if not np.array_equal(self.instance_ids[order], np.arange(self.size)):
            raise FormatError(f"{self.where}: instance ids must be 0..{self.size - 1}")
        return self.x[order], self.y[order], self.z[order]


@dataclass
class ProjectionData:
    """A projection, electrical projection or input list as columns."""

    kind: str  # 'projection', 'electricalProjection', 'inputList'
    id: str
    pre: str  # presynaptic population ('' for an input list)
    post: str  # postsynaptic or target population
    component: str  # synapse or input component
    where: str
    columns: dict = field(default_factory=dict)  # name -> list, then numpy arrays


@dataclass
class NetworkData:
    """One <network> as read: its populations and projections."""

    id: str
    where: str
    file: Path
    temperature: str | None = None
    annotation: str | None = None  # neuroloom's (see neuroml/annotation.py)
    populations: list = field(default_factory=list)
    projections: list = field(default_factory=list)  # ProjectionData (all three kinds)


@dataclass
class OutputData:
    """A LEMS <OutputFile> (items: (id, quantity, where) of its OutputColumns) or
    <EventOutputFile> (items: (id, select, eventPort, where) of its EventSelections)."""

    kind: str  # 'OutputFile' or 'EventOutputFile'
    id: str
    file_name: str
    where: str
    format: str = ""  # EventOutputFile: ID_TIME or TIME_ID
    items: list = field(default_factory=list)


@dataclass
class Document:
    path: Path
    components: dict = field(default_factory=dict)  # id -> Component
    populations: list = field(default_factory=list)  # of the chosen network (below)
    projections: list = field(default_factory=list)  # ProjectionData (all three kinds)
    network_id: str = ""
    temperature: str | None = None
    annotation: str | None = None  # neuroloom's (see neuroml/annotation.py)
    # LEMS: {'id', 'length', 'step', 'target', 'where', 'outputs': [OutputData]}, the one
    # the file's <Target> names (else the only one)
    simulation: dict | None = None
    component_types: set = field(default_factory=set)  # LEMS ComponentTypes defined
    files: list = field(default_factory=list)  # every file read (for cache digests)
    networks: dict = field(default_factory=dict)  # id -> NetworkData, of every file read
    simulations: dict = field(default_factory=dict)  # id -> simulation, of every file
    target: tuple | None = None  # the top file's <Target>: (component, where)
