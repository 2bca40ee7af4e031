"""Lists of cells as the tutorial writes them (recordCells, plots' include, reports'
cells, rxd regions' cells): 'all', gids, population labels, (pop, index) or
(pop, [indices]); model/include.py resolves the normalised items to gids."""
from __future__ import annotations

from numbers import Real

from .checker import Checker, attr_path, item_path

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


def cell_lists_in_range(run, output, network) -> None:
    """Every gid and (pop, index) of simConfig's cell lists (recordCells, analysis'
    include/includePre/includePost, sonataReports' cells) must name a cell of the built
    ``network``: one that does not is an error naming the list, the index and the
    population's size (population sizes are known only once the network is built)."""
    check = Checker()
    lists = [("recordCells", run.record_cells)]
    lists += [(attr_path(item_path("analysis", name), key), value)
              for name, options in output.analysis for key, value in options
              if key in ("include", "includePre", "includePost") and value]
    lists += [(attr_path(item_path("sonataReports", r.label), "cells"), r.cells)
              for r in output.reports]
    sizes = {p.label: p.size for p in network.pops}
    for path, items in lists:
        for i, item in enumerate(items):
            if isinstance(item, int) and item >= network.num_cells:
                check.add(f"{path}[{i}]", f"gid {item} is out of range: the network has "
                                          f"{network.num_cells} cells")
            elif isinstance(item, tuple) and item[0] in sizes:
                size = sizes[item[0]]
                for index in item[1]:
                    if index >= size:
                        check.add(f"{path}[{i}]", f"index {index} is out of range: population "
                                                  f"'{item[0]}' has {size} cells")
    check.raise_if_any()
