"""The canonical network model: tables of cells, connections and stimuli plus catalogs."""
from .catalog import CellType, Population, Section, StimSource, SynMech
from .network import Network, Provenance
from .tables import CellTable, ConnTable, StimTable

__all__ = ["CellType", "Population", "Section", "StimSource", "SynMech", "Network",
           "Provenance", "CellTable", "ConnTable", "StimTable"]
