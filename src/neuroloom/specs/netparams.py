"""NetParams: the network part of a model spec, as in the tutorial."""
from __future__ import annotations

from .base import SpecObject
from .dicts import ODict

#: The rule dictionaries a NetParams holds, in the order the network is built from them.
RULE_DICTS = (
    "cellParams",
    "popParams",
    "synMechParams",
    "connParams",
    "subConnParams",
    "stimSourceParams",
    "stimTargetParams",
    "rxdParams",
)


class NetParams(SpecObject):
    """Cells, populations, synapses, connectivity and stimulation of a network.

    Every rule dictionary starts empty; the scalar options have NetPyNE's defaults.
    Attributes that are not options (``netParams.probLengthConst = 150``) are the user's
    own model variables.
    """

    DEFAULTS = {
        **{name: ODict() for name in RULE_DICTS},
        # volume that holds the cells (um): a box, or the cylinder (axis y) or ellipsoid in it
        "sizeX": 100.0,
        "sizeY": 100.0,
        "sizeZ": 100.0,
        "shape": "cuboid",
        "scale": 1.0,  # multiplies the numbers of cells (numCells, density)
        # what a rule gets when it does not say
        "defaultWeight": 1.0,
        "defaultDelay": 1.0,  # ms
        "defaultThreshold": 10.0,  # mV, spike detection
        "propVelocity": 500.0,  # um/ms, for string functions such as 'dist_3D/propVelocity'
        # global scaling of connection weights
        "scaleConnWeight": 1.0,
        "scaleConnWeightNetStims": 1.0,
    }

    def importCellParams(self, label, fileName, cellName=None, conds=None, cellArgs=None,
                         importSynMechs=False, somaAtOrigin=True, cellInstance=False):
        """Import a cell from a hoc template (.hoc, .tem), a Python class (.py), a
        morphology (.swc, .asc) or a NeuroML2 file (.nml) into ``cellParams[label]``, a
        plain entry (sections, geometry, pt3d, topology, mechanisms, ions, secLists) that
        can be saved, exported and modified. With ``importSynMechs`` the cell's synapses
        become synMechParams entries labelled `'<cellName>_<mod>'`. Returns the entry."""
        from ..errors import SpecError
        from ..importers.cells import import_cell

        if conds:
            raise SpecError(f"importCellParams('{label}'): conds are not used; a population "
                            "selects the cell type by its cellType label")
        params, syn_mechs = import_cell(fileName, cellName, cellArgs, importSynMechs,
                                        somaAtOrigin, cellInstance)
        self.cellParams[label] = params
        for mod, mech in syn_mechs.items():
            self.synMechParams[f"{cellName}_{mod}"] = mech
        return self.cellParams[label]
