"""Label <-> code maps shared by the builders."""
from __future__ import annotations

import numpy as np


class Catalogs:
    """Codes of synaptic mechanisms, stim sources and section names for one network."""

    def __init__(self, cell_types, syn_mechs, stim_sources):
        self.section_names = tuple(dict.fromkeys(
            s.name for t in cell_types for s in t.sections))
        self.sec_code = {name: i for i, name in enumerate(self.section_names)}
        self.syn_code = {m.label: i for i, m in enumerate(syn_mechs)}
        self.pointer = {m.label: m.pointer is not None for m in syn_mechs}
        self.source_code = {s.label: i for i, s in enumerate(stim_sources)}
        # per cell type code: the code of the section used when a rule names none
        self._default_sec = np.array([self.sec_code.get(t.default_sec, -1)
                                      for t in cell_types], dtype=np.int16)

    def sec_codes(self, sec: str | None, cell_type_codes: np.ndarray) -> np.ndarray:
        """Section codes for rows whose target cells have these cell types (-1 for
        artificial cells, which have none)."""
        if sec is None:
            return self._default_sec[cell_type_codes]
        return np.full(len(cell_type_codes), self.sec_code[sec], dtype=np.int16)
