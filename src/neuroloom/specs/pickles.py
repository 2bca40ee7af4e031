"""Reading the pickles NetPyNE users have: cell rules (``saveCellParamsRule``), weightNorm
files, colour tables, saved runs. They hold NetPyNE's own dict classes and numpy values,
often pickled by Python 2.

A pickle can make Python run code while it is read, so neuroloom reads one only when the
user names a .pkl file, and then only builds what plain data needs: builtin containers and
numbers, numpy arrays and scalars, OrderedDict, and NetPyNE's ``Dict``/``ODict`` (read as
plain dicts, so NetPyNE need not be installed). A pickle that asks for anything else is
refused with a FormatError naming it.
"""
from __future__ import annotations

import builtins
import collections
import copyreg
import pickle
from pathlib import Path

from ..errors import FormatError

#: NetPyNE's dict classes, under the module names they were pickled with over the years
_NETPYNE_DICTS = {("netpyne.specs.dicts", "Dict"), ("netpyne.specs.dicts", "ODict"),
                  ("netpyne.specs", "Dict"), ("netpyne.specs", "ODict"),
                  ("netpyne.specs.utils", "Dict"), ("netpyne.specs.utils", "ODict")}
#: plain data: builtins (Python 3 and 2 names) and the numpy constructors of arrays and
#: scalars
_ALLOWED = {
    **{(module, name): getattr(builtins, name) for module in ("builtins", "__builtin__")
       for name in ("dict", "list", "tuple", "set", "frozenset", "object", "int", "float",
                    "complex", "str", "bytes", "bytearray", "bool", "range", "slice")},
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("copy_reg", "_reconstructor"): copyreg._reconstructor,
    ("copyreg", "_reconstructor"): copyreg._reconstructor,
}
_NUMPY = {("numpy", "dtype"), ("numpy", "ndarray"), ("numpy.core.multiarray", "scalar"),
          ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "scalar"),
          ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.numeric", "_frombuffer"),
          ("numpy._core.numeric", "_frombuffer")}


class _NetPyNEDict(dict):
    """A NetPyNE Dict/ODict as it is unpickled: its items come as its state."""

    def __setstate__(self, state):
        if isinstance(state, dict):
            self.update(state)


class PlainDataUnpickler(pickle.Unpickler):
    """An unpickler that builds plain data only (see ``load_pickle``); ``netpyne_class``
    says what NetPyNE's classes become."""

    def netpyne_class(self, module, name):
        """The class a NetPyNE class is read as; None: refused."""
        return _NetPyNEDict if (module, name) in _NETPYNE_DICTS else None

    def find_class(self, module, name):
        if module.split(".")[0] == "netpyne":
            cls = self.netpyne_class(module, name)
            if cls is not None:
                return cls
        if (module, name) in _ALLOWED:
            return _ALLOWED[(module, name)]
        if (module, name) in _NUMPY:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"it holds a '{module}.{name}', which is not plain "
                                     "data")


def load_pickle(path, unpickler=PlainDataUnpickler):
    """The plain data a NetPyNE (or neuroloom) pickle holds.

    Only read a pickle you trust: reading it runs the constructors it names. neuroloom
    builds only plain data (builtin containers and numbers, numpy arrays and scalars,
    OrderedDict, NetPyNE's Dict and ODict, which become dicts) and refuses anything else.
    Pickles written by Python 2 (NetPyNE's older files) are read as NetPyNE reads them
    (byte strings as latin-1).

    Parameters
    ----------
    path : str or pathlib.Path
        A .pkl file.
    unpickler : type, default PlainDataUnpickler
        The reader: PlainDataUnpickler or a subclass of it (results/netpyne_data.py reads
        NetPyNE's dicts as neuroloom's Dict and ODict).

    Returns
    -------
    object
        What the file holds; NetPyNE's Dicts as plain dicts.

    Raises
    ------
    FormatError
        The file does not exist, is a folder, is not a pickle (empty, truncated, damaged),
        or holds something other than plain data.
    """
    path = Path(path)
    if not path.exists():
        raise FormatError(f"{str(path)!r} does not exist")
    if path.is_dir():
        raise FormatError(f"{str(path)!r} is a folder, not a pickle file")
    try:
        with open(path, "rb") as f:  # the user named this pickle
            return unpickler(f, encoding="latin1").load()
    except FormatError as err:
        raise FormatError(f"{str(path)!r} cannot be read: {err}") from None
    except Exception as err:  # damaged bytes make the pickle machine fail in any way
        what = "it is empty" if path.stat().st_size == 0 else \
            f"{type(err).__name__}: {err}"
        raise FormatError(f"{str(path)!r} cannot be read as a pickle of plain data "
                          f"({what})") from None
