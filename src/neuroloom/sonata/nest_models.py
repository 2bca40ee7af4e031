"""NEST point-neuron models (``model_template`` ``nest:<model>``, BMTK's pointnet) and their
NEURON counterparts.

A SONATA circuit written for NEST (300_pointneurons: ``nest:iaf_psc_alpha``) runs on
NEURON only where a counterpart of its model is given. Each counterpart is one entry of
:data:`NEST_COUNTERPARTS`: the NEST model's name -> a function making the cell type from the
node type's dynamics_params. A model without an entry is an error naming it and the node
type, never a silent substitute.
"""
from __future__ import annotations

from typing import Callable

from ..errors import FormatError

#: NEST model name -> ``make(label, params, threshold, where) -> model.catalog.CellType``
#: (``params``: the node type's dynamics_params as NEST reads them)
NEST_COUNTERPARTS: dict[str, Callable] = {}


def nest_counterpart(model: str, where: str) -> Callable:
    """The maker of the NEURON counterpart of NEST's ``model``.

    Parameters
    ----------
    model : str
        The NEST model (``iaf_psc_alpha`` of ``nest:iaf_psc_alpha``).
    where : str
        The node type, for messages.

    Returns
    -------
    callable
        The :data:`NEST_COUNTERPARTS` entry.

    Raises
    ------
    FormatError
        When the model has no counterpart.
    """
    maker = NEST_COUNTERPARTS.get(model)
    if maker is None:
        raise nest_model_error(model, where)
    return maker


def nest_model_error(model: str, where: str) -> FormatError:
    """The error for a node type of NEST model ``model`` that has no NEURON counterpart."""
    known = ", ".join(sorted(NEST_COUNTERPARTS)) or "none yet"
    return FormatError(f"{where}: model_template 'nest:{model}' is the NEST model {model!r}, "
                       "which has no NEURON counterpart in neuroloom (NEST models with one: "
                       f"{known}); this circuit is for BMTK's pointnet (NEST)")
