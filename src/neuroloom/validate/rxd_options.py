"""What a simConfig may say about reaction-diffusion: traces of a species on a region
('ca[cyt]') and plotRxDConcentration's options (its entry in validate/plots.py's table
of plots refers to check_rxd_plot_options)."""
from __future__ import annotations

from numbers import Real

from ..model.rxd import TRACE_VAR
from .checker import attr_path

PLANES = ("xy", "xz", "zy")


def check_rxd_plot_options(options, path, pop_labels, species_regions, check) -> None:
    """plotRxDConcentration names a species (state, parameter) and one of its regions
    (``species_regions``: Names.rxd)."""
    _species_on_region(options.get("speciesLabel"), options.get("regionLabel"),
                       attr_path(path, "speciesLabel"), attr_path(path, "regionLabel"),
                       species_regions, check)
    if options["plane"] not in PLANES:
        check.reference(options["plane"], attr_path(path, "plane"), "plane", PLANES)
    clim = options["clim"]
    if clim is not None and not (isinstance(clim, (list, tuple)) and len(clim) == 2 and
                                 all(isinstance(v, Real) for v in clim)):
        check.add(attr_path(path, "clim"), f"must be [min, max], not {clim!r}")


def check_trace_var(var, path, species_regions, check) -> None:
    """A trace's var 'ca[cyt]' must name a species and one of its regions."""
    match = TRACE_VAR.match(var) if isinstance(var, str) else None
    if match is not None:
        _species_on_region(*match.groups(), path, path, species_regions, check)


def _species_on_region(label, region, species_path, region_path, species_regions, check):
    known = dict(species_regions)
    if not known:
        check.add(species_path, "there is no reaction-diffusion (netParams.rxdParams)")
        return
    if check.reference(label, species_path, "rxd species", known) is not None:
        check.reference(region, region_path, f"region of '{label}'", known[label])
