"""SpecObject: the shared base of NetParams and SimConfig.

Options are attributes (``simConfig.duration = 1000``) and also items
(``simConfig['duration']``). Users may add their own attributes (``cfg.connWeight``,
``netParams.probLengthConst``): they are model variables, not options. Validation tells a
user variable from a misspelt option by how close its name is to a known one.
"""
from __future__ import annotations

import copy

from ..validate.options import ORDERED
from .dicts import ODict, to_plain, to_spec_value


def spec_defaults(options: dict) -> dict:
    """A spec class's DEFAULTS from an option table (validate/options.py): dict options as
    specs.Dict, those whose order the user sees (rules, plots) as specs.ODict."""
    return {name: ODict(value) if name in ORDERED else to_spec_value(value)
            for name, value in options.items()}


class SpecObject:
    #: option name -> default value; subclasses fill it in
    DEFAULTS: dict = {}

    def __init__(self, values=None, **kwargs):
        for name, default in self.DEFAULTS.items():
            setattr(self, name, copy.deepcopy(default))
        for name, value in dict(values or {}, **kwargs).items():
            setattr(self, name, value)

    def __setattr__(self, name, value):
        object.__setattr__(self, name, to_spec_value(value))

    def __getitem__(self, name):
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def __setitem__(self, name, value):
        setattr(self, name, value)

    def __contains__(self, name):
        return name in vars(self)

    def __iter__(self):
        return iter(vars(self))

    def keys(self):
        return vars(self).keys()

    def items(self):
        return vars(self).items()

    def get(self, name, default=None):
        return vars(self).get(name, default)

    def update(self, values=None, **kwargs):
        for name, value in dict(values or {}, **kwargs).items():
            setattr(self, name, value)

    def user_variables(self) -> dict:
        """Attributes the user added that are not options of this class."""
        return {k: v for k, v in vars(self).items() if k not in self.DEFAULTS}

    def todict(self) -> dict:
        return to_plain(vars(self))

    def __eq__(self, other):
        return type(self) is type(other) and self.todict() == other.todict()

    def __repr__(self):
        return f"{type(self).__name__}({self.todict()!r})"

    def __deepcopy__(self, memo):
        clone = type(self).__new__(type(self))
        for name, value in vars(self).items():
            object.__setattr__(clone, name, copy.deepcopy(value, memo))
        return clone

