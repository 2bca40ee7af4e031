"""NeuroML quantities in NEURON's units through NeuroML's own unit definitions
(NeuroMLCoreDimensions.xml in the jNeuroML jar), issue 18 items 5 and 6.

The expected factors are computed here from the file's power/scale/offset with fractions,
independently of neuroloom.neuroml.units; the rho check reads the number jNeuroML's own
NEURON code uses.
"""
from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest

from helpers import shared
from neuroloom.errors import FormatError
from neuroloom.neuroml import jnml, reader
from neuroloom.neuroml.cell_params import cell_params_from_neuroml
from neuroloom.neuroml.units import (NEURON_UNITS, SI_DIMENSIONS, UnitError, check_unit,
                                     convert, neuron_unit, parameter_dimension)

try:
    EXAMPLES = shared("neuroml-examples")
except FileNotFoundError:
    EXAMPLES = Path("/nonexistent")
needs_examples = pytest.mark.skipif(not (EXAMPLES / "examples").is_dir(),
                                    reason=f"the NeuroML2 examples ({EXAMPLES}) are missing")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _core_files() -> dict:
    with zipfile.ZipFile(jnml.jar_path()) as jar:
        return {name: jar.read(name) for name in jar.namelist()
                if name.startswith("NeuroML2CoreTypes/") and name.endswith(".xml")}


CORE = _core_files()
DIMENSIONS_XML = ET.fromstring(CORE["NeuroML2CoreTypes/NeuroMLCoreDimensions.xml"])
# symbol -> (dimension, SI = value * factor + offset), read here from the file
FILE_UNITS = {
    el.get("symbol"): (el.get("dimension"),
                       Fraction(el.get("scale", "1")) * Fraction(10) ** int(el.get("power", "0")),
                       Fraction(el.get("offset", "0")))
    for el in DIMENSIONS_XML if _local(el.tag) == "Unit"}
FILE_DIMENSIONS = [el.get("name") for el in DIMENSIONS_XML if _local(el.tag) == "Dimension"]


def expected(value: str, unit: str, target: str) -> float:
    dim, factor, offset = FILE_UNITS[unit]
    t_dim, t_factor, t_offset = FILE_UNITS[target]
    assert dim == t_dim
    return float((Fraction(value) * factor + offset - t_offset) / t_factor)


def test_the_core_file_is_read():
    assert len(FILE_UNITS) > 60 and "rho_factor" in FILE_DIMENSIONS


@pytest.mark.parametrize("unit", sorted(FILE_UNITS))
def test_every_core_unit_reaches_its_dimensions_neuron_unit(unit):
    dim = FILE_UNITS[unit][0]
    target = neuron_unit(dim)
    assert target == NEURON_UNITS.get(dim, SI_DIMENSIONS.get(dim))
    for value in ("2.5", "-0.125", "1e-7"):
        want = expected(value, unit, target)
        assert convert(f"{value} {unit}") == pytest.approx(want, rel=1e-15, abs=0)
        assert convert(f"{value}{unit}", target) == pytest.approx(want, rel=1e-15, abs=0)


def test_every_dimension_has_a_neuron_unit_of_that_dimension():
    for dim in FILE_DIMENSIONS:
        target = neuron_unit(dim)
        assert FILE_UNITS[target][0] == dim, (dim, target)
    # those without a NEURON convention stay SI (factor 1, no offset)
    for dim, unit in SI_DIMENSIONS.items():
        assert dim == "none" or FILE_UNITS[unit][1:] == (1, 0)


def test_every_dimension_the_core_types_use_converts():
    used = set()
    for name, text in CORE.items():
        used |= set(re.findall(rb'dimension="([^"*]+)"', text))
    used = {d.decode() for d in used}
    assert {"rho_factor", "conductanceDensity", "charge_per_mole", "temperature"} <= used
    for dim in sorted(used):
        unit = next((u for u, (d, _, _) in FILE_UNITS.items() if d == dim), "")
        assert neuron_unit(dim) is not None
        if unit:
            convert(f"1 {unit}")


@pytest.mark.parametrize("text, target, want", [
    ("0.3 mol_per_m_per_A_per_s", None, 3e-9),  # rho: jNeuroML's (umol / cm / nA / ms)
    ("9543.150099999999mol_per_m_per_A_per_s", None, 9.543150099999999e-05),
    ("1 mol_per_cm_per_uA_per_ms", "mol_per_m_per_A_per_s", 1e11),
    ("1 nA_ms_per_amol", None, 1e12),  # 1e6 C/mol in pC/umol
    ("96485.3 C_per_mol", "nA_ms_per_amol", 0.0964853),
    ("120.0 mS_per_cm2", None, 0.12),
    ("2 uS_per_cm2", "S_per_cm2", 2e-6),
    ("0.062 per_mV", None, 0.062),
    ("62 per_V", None, 0.062),
    ("8.314 J_per_K_per_mol", None, 8.314e9),  # femtojoule / K / umol
    ("1 nS_per_mV", "S_per_V", 1e-6),
    ("0.5 um_per_ms", None, 0.05),  # cm/s
    ("3 uA_per_cm2", None, 0.003),  # mA/cm2
    ("2 litre", "m3", 0.002),
    ("300 K", None, 26.85),  # NEURON's celsius
    ("6.3 degC", "K", 279.45),
    ("2 min", None, 120000.0),
    ("1e-7 m", None, 0.1),
])
def test_compound_and_scaled_units(text, target, want):
    assert convert(text, target) == want


