"""NetParams: the network part of a model spec, as in the tutorial."""
from __future__ import annotations

from ..errors import SpecError
from ..validate.options import NETPARAMS_OPTIONS, RULE_DICTS
from . import cell_rules
from .base import SpecObject, spec_defaults
from .cell_files import import_cell
from .dicts import Dict


def _rule_adder(kind: str):
    """NetPyNE's ``add<Kind>(label=None, params=None)`` method of the rule dictionary
    ``kind``: ``NetParams._add_rule`` with ``kind`` given."""
    def add(self, label=None, params=None):
        return self._add_rule(kind, label, params)
    add.__name__ = add.__qualname__ = f"add{kind[0].upper()}{kind[1:]}"
    add.__doc__ = f"``{kind}[label] = params``, as NetPyNE's method (see ``_add_rule``)."
    return add


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
            The tags of the cells the rule applies to (NetPyNE's rule conditions, e.g.
            ``{'cellType': 'PT', 'cellModel': 'HH_full'}``), stored as the rule's
            ``conds``; default none (``{}``): populations name the rule by its label.
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
        params, syn_mechs = import_cell(fileName, cellName, cellArgs, importSynMechs,
                                        somaAtOrigin, cellInstance)
        self.cellParams[label] = {"conds": dict(conds or {}), **params}
        for mod, mech in syn_mechs.items():
            self.synMechParams[f"{cellName}_{mod}"] = mech
        return self.cellParams[label]

    # -- NetPyNE's methods that add a rule: addCellParams ... addStimTargetParams --------
    addCellParams = _rule_adder("cellParams")
    addPopParams = _rule_adder("popParams")
    addSynMechParams = _rule_adder("synMechParams")
    addConnParams = _rule_adder("connParams")
    addSubConnParams = _rule_adder("subConnParams")
    addStimSourceParams = _rule_adder("stimSourceParams")
    addStimTargetParams = _rule_adder("stimTargetParams")

    def _add_rule(self, kind, label, params):
        """Store ``params`` as the rule ``label`` of ``kind`` (a rule dictionary).

        Parameters
        ----------
        kind : str
            'cellParams', 'popParams', ... (validate/options.py RULE_DICTS).
        label : str, optional
            The rule's label. None (or empty): the next number of NetPyNE's counter
            ``netParams._labelid`` (0, 1, ...), shared by every kind of rule, as NetPyNE
            labels them.
        params : dict
            The rule.

        Returns
        -------
        specs.Dict
            The stored rule.

        Raises
        ------
        SpecError
            ``params`` is not a dict.
        """
        if kind not in RULE_DICTS:
            raise SpecError(f"{kind} is not a rule dictionary of NetParams")
        if not isinstance(params, dict):
            raise SpecError(f"{kind}[{label!r}]: the rule must be a dict, not "
                            f"{type(params).__name__} {params!r}")
        if label is None or label == "":
            label = int(self.get("_labelid", 0))
            self._labelid = label + 1
        self[kind][label] = Dict(params)
        return self[kind][label]

    # -- cell rules in files --------------------------------------------------------------
    def loadCellParamsRule(self, label, fileName):
        """Read a cell rule from a file into ``cellParams[label]``, as NetPyNE does.

        A .pkl file is a pickle: only load one you trust. neuroloom reads plain data from
        it (dicts, lists, numbers, numpy values, NetPyNE's Dict) and refuses anything else.

        Parameters
        ----------
        label : str
            The cellParams label.
        fileName : str or pathlib.Path
            A .json or .pkl file written by ``saveCellParamsRule`` (NetPyNE's or
            neuroloom's): the rule's dict ('secs', 'secLists', 'globals', 'conds').

        Returns
        -------
        specs.Dict
            The cellParams entry.

        Raises
        ------
        FormatError
            The file does not exist, is neither .json nor .pkl, or holds no rule.
        """
        self.cellParams[label] = cell_rules.load_rule(fileName)
        return self.cellParams[label]

    def saveCellParamsRule(self, label, fileName):
        """Write ``cellParams[label]`` to a .json or .pkl file, as NetPyNE writes it.

        Parameters
        ----------
        label : str
            The cellParams label.
        fileName : str or pathlib.Path
            The file: .json (indented, sorted keys) or .pkl (plain dicts).

        Returns
        -------
        pathlib.Path
            The file written.

        Raises
        ------
        SpecError
            There is no cellParams[label].
        FormatError
            The file is neither .json nor .pkl.
        """
        return cell_rules.save_rule(self._cell_rule(label, "saveCellParamsRule"), fileName)

    def loadCellParams(self, label, fileName):
        """NetPyNE's other name of ``loadCellParamsRule``."""
        return self.loadCellParamsRule(label, fileName)

    def saveCellParams(self, label, fileName):
        """NetPyNE's other name of ``saveCellParamsRule``."""
        return self.saveCellParamsRule(label, fileName)

    # -- changing a cell rule -------------------------------------------------------------
    def addCellParamsSecList(self, label, secListName, somaDist=None, somaDistY=None):
        """Add a section list of the sections at some distance from the soma, as NetPyNE.

        A section belongs when its middle 3D point is ``somaDist`` [min, max] um from the
        origin (the soma, after importCellParams' somaAtOrigin), or when that point's y is
        within ``somaDistY`` [min, max]. Sections without 3D points cannot be placed: a
        warning names them.

        Parameters
        ----------
        label : str
            The cellParams label.
        secListName : str
            The new (or replaced) entry of the rule's secLists.
        somaDist, somaDistY : [min, max], optional
            Distance from the origin, or the y range, in um; give one.

        Returns
        -------
        list of str
            The section list.

        Raises
        ------
        SpecError
            No such rule, or neither or a malformed range.
        """
        rule = self._cell_rule(label, "addCellParamsSecList")
        where = f"addCellParamsSecList('{label}', '{secListName}')"
        given = [(name, value) for name, value in (("somaDist", somaDist),
                                                   ("somaDistY", somaDistY))
                 if value is not None]
        if len(given) != 1:
            raise SpecError(f"{where}: give somaDist or somaDistY ([min, max] in um)")
        name, value = given[0]
        if not (isinstance(value, (list, tuple)) and len(value) == 2):
            raise SpecError(f"{where}: {name} must be [min, max] in um, not {value!r}")
        chosen, without = cell_rules.sections_within(rule, somaDist, somaDistY)
        cell_rules.warn_unplaced(label, without, f"secList '{secListName}' leaves out the "
                                                 "sections without 3D points")
        rule.setdefault("secLists", {})[secListName] = chosen
        return rule["secLists"][secListName]

    def addCellParamsWeightNorm(self, label, fileName, threshold=1000):
        """Set each section's ``weightNorm`` from a NetPyNE weightNorm pickle.

        The file maps section names to lists of factors (one per segment); each factor
        is capped at ``threshold`` times the soma's first factor, as NetPyNE does. Only
        load a pickle you trust (see loadCellParamsRule). Sections of the file the rule
        does not have are named in a warning.

        Parameters
        ----------
        label : str
            The cellParams label.
        fileName : str or pathlib.Path
            The .pkl file.
        threshold : float, default 1000
            The cap, in multiples of the soma's factor.

        Returns
        -------
        specs.Dict
            The cellParams entry.

        Raises
        ------
        SpecError
            There is no cellParams[label].
        FormatError
            The file cannot be read or has no soma section.
        """
        rule = self._cell_rule(label, "addCellParamsWeightNorm")
        factors = cell_rules.load_factors(fileName)
        missing = cell_rules.weight_norm(rule, factors, threshold, str(fileName))
        cell_rules.warn_unplaced(label, missing, f"{fileName} has weightNorm factors of "
                                                 "sections the rule does not have")
        return rule

    def renameCellParamsSec(self, label, oldSec, newSec):
        """Rename a section of ``cellParams[label]``; its children's parentSec and the
        section lists follow.

        Parameters
        ----------
        label : str
            The cellParams label.
        oldSec, newSec : str
            The section's name and its new name.

        Raises
        ------
        SpecError
            There is no such rule or section.
        """
        rule = self._cell_rule(label, "renameCellParamsSec")
        if not cell_rules.rename_section(rule, oldSec, newSec):
            raise SpecError(f"renameCellParamsSec: cellParams['{label}'] has no section "
                            f"'{oldSec}'")

    def _cell_rule(self, label, method):
        if label not in self.cellParams:
            raise SpecError(f"{method}: netParams.cellParams has no rule {label!r}")
        return self.cellParams[label]

    # -- simConfig values into the rules (NetPyNE's mapping, for batches) ----------------
    def setNestedParam(self, paramLabel, paramVal):
        """Set a value deep in the rules: ``'synMechParams.AMPA.tau1'`` or a list of keys
        (``['synMechParams', 'AMPA', 'tau1']``); a single name sets an attribute.

        Parameters
        ----------
        paramLabel : str or list or tuple
            The path to the value.
        paramVal : object
            The value.

        Raises
        ------
        SpecError
            A key along the path does not exist.
        """
        keys = paramLabel.split(".") if isinstance(paramLabel, str) else list(paramLabel)
        container = self
        for i, key in enumerate(keys[:-1]):
            if key not in container:
                shown = ".".join(map(str, keys[:i + 1]))
                raise SpecError(f"setNestedParam: netParams has no '{shown}'")
            container = container[key]
        container[keys[-1]] = paramVal

    def setCfgMapping(self, cfg):
        """Copy each simConfig value named in ``netParams.mapping`` ({cfg attribute: path
        in netParams}) to its place in the rules, as NetPyNE does when a network is made.

        Parameters
        ----------
        cfg : specs.SimConfig
            Where the values come from (attributes it lacks are left alone).
        """
        for name, path in self.mapping.items():
            if name in cfg:
                self.setNestedParam(path, cfg[name])
