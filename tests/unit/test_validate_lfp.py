"""simConfig's LFP and dipole options: defaults, accepted forms, and every problem with
its dotted path (no NEURON needed)."""
import pytest
import numpy as np

from neuroloom.validate import validate
from test_validate import problems, tut2  # noqa: F401 - tut2 is a fixture


def test_off_by_default(tut2):
    assert validate(*tut2)[1].lfp is None


def test_accepted_forms(tut2):
    net, cfg = tut2
    cfg.recordLFP = np.array([[50, 100, 50], [50, 200.5, 50]])
    cfg.saveLFPCells = ['S', ('M', [0, 2]), 3]
    cfg.saveLFPPops = True
    cfg.lfpSigma = 0.5
    lfp = validate(net, cfg)[1].lfp
    assert lfp.electrodes == ((50.0, 100.0, 50.0), (50.0, 200.5, 50.0))
    assert lfp.lfp_cells == ('S', ('M', (0, 2)), 3) and lfp.lfp_pops == ('S', 'M')
    assert lfp.sigma == 0.5 and not lfp.dipole and lfp.dipole_cells == ()
    cfg.recordLFP, cfg.saveLFPCells, cfg.saveLFPPops = [], False, False
    cfg.recordDipole, cfg.saveDipoleCells, cfg.saveDipolePops = True, True, ['M']
    lfp = validate(net, cfg)[1].lfp
    assert lfp.electrodes == () and lfp.dipole and lfp.sigma == 0.5
    assert lfp.dipole_cells == ('all',) and lfp.dipole_pops == ('M',)


def test_every_problem_with_its_path(tut2):
    net, cfg = tut2
    cfg.recordLFP = [[1, 2, 3], [1, 2], 'x', [1, None, 3]]
    cfg.saveLFPCells = [('Q', 1)]
    cfg.saveLFPPops = ['M', 'Mx']
    cfg.lfpSigma = 0
    cfg.saveDipolePops = True
    assert problems(net, cfg) == [
        "recordLFP[1]: must be an electrode position [x, y, z] in um, not [1, 2]",
        "recordLFP[2]: must be an electrode position [x, y, z] in um, not 'x'",
        "recordLFP[3][1]: must be a number, not None",
        "lfpSigma: must be > 0, not 0",
        "saveLFPCells[0]: unknown population 'Q'; valid names are 'M', 'S'",
        "saveLFPPops[1]: unknown population 'Mx'; did you mean 'M'?",
        "saveDipolePops: needs recordDipole = True"]


def test_saving_cells_needs_electrodes_and_names_are_checked(tut2):
    net, cfg = tut2
    cfg.saveLFPCells = True
    cfg.recordLFP = 'here'
    cfg.lfpsigma = 0.3  # a near miss of an option: NetPyNE's user variable, with a warning
    cfg.recordDipolesHNN = True
    with pytest.warns(UserWarning, match="'lfpsigma' is not an option; did you mean 'lfpSigma'"):
        found = problems(net, cfg)
    assert found == [
        "recordDipolesHNN: 'recordDipolesHNN' is not supported yet (HNN-style dipoles)",
        "recordLFP: must be a list of electrode positions [[x, y, z], ...] in um, not 'here'",
        "saveLFPCells: needs recordLFP (the electrode positions)"]
