"""Importers of cells and networks from other formats (hoc, NeuroML2, SONATA)."""
