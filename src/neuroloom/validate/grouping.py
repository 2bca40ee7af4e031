"""Groups of populations written as one SONATA node population (simConfig.sonataPopulations,
or an export's ``populations``): the checks, shared by validation and the exporter."""
from __future__ import annotations

import difflib


def grouping_problems(grouping: dict, labels) -> list[tuple[str, str]]:
    """(key path, message) of each problem: every group names existing populations, each
    at most once, and no group takes the name of a population outside it."""
    labels, seen, problems = list(labels), {}, []
    for name, members in grouping.items():
        key = f"[{name!r}]"
        if not isinstance(name, str) or not name or "/" in name:
            problems.append((key, "not a valid SONATA population name"))
            continue
        if isinstance(members, str) or not isinstance(members, (list, tuple)) or not members:
            problems.append((key, "give a non-empty list of population labels"))
            continue
        for label in members:
            if label not in labels:
                close = difflib.get_close_matches(str(label), labels, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                problems.append((key, f"unknown population '{label}'{hint}"))
            elif label in seen:
                problems.append((key, f"population '{label}' is also in '{seen[label]}'"))
            else:
                seen[label] = name
        if name in labels and name not in members:
            problems.append((key, f"'{name}' is the name of a population outside this "
                                  "group"))
    return problems
