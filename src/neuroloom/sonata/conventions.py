"""SONATA conventions in one place: units, names, and the dialects neuroloom reads and
writes (the SONATA specification, BMTK 1.2.0 and libsonata 0.2.2 differ in places).

Units: SONATA files are in NEURON's units (ms, mV, um, nA, uS) except where a dialect says
otherwise; the only exception we know of is BMTK's point-neuron dynamics files, which give
IntFire time constants in SECONDS (BMTK multiplies by 1000 before setting them).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import FormatError
# neuroloom's dialect for its Izhikevich models (no SONATA simulator has them in NEURON):
# a point_process node ``nrn:Izhi2007b`` (or Izhi2003b) whose dynamics_params are the
# mechanism's parameters is neuroloom's one-section Izhikevich cell
from ..validate.izhikevich import IZHIKEVICH  # noqa: F401 (part of the dialect)

# -- node and edge populations ----------------------------------------------------------
MODEL_TYPES = ("biophysical", "point_process", "virtual")
MODEL_FIELDS = ("model_type", "model_template", "model_processing", "dynamics_params",
                "morphology")  # what defines a cell model, not a tag of the cell
POSITION = ("x", "y", "z")
ROTATIONS = ("rotation_angle_xaxis", "rotation_angle_yaxis", "rotation_angle_zaxis")
NONE = "NONE"  # a missing value in the type CSVs

#: Edge attributes that are connection columns as they are, read by
#: importers/sonata_edges.py and written by exporters/sonata.py: SONATA name -> (the
#: ConnTable column, or the name of an ``extra`` column, and older names read for it).
#: syn_weight (sign and nsyns of point-cell edges) and afferent_section_id (an index in
#: the cell's section list) need conversions and are read and written there.
EDGE_COLUMNS = {"delay": ("delay", ()), "afferent_section_pos": ("loc", ("sec_x",))}
SECTION_ID = ("afferent_section_id", "sec_id")

# libsonata reads the plural, BMTK the singular: written as one dataset and a hard link
INDEX_RANGES = ("node_id_to_ranges", "node_id_to_range")
REPORT_POINTERS = ("index_pointers", "index_pointer")

# SONATA attributes neuroloom writes besides the standard ones (so that an exported
# network comes back exactly): per node, the normalised position; per edge, the row of
# the connection or stimulus in neuroloom's tables
NORM_POSITION = ("xnorm", "ynorm", "znorm")
ROW = "neuroloom_row"
STIM_RULE = "neuroloom_stim_rule"  # node-types column: a virtual population that is a stimulus

# -- components --------------------------------------------------------------------------
#: where BMTK (and every official example) keeps the .mod files of a mechanisms_dir
MOD_SUBFOLDER = "modfiles"


def mod_folder(mechanisms_dir: Path) -> Path:
    """The folder holding the .mod files of a ``mechanisms_dir``: its ``modfiles/``
    subfolder (BMTK's layout: nrnivmodl runs there and the library is loaded from the
    mechanisms_dir) when that has .mod files, else the folder itself."""
    nested = Path(mechanisms_dir) / MOD_SUBFOLDER
    if nested.is_dir() and any(nested.glob("*.mod")):
        return nested
    return Path(mechanisms_dir)


# -- units -------------------------------------------------------------------------------
#: BMTK point-neuron dynamics given in seconds (NEURON wants ms)
SECONDS = {"IntFire1": ("tau", "refrac"), "IntFire2": ("taum", "taus"),
           "IntFire4": ("taue", "taui1", "taui2", "taum", "refrac")}


def dynamics_to_neuron(mod: str, params: dict) -> dict:
    """BMTK's point-neuron dynamics -> NEURON's units."""
    return {k: v * 1000.0 if k in SECONDS.get(mod, ()) else v for k, v in params.items()}


def dynamics_from_neuron(mod: str, params: dict) -> dict:
    return {k: v / 1000.0 if k in SECONDS.get(mod, ()) else v for k, v in params.items()}


# -- synapse models ----------------------------------------------------------------------
#: BMTK's synapse dynamics ('level_of_detail') -> (NEURON point process, our name of each
#: parameter); 'instantaneous' means no synapse: the event goes to the cell itself
SYNAPSE_MODELS = {"exp2syn": ("Exp2Syn", {"tau1": "tau1", "tau2": "tau2", "erev": "e"}),
                  "expsyn": ("ExpSyn", {"tau": "tau", "erev": "e"})}
INSTANTANEOUS = ("instanteneous", "instantaneous")  # BMTK's spelling, and the right one

# -- inputs and conditions ---------------------------------------------------------------
CONDITIONS = {"celsius": "celsius", "v_init": "v_init"}  # SONATA conditions -> hParams
UNITS = {"v": "mV", "cai": "mM", "cao": "mM", "nai": "mM", "ki": "mM", "ica": "mA/cm2",
         "ina": "mA/cm2", "ik": "mA/cm2", "i_membrane": "mA/cm2"}  # of reported variables
SPIKE_MODULES = ("h5", "sonata")


def model_template(value, where: str) -> tuple[str, str]:
    """'nrn:IntFire1' -> ('nrn', 'IntFire1'); names the file and column when malformed."""
    if not isinstance(value, str) or ":" not in value:
        raise FormatError(f"{where}: model_template {value!r} is not '<directive>:<name>'")
    directive, _, name = value.partition(":")
    return directive, name


def as_float_array(values, where: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise FormatError(f"{where}: expected numbers") from None