def test_a_value_in_the_asked_unit_is_returned_untouched():
    assert convert("0.30000000000000004 mV", "mV") == 0.30000000000000004
    assert convert("0.30000000000000004 mV") == 0.30000000000000004  # NEURON's unit
    assert convert("1.1e-7 umol_per_cm_per_nA_per_ms") == 1.1e-7
    assert convert("0.00125") == 0.00125  # a plain number
    assert convert("6.3degC") == 6.3


def test_an_unknown_unit_names_the_closest_symbol():
    with pytest.raises(UnitError, match=r"unknown unit 'mv'.*did you mean 'mV'"):
        convert("-65 mv")
    with pytest.raises(UnitError, match=r"unknown unit 'mS_per_cm'.*did you mean 'mS_per_cm2'"):
        convert("1 mS_per_cm", "S_per_cm2")
    with pytest.raises(UnitError, match="unknown unit 'mm'"):  # not a core unit
        convert("1 mm", "um")
    with pytest.raises(UnitError, match="not a quantity"):
        convert("fast")


def test_a_wrong_dimension_is_an_error():
    with pytest.raises(UnitError, match=r"not in units of S_per_cm2 \(voltage, not "
                                        r"conductanceDensity\)"):
        convert("3 mV", "S_per_cm2")
    with pytest.raises(UnitError, match="not in units of mM"):
        convert("3 mol", "mM")


@needs_examples
@pytest.mark.parametrize("attribute, bad, problem", [
    ('erev="-77mV"', 'erev="-77mv"', "unknown unit 'mv'.*did you mean 'mV'"),
    ('condDensity="120.0 mS_per_cm2"', 'condDensity="120.0 mS_per_cm"',
     "unknown unit 'mS_per_cm'.*did you mean 'mS_per_cm2'"),
    ('erev="-77mV"', 'erev="-77nS"', "'-77nS' is a conductance, not a voltage"),
    ('condDensity="120.0 mS_per_cm2"', 'condDensity="120.0 mS"',
     "'120.0 mS' is a conductance, not a conductanceDensity"),
])
def test_a_bad_unit_in_a_file_names_file_line_and_element(tmp_path, attribute, bad, problem):
    text = (EXAMPLES / "examples" / "NML2_SingleCompHHCell.nml").read_text()
    assert attribute in text
    path = tmp_path / "cell.nml"
    path.write_text(text.replace(attribute, bad, 1))
    line = next(i for i, row in enumerate(path.read_text().splitlines(), 1) if bad in row)
    name = attribute.split("=")[0]
    with pytest.raises(FormatError, match=rf"cell\.nml:{line}: <channelDensity id=\"\w+\">: "
                                          rf"attribute '{name}': {problem}"):
        reader.read(path)


def test_the_dimension_of_a_core_parameter_follows_extends():
    assert parameter_dimension("channelDensity", "erev") == "voltage"
    assert parameter_dimension("fixedFactorConcentrationModel", "rho") == "rho_factor"
    assert parameter_dimension("HHExpLinearRate", "rate") == "per_time"  # from baseHHRate
    assert parameter_dimension("Line", "scale") is None  # dimension="*"
    assert parameter_dimension("myOwnType", "rate") is None
    check_unit("3 mV", "channelDensity", "erev")
    check_unit("3", "channelDensity", "erev")  # a plain number: the call site decides
    with pytest.raises(UnitError, match="is a time, not a per_time"):
        check_unit("3 ms", "HHExpRate", "rate")


@needs_examples
@pytest.mark.java
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="jNeuroML needs Java (17)")
def test_rho_reaching_neuron_is_the_one_jneuromls_neuron_code_uses(tmp_path):
    # Ca_conc (fixedFactorConcentrationModel, rho="9543.150099999999mol_per_m_per_A_per_s")
    # in the pyramidal soma of LEMSexamples/morphologies; jNeuroML's NEURON export declares
    # rho in (umol / cm / nA / ms) in its PARAMETER block
    shutil.copytree(EXAMPLES / "LEMSexamples" / "morphologies", tmp_path / "m")
    jnml.run(["LEMS_m_in_b_in.xml", "-neuron", "-nogui"], cwd=tmp_path / "m",
             outputs=["Ca_conc.mod"])
    mod = (tmp_path / "m" / "Ca_conc.mod").read_text()
    found = re.search(r"^\s*rho\s*=\s*(\S+)\s*\(umol / cm / nA / ms\)", mod, re.MULTILINE)
    assert found, "jNeuroML's Ca_conc.mod declares rho in another unit"
    params = cell_params_from_neuroml(tmp_path / "m" / "pyr_soma_m_in_b_in.cell.nml")
    ours = params["secs"]["soma"]["mechs"]["Ca_conc"]["rho"]
    # jNeuroML writes a Java float (7 significant digits): 9.54315E-5
    assert ours == pytest.approx(float(found.group(1)), rel=1e-6)
    assert ours == 9.543150099999999e-05  # the file's digits, scaled exactly


def test_the_mod_file_units_lems_columns_read_are_core_units():
    """The units jNeuroML's mod files declare (importers/neuroml_quantities.py) name NeuroML
    core units, or a column in them is refused as 'unknown unit' (a gate's rate in kHz was)."""
    from neuroloom.importers.neuroml_quantities import _UNITS
    from neuroloom.neuroml.units import units

    for mod_unit, (unit, si) in _UNITS.items():
        assert unit in units() and si in units(), mod_unit
        assert units()[unit].exponents == units()[si].exponents, mod_unit
