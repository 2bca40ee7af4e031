"""'Did you mean ...?' suggestions for misspelt names."""
from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most similar to ``name``, or None when nothing is close."""
    candidates = [str(c) for c in candidates]
    by_case = {c.lower(): c for c in candidates}
    if name.lower() in by_case:
        return by_case[name.lower()]
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=cutoff)
    if not matches:
        lowered = difflib.get_close_matches(name.lower(), list(by_case), n=1, cutoff=cutoff)
        matches = [by_case[m] for m in lowered]
    return matches[0] if matches else None


def hint(name: str, candidates: Iterable[str]) -> str:
    """A sentence to append to an 'unknown name' message."""
    candidates = sorted(str(c) for c in candidates)
    match = closest(name, candidates)
    if match is not None:
        return f"did you mean '{match}'?"
    if not candidates:
        return "none are defined"
    shown = ", ".join(f"'{c}'" for c in candidates[:12])
    more = ", ..." if len(candidates) > 12 else ""
    return f"valid names are {shown}{more}"
