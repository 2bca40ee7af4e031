"""NetPyNE's ``netpyne.conversion``: what NetPyNE scripts import from it, so that they run
with only their import line changed (``from neuroloom.conversion import sonataImport``,
``from neuroloom.conversion import createPythonScript``)."""
from . import sonataImport
from .python_script import createPythonNetParams, createPythonScript, createPythonSimConfig

__all__ = ["sonataImport", "createPythonScript", "createPythonNetParams",
           "createPythonSimConfig"]
