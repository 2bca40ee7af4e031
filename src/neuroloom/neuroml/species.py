"""Ion concentrations of a cell read from NeuroML, written back as NeuroML's ``<species>``.

The importer (neuroml/cell_params.py) reads a species with a concentration model as: the
model's mechanism (jNeuroML's, its definition kept beside it like a channel's) inserted with
its parameters, the section's ion concentrations (``ions: {'ca': {'i': mM, 'o': mM}}``) and
NEURON's initial-concentration globals (``cai0_ca_ion``, ``cao0_ca_ion``) that finitialize
resets the ion to. An export writes them back as one ``<species id=ion ion=ion
concentrationModel=... initialConcentration initialExtConcentration>`` per section and the
model's element; a mechanism whose parameters changed, or globals that are not the species'
initial concentrations, have no NeuroML form (FormatError naming them).
"""
from __future__ import annotations

import neuroml

from ..errors import FormatError
from . import conventions as nc
from .units import convert

CONCENTRATION_MODELS = (neuroml.DecayingPoolConcentrationModel,
                        neuroml.FixedFactorConcentrationModel)


def is_concentration_model(form) -> bool:
    return isinstance(form, CONCENTRATION_MODELS)


def model_parameters(model) -> dict:
    """The mechanism's parameters (NEURON units) the importer sets from this model."""
    out = {"restingConc": convert(model.resting_conc, "mM"),
           "decayConstant": convert(model.decay_constant, "ms")}
    if getattr(model, "shell_thickness", None) is not None:
        out["shellThickness"] = convert(model.shell_thickness, "cm")  # as jNeuroML's mod
    if getattr(model, "rho", None) is not None:
        out["rho"] = convert(model.rho)
    return out


def section_species(sec, mechs: dict, forms: dict, group: str, where: str) -> list:
    """The libNeuroML Species of a section's concentration models (``mechs``: {mechanism:
    parameters}; ``forms``: {mechanism: libNeuroML component} of kept definitions)."""
    ions = {ion: dict(values) for ion, values in sec.ions}
    out = []
    for mech in (m for m in mechs if is_concentration_model(forms.get(m))):
        model = forms[mech]
        if dict(mechs[mech]) != model_parameters(model):
            raise FormatError(f"{where}: concentration model {model.id} ({mech}): parameters "
                              f"{dict(mechs[mech])} differ from its NeuroML definition's "
                              f"{model_parameters(model)}, which has no form for the change")
        conc = ions.get(model.ion, {})
        missing = [k for k in ("i", "o") if k not in conc]
        if missing:
            raise FormatError(f"{where}: concentration model {model.id} of ion {model.ion}: "
                              f"the section sets no {model.ion} {' '.join(missing)} (a NeuroML "
                              "species needs its initial concentrations)")
        out.append(neuroml.Species(
            id=model.ion, ion=model.ion, concentration_model=model.id,
            initial_concentration=nc.quantity(conc["i"], "mM"),
            initial_ext_concentration=nc.quantity(conc["o"], "mM"), segment_groups=group))
    return out


def unexplained_globals(cell_type, forms: dict) -> dict:
    """The cell type's NEURON globals that are not the initial concentrations
    (``<ion>i0_<ion>_ion``, ``<ion>o0_<ion>_ion``) of an ion every section holding its
    concentration model starts at."""
    starts: dict = {}
    for sec in cell_type.sections:
        ions = {ion: dict(values) for ion, values in sec.ions}
        for mech, _ in sec.mechs:
            if is_concentration_model(forms.get(mech)):
                ion = forms[mech].ion
                for kind in ("i", "o"):
                    if kind in ions.get(ion, {}):
                        starts.setdefault(f"{ion}{kind}0_{ion}_ion", set()).add(
                            ions[ion][kind])
    return {name: value for name, value in cell_type.globals
            if starts.get(name) != {value}}
