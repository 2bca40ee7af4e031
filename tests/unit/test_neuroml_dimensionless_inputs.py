"""jNeuroML's mod of a dimensionless input (pulseGeneratorDL...) computes I and injects
nothing; neuroloom's edit makes it an electrode current of I nA (issue 18, Ex2_Izh)."""
import pytest

from neuroloom.neuroml.generated_code import dimensionless_current, parse_mod

# as jNeuroML 0.14.0 writes it for Ex2_Izh's <pulseGeneratorDL id="i0">, abridged
MOD = """TITLE Mod file for component: Component(id=i0 type=pulseGeneratorDL)

NEURON {
    POINT_PROCESS i0
    RANGE weight                            : property
    RANGE amplitude                         : parameter
}

PARAMETER {
    weight = 1
    delay = 22 (ms)                        : was: 0.022 (time)
    duration = 2000 (ms)                   : was: 2.0 (time)
    amplitude = 15                         : was: 15.0 (none)
}

STATE {
    I  : dimension: none
}

BREAKPOINT {
    rates()
    if (t >=  delay  && t <  duration  +  delay) {
        I = weight  *  amplitude ? standard OnCondition
    }
}

PROCEDURE rates() {
}
"""


def test_the_mod_injects_its_dimensionless_current_in_nA():
    assert not parse_mod(MOD).electrode
    text = dimensionless_current(MOD)
    assert parse_mod(text).electrode
    assert "ASSIGNED {\n    i (nA)\n}" in text
    breakpoint_block = text[text.index("BREAKPOINT"):text.index("PROCEDURE rates")]
    assert breakpoint_block.rstrip().endswith("i = I : an ELECTRODE_CURRENT: positive "
                                              "depolarizes\n}")


def test_a_mod_of_another_form_is_refused():
    with pytest.raises(ValueError, match="dimensionless input"):
        dimensionless_current(MOD.replace("STATE {", "ASSIGNED {"))
