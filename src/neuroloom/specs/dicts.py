"""Dict: a dict with attribute access, the container every spec is made of."""
from __future__ import annotations

import copy
from collections.abc import Mapping


def to_spec_value(value):
    """Plain dicts (at any depth, also inside lists) become Dicts; everything else is kept."""
    if isinstance(value, Dict):
        return value
    if isinstance(value, Mapping):
        return Dict(value)
    if isinstance(value, list):
        return [to_spec_value(v) for v in value]
    return value


def to_plain(value):
    """The same data as builtin dicts/lists, for JSON, pickling or comparison."""
    if isinstance(value, Mapping):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, range):
        return list(value)
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    return value


class Dict(dict):
    """A dict whose keys can also be read and written as attributes.

    ``d['soma']['geom'] = {...}`` and ``d.soma.geom = {...}`` are the same thing; nested
    plain dicts are turned into Dicts when stored, so attribute access works at any depth.
    """

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.update(*args, **kwargs)

    def __setitem__(self, key, value):
        super().__setitem__(key, to_spec_value(value))

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __deepcopy__(self, memo):
        return Dict({k: copy.deepcopy(v, memo) for k, v in self.items()})

    def __reduce__(self):
        return (Dict, (dict(self),))

    def todict(self) -> dict:
        return to_plain(self)


class ODict(Dict):
    """Ordered Dict (the tutorial's ``specs.ODict``); dicts keep insertion order already."""

    def __deepcopy__(self, memo):
        return ODict({k: copy.deepcopy(v, memo) for k, v in self.items()})

    def __reduce__(self):
        return (ODict, (dict(self),))
