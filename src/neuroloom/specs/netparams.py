"""NetParams: the network part of a model spec, as in the tutorial."""
from __future__ import annotations

from ..errors import SpecError
from ..validate.options import NETPARAMS_OPTIONS
from .base import SpecObject, spec_defaults
from .cell_files import import_cell


class NetParams(SpecObject):
    """Cells, populations, synapses, connectivity and stimulation of a network.

    Every rule dictionary (cellParams, popParams, synMechParams, connParams,
    subConnParams, stimSourceParams, stimTargetParams, rxdParams) starts empty; the scalar
    options have NetPyNE's defaults (validate/options.py lists them). Attributes that are
    not options (``netParams.probLengthConst = 150``) are the user's own model variables,
    usable in string functions.

    Parameters
    ----------
    values : dict, optional
        Options, rules and user variables to set, e.g. a saved netParams.
    **kwargs
        More of them.
    """

    SPEC_KIND = "NetParams"  # how validation recognises it
    DEFAULTS = spec_defaults(NETPARAMS_OPTIONS)

    def importCellParams(self, label, fileName, cellName=None, conds=None, cellArgs=None,
                         importSynMechs=False, somaAtOrigin=True, cellInstance=False):
        """Import a cell file into ``cellParams[label]``.

        The entry is plain data (sections, geometry, pt3d, topology, mechanisms, ions,
        secLists) that can be saved, exported and modified. hoc templates, Python classes
        and morphologies are run in NEURON (their mechanisms must be loaded), NeuroML2
        cells read with libNeuroML.

        Parameters
        ----------
        label : str
            The cellParams label.
        fileName : str or pathlib.Path
            A hoc template (.hoc, .tem), a Python class (.py), a morphology (.swc, .asc) or
            a NeuroML2 file (.nml).
        cellName : str, optional
            The template or class to instantiate (NeuroML2: the cell's id; default the
            file's first cell).
        conds : dict, optional
            Not used: populations select the cell type by its label (an error if given).
        cellArgs : list or dict, optional
            Arguments of the template or class.
        importSynMechs : bool, default False
            Also make the cell's synapses synMechParams entries labelled
            ``'<cellName>_<mod>'``.
        somaAtOrigin : bool, default True
            Move the 3D points so the soma's middle is at (0, 0, 0).
        cellInstance : bool, default False
            ``cellName`` names an object the file creates, not a template to call.

        Returns
        -------
        specs.Dict
            The cellParams entry.

        Raises
        ------
        FormatError
            The file does not exist or does not define the cell.
        """
        if conds:
            raise SpecError(f"importCellParams('{label}'): conds are not used; a population "
                            "selects the cell type by its cellType label")
        params, syn_mechs = import_cell(fileName, cellName, cellArgs, importSynMechs,
                                        somaAtOrigin, cellInstance)
        self.cellParams[label] = params
        for mod, mech in syn_mechs.items():
            self.synMechParams[f"{cellName}_{mod}"] = mech
        return self.cellParams[label]
