"""A Griffe extension for the API reference (mkdocs.yml): the members a module makes at
import, which static analysis cannot see, taken from the imported module.

sim.analysis makes a function per entry of the table of plots (sim/plots.py). Griffe reads
the sources, so it finds none of them; this extension imports each module it is given,
inspects it, and adds the members of its ``__all__`` that the sources do not define, with
the signature and docstring they have at run time. The rest of the package keeps static
analysis.
"""
from __future__ import annotations

import importlib

import griffe

logger = griffe.get_logger("griffe_generated")


class GeneratedMembers(griffe.Extension):
    def __init__(self, modules: list[str]) -> None:
        self.modules = modules

    def on_module_members(self, *, mod: griffe.Module, **kwargs) -> None:
        if mod.path not in self.modules:
            return
        try:
            names = importlib.import_module(mod.path).__all__
        except (ImportError, AttributeError) as error:
            logger.warning(f"cannot import {mod.path}.__all__: {error}")
            return
        missing = [name for name in names if name not in mod.members]
        if not missing:
            return
        inspected = griffe.inspect(mod.path, filepath=mod.filepath)
        for name in missing:
            mod.set_member(name, inspected[name])
