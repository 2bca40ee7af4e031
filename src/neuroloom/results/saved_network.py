"""The cells' sections of a network saved without them (simConfig.saveCellSecs False).

NetPyNE then saves every cell with empty 'secs' (smaller files, but the network cannot be
simulated again from them). neuroloom saves each cell type's sections once, and without
them writes empty 'sections' and names 'secs' in the saved net's 'omitted'. Loading such a
file makes the sections again from the cellParams of the netParams saved with it (the
cell types the rules make are the same, given the seeds the network was built with); a
file without its netParams cannot give them back, which is an error.
"""
from __future__ import annotations

from dataclasses import replace

from ..builder import build_network
from ..errors import FormatError
from ..model.serialize import catalogs_to_dict
from ..specs import NetParams
from ..validate import validate
from ..validate.options import SIMCONFIG_OPTIONS

#: what a cell type keeps of its sections when they are left out
SECTION_KEYS = ("sections", "sec_lists")


def without_cell_secs(net: dict) -> dict:
    """A saved network's dict (``model.serialize.network_to_dict``) without its cell
    types' sections, saying so in ``omitted``.

    Parameters
    ----------
    net : dict
        The network as saved.

    Returns
    -------
    dict
        A new dict; ``net`` is not changed.
    """
    cell_types = [{**t, "sections": [], "sec_lists": []} for t in net["cellTypes"]]
    omitted = [*net.get("omitted", ()), "secs"]
    return {**net, "cellTypes": cell_types, "omitted": omitted}


def with_cell_secs(net: dict, payload: dict, where: str) -> dict:
    """A saved network's dict with its cell types' sections: as saved, or made again from
    the saved netParams' cellParams when the file was saved without them.

    Parameters
    ----------
    net : dict
        The payload's ``net``.
    payload : dict
        The whole saved run (its ``netParams`` give the sections back).
    where : str
        Names the file in messages.

    Returns
    -------
    dict
        ``net`` itself when it has its sections, else a new dict with them.

    Raises
    ------
    FormatError
        It was saved without its sections and without the netParams that make them, or
        those netParams make other cell types than the saved ones.
    """
    if "secs" not in net.get("omitted", ()):
        return net
    raw = payload.get("netParams")
    if raw is None:
        raise FormatError(f"{where} was saved without its cells' sections (simConfig."
                          "saveCellSecs False) and without the netParams that make them: "
                          "load its simData alone (sim.loadSimData), or save with "
                          "'netParams' in saveDataInclude")
    net_params = NetParams({k: v for k, v in dict(raw).items() if not str(k).startswith("_")})
    spec, _, _ = validate(net_params)
    # the cell types alone: cells placed and typed, no connections or stimuli
    seeds = {**SIMCONFIG_OPTIONS["seeds"], **dict(net["provenance"]["seeds"])}
    built = build_network(replace(spec, conn_rules=(), sub_conn_rules=(), stim_targets=()),
                          seeds)
    made = {t["label"]: t for t in catalogs_to_dict(built)["cellTypes"]}
    saved = [t["label"] for t in net["cellTypes"]]
    missing = [label for label in saved if label not in made]
    if missing:
        raise FormatError(f"{where} was saved without its cells' sections (simConfig."
                          f"saveCellSecs False), and its netParams do not make its cell "
                          f"types {', '.join(map(repr, missing))}")
    cell_types = [{**t, **{k: made[t["label"]][k] for k in SECTION_KEYS}}
                  for t in net["cellTypes"]]
    omitted = [o for o in net["omitted"] if o != "secs"]
    return {**net, "cellTypes": cell_types, "omitted": omitted}
