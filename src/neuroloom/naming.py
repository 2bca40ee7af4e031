"""Names the exporters make up: unique within what a file already uses."""
from __future__ import annotations


def unique(name: str, taken: set) -> str:
    """``name``, or ``name_2``, ``name_3``... the first not in ``taken`` (which it joins)."""
    base, n = name, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name
