"""The canonical network model: tables of cells, connections and stimuli plus catalogs."""
from .catalog import (Artificial, CellType, PointProcess, Population, Section, StimSource,
                      SynMech)
from .network import Network, Provenance
from .tables import CellTable, ConnTable, SpikeTrains, StimTable

__all__ = ["Artificial", "PointProcess", "SpikeTrains", "CellType", "Population", "Section", "StimSource", "SynMech", "Network",
           "Provenance", "CellTable", "ConnTable", "StimTable"]
