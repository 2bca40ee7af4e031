"""Lists of cells as the tutorial writes them (recordCells, plots' include, reports'
cells, rxd regions' cells): 'all', gids, population labels, (pop, index) or
(pop, [indices]); model/include.py resolves the normalised items to gids."""
from __future__ import annotations

from numbers import Real

PLOT_INCLUDE_SPECIAL = ("all", "allCells")


def cell_list(include, path, pop_labels, check) -> tuple:
    """A list of cells as the tutorial writes them: 'all', gids, pop labels, (pop, index)
    or (pop, [indices]) tuples. Returned as a tuple of normalised items."""
    if isinstance(include, (str, int)) or (isinstance(include, tuple) and len(include) == 2
                                           and isinstance(include[0], str)):
        include = [include]
    if not isinstance(include, (list, tuple, range)):
        check.add(path, f"must be a list of gids, population labels or (pop, index) pairs, "
                        f"not {include!r}")
        return ()
    items = []
    for i, item in enumerate(include):
        item_where = f"{path}[{i}]"
        if isinstance(item, bool):
            check.add(item_where, f"must be a gid, a population label or (pop, index), "
                                  f"not {item!r}")
        elif isinstance(item, Real) and float(item).is_integer() and item >= 0:
            items.append(int(item))
        elif isinstance(item, str):
            if item not in PLOT_INCLUDE_SPECIAL:
                check.reference(item, item_where, "population", list(pop_labels)
                                + list(PLOT_INCLUDE_SPECIAL))
            items.append(item)
        elif isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str):
            check.reference(item[0], item_where, "population", pop_labels)
            index = item[1]
            index = list(index) if isinstance(index, (list, tuple, range)) else [index]
            if not all(isinstance(j, int) and not isinstance(j, bool) and j >= 0 for j in index):
                check.add(item_where, f"cell indices must be whole numbers >= 0, not {item[1]!r}")
            else:
                items.append((item[0], tuple(index)))
        else:
            check.add(item_where, f"must be a gid, a population label or (pop, index), "
                                  f"not {item!r}")
    return tuple(items)
