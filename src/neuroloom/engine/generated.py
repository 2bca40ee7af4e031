"""Loading what jNeuroML generated for NeuroML components (neuroml/generated.py) into
NEURON: the compiled mechanisms, then the cell templates."""
from __future__ import annotations

from ..errors import FormatError
from . import modfiles
from .neuron_env import neuron_h


def load_generated(generated) -> list[str]:
    """Compile (cached) and load the mechanisms of a ``neuroml.generated.Generated``
    folder into NEURON, then its hoc cell templates; returns the mechanism names."""
    names = modfiles.load(generated.folder) if generated.mod_files else []
    h = neuron_h()
    for component in generated.of_kind("cell_template"):
        if not hasattr(h, component.template):
            if not h.load_file(str(generated.folder / component.file)):
                raise FormatError(f"NEURON could not load the template {component.file} "
                                  f"generated for {component.id!r}")
    return names
