"""Building, inspecting and saving a network needs no NEURON (and importing is quiet)."""
import subprocess
import sys

from helpers import EXAMPLES, ROOT

SCRIPT = f"""
import sys
sys.modules['neuron'] = None          # any `import neuron` now raises ImportError
sys.path.insert(0, {str(ROOT / 'tests')!r})
from helpers import tutorial_specs
from neuroloom import specs, sim
from neuroloom.builder import network_from_specs
from neuroloom.model.serialize import network_to_dict
network = network_from_specs(*tutorial_specs('tut2'))
print(network.num_cells, len(network.conns) > 0, network.tags(0)['pop'],
      len(network_to_dict(network)['conns']['pre_gid']) == len(network.conns))
assert 'neuron' not in sys.modules or sys.modules['neuron'] is None
"""


def test_build_and_inspect_with_neuron_blocked():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         cwd=EXAMPLES, check=True)
    assert out.stdout.split() == ["40", "True", "S", "True"]


def test_importing_prints_nothing_and_loads_neither_neuron_nor_matplotlib():
    code = ("import sys, neuroloom; from neuroloom import specs, sim; "
            "print(sorted(m for m in ('neuron', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout == "[]\n" and out.stderr == ""
