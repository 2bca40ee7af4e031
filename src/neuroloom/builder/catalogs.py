"""The codes of a network's catalogs while the builder fills its tables."""
from __future__ import annotations

import numpy as np

from ..model.labels import LabelCodes


class Catalogs:
    """Codes of synaptic mechanisms, stim sources and section names for one network."""

    def __init__(self, cell_types, syn_mechs, stim_sources):
        self.section_names = tuple(dict.fromkeys(
            name for t in cell_types for name in t.section_names))
        self.sec_code = LabelCodes(self.section_names, fixed=True)
        self.syn_code = LabelCodes(syn_mechs, fixed=True)
        self.pointer = {m.label: m.pointer is not None for m in syn_mechs}
        self.source_code = LabelCodes(stim_sources, fixed=True)
        # per cell type code: the code of the section used when a rule names none
        self._default_sec = np.array([self.sec_code.get(t.default_sec, -1)
                                      for t in cell_types], dtype=np.int16)

    def sec_codes(self, sec: str | None, cell_type_codes: np.ndarray) -> np.ndarray:
        """Section codes for rows whose target cells have these cell types (-1 for
        artificial cells, which have none)."""
        if sec is None:
            return self._default_sec[cell_type_codes]
        return np.full(len(cell_type_codes), self.sec_code[sec], dtype=np.int16)
