"""simConfig's LFP and current dipole options -> LFPSpec (None when neither is asked for).

recordLFP: electrode positions [[x, y, z], ...] in um (y is depth, as cell positions);
saveLFPCells / saveDipoleCells: True or a cell list ('all', gids, pops, (pop, index));
saveLFPPops / saveDipolePops: True or population labels; lfpSigma: S/m; recordDipole.
"""
from __future__ import annotations

from numbers import Real

from .cell_lists import cell_list
from .types import LFPSpec


def lfp_spec(c, pop_labels, check) -> LFPSpec | None:
    electrodes = _electrodes(c.recordLFP, check)
    dipole = check.boolean(c.recordDipole, "recordDipole")
    sigma = check.number(c.lfpSigma, "lfpSigma", positive=True, default=0.3)
    saved = {}
    for name in ("saveLFPCells", "saveDipoleCells"):
        value = getattr(c, name)
        if value is True:
            saved[name] = ("all",)
        elif value is False or value is None or (isinstance(value, (list, tuple))
                                                 and not value):
            saved[name] = ()
        else:
            saved[name] = cell_list(value, name, pop_labels, check)
    for name in ("saveLFPPops", "saveDipolePops"):
        saved[name] = _pops(getattr(c, name), name, pop_labels, check)
    for names, needs, given in ((("saveLFPCells", "saveLFPPops"), "recordLFP", electrodes),
                                (("saveDipoleCells", "saveDipolePops"), "recordDipole",
                                 dipole)):
        for name in names:
            if saved[name] and not given:
                check.add(name, f"needs {needs}" + (" (the electrode positions)"
                                                    if needs == "recordLFP" else " = True"))
    if not electrodes and not dipole:
        return None
    return LFPSpec(electrodes=electrodes, sigma=sigma, dipole=dipole,
                   lfp_cells=saved["saveLFPCells"], lfp_pops=saved["saveLFPPops"],
                   dipole_cells=saved["saveDipoleCells"], dipole_pops=saved["saveDipolePops"])


def _electrodes(value, check) -> tuple:
    if value is None or value is False:
        return ()
    if hasattr(value, "tolist"):  # a numpy array of positions
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        check.add("recordLFP", f"must be a list of electrode positions [[x, y, z], ...] in "
                               f"um, not {value!r}")
        return ()
    out = []
    for i, point in enumerate(value):
        path = f"recordLFP[{i}]"
        if not isinstance(point, (list, tuple)) or len(point) != 3:
            check.add(path, f"must be an electrode position [x, y, z] in um, not {point!r}")
            continue
        coords = [check.number(v, f"{path}[{j}]") for j, v in enumerate(point)]
        if all(isinstance(v, Real) for v in coords):
            out.append(tuple(coords))
    return tuple(out)


def _pops(value, name, pop_labels, check) -> tuple:
    if value is True:
        return tuple(pop_labels)
    if value is False or value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        check.add(name, f"must be True, False or a list of population labels, not {value!r}")
        return ()
    return tuple(dict.fromkeys(label for i, label in enumerate(value)
                               if check.reference(label, f"{name}[{i}]", "population",
                                                  pop_labels) is not None))
