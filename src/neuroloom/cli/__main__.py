"""`python -m neuroloom.cli ARGS`: the `neuroloom` command."""
import sys

from . import main

sys.exit(main())
