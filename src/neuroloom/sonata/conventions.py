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
#: The synapse models BMTK 1.2.0 registers (an edge's model_template, else the dynamics
#: file's 'level_of_detail', lower case) -> (NEURON point process, the dynamics file's
#: name -> ours of each parameter BMTK sets from it). ExpSyn and Exp2Syn are NEURON's; the
#: others are .mod files the circuit's mechanisms_dir must have (none ships with BMTK).
#: 'instantaneous' means no synapse: the event goes to the cell itself.
SYNAPSE_MODELS = {
    "exp2syn": ("Exp2Syn", {"tau1": "tau1", "tau2": "tau2", "erev": "e"}),
    "expsyn": ("ExpSyn", {"tau1": "tau", "erev": "e"}),  # BMTK's setter reads tau1
    "stp1syn": ("stp1syn", {"erev": "e"}),
    "stp2syn": ("stp2syn", {"erev": "e", "p0": "p0", "tau_r0": "tau_r0",
                            "tau_FDR": "tau_FDR", "tau_1": "tau_1"}),
    "stp3syn": ("stp3syn", {"erev": "e"}),
    "stp4syn": ("stp4syn", {"erev": "e"}),
    "stp5syn": ("stp5syn", {"erev": "e", "tau_1": "tau_1", "tau_r0": "tau_r0",
                            "tau_FDR": "tau_FDR", "a_FDR": "a_FDR", "a_D": "a_D",
                            "a_i": "a_i", "a_f": "a_f", "pbtilde": "pbtilde"}),
    "stp5isyn": ("stp5isyn", {"erev": "e", "tau_1": "tau_1", "tau_r0": "tau_r0",
                              "tau_FDR": "tau_FDR", "a_FDR": "a_FDR", "a_D": "a_D",
                              "a_i": "a_i", "a_f": "a_f", "pbtilde": "pbtilde"}),
    "tmgsyn": ("tmgsyn", {"erev": "e", "tau_1": "tau_1", "tau_rec": "tau_rec",
                          "tau_facil": "tau_facil", "U": "U", "u0": "u0"}),
    "exp1syn": ("exp1syn", {"erev": "e", "tau_1": "tau"}),
    "exp1isyn": ("exp1isyn", {"erev": "e", "tau_1": "tau"}),
}
#: parameters BMTK sets to constants whatever the dynamics file says (ours -> value)
SYNAPSE_FIXED = {"stp1syn": {"p0": 0.5, "tau_r": 200.0, "tau_1": 5.0},
                 "stp3syn": {"p0": 0.6, "tau_r0": 200.0, "tau_FDR": 2000.0, "tau_D": 500.0,
                             "tau_1": 5.0},
                 "stp4syn": {"p0": 0.6, "tau_r": 200.0, "tau_1": 5.0}}
#: other names a dynamics file may give a parameter (model -> {other: BMTK's name})
SYNAPSE_ALIASES = {"expsyn": {"tau": "tau1"}}
BUILTIN_POINT_PROCESSES = ("ExpSyn", "Exp2Syn")  # NEURON's own: no mechanisms_dir needed
INSTANTANEOUS = ("instanteneous", "instantaneous")  # BMTK's spelling, and the right one

#: How the synapse ``sign`` and ``nsyns`` of an edge into a point cell weigh its event:
#: 'sonata' always (weight x sign x nsyns, nsyns 1 where absent); 'bmtk' as BMTK 1.2.0,
#: only in edge groups that have an nsyns column and neither sec_id nor
#: afferent_section_id (in the group or the edge-types CSV), else the weight alone.
SIGN_READINGS = ("sonata", "bmtk")

# -- inputs and conditions ---------------------------------------------------------------
CONDITIONS = {"celsius": "celsius", "v_init": "v_init"}  # SONATA conditions -> hParams
UNITS = {"v": "mV", "cai": "mM", "cao": "mM", "nai": "mM", "ki": "mM", "ica": "mA/cm2",
         "ina": "mA/cm2", "ik": "mA/cm2", "i_membrane": "mA/cm2"}  # of reported variables
SPIKE_MODULES = ("h5", "sonata")
#: the SONATA specification's spike input (libsonata reads only this form): its file key
SPEC_SPIKE_MODULE, SPEC_SPIKE_FILE = "synapse_replay", "spike_file"


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
