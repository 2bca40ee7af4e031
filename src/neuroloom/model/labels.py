"""Labels <-> codes: the one way the network's catalogs are numbered.

Table rows hold codes into catalogs (Network.section_names, syn_mechs, conn_rules...): the
code of an item is its position in the catalog. The builder and the importers number their
catalogs with ``LabelCodes``.
"""
from __future__ import annotations

from ..errors import FormatError


class LabelCodes:
    """The codes of a catalog's items by label (an item is a label, or has ``.label``).

    A growing catalog gives a label it has not seen the next code (``code``); a fixed one
    (read whole from a file, e.g. the catalogs neuroloom exported) refuses it.
    ``codes[label]`` looks a label up without adding it (KeyError if absent).
    """

    def __init__(self, items=(), fixed: bool = False):
        self._items, self.fixed = list(items), fixed
        self._codes = {self._label(item): i for i, item in enumerate(self._items)}

    @staticmethod
    def _label(item) -> str:
        return getattr(item, "label", item)

    def code(self, item, where: str = "") -> int:
        """The code of ``item``, added to a growing catalog if new."""
        label = self._label(item)
        if label not in self._codes:
            if self.fixed:
                raise FormatError(f"{where}: '{label}' is not in the exported catalogs")
            self._codes[label] = len(self._items)
            self._items.append(item)
        return self._codes[label]

    def __getitem__(self, label) -> int:
        return self._codes[label]

    def get(self, label, default=None):
        return self._codes.get(label, default)

    def __contains__(self, label) -> bool:
        return label in self._codes

    def __len__(self) -> int:
        return len(self._items)

    @property
    def items(self) -> tuple:
        """The catalog, in code order."""
        return tuple(self._items)
