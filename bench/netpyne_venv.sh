#!/usr/bin/env bash
# Create (once) a separate virtualenv holding NetPyNE 1.1.1 and NEURON 9.0.2,
# used by bench/netpyne_side.py and bench/netpyne_examples.py to compare neuroloom
# against NetPyNE.
#
# Usage: bench/netpyne_venv.sh VENV_DIR
#
# It is kept apart from the project's own .venv so that NetPyNE's dependency
# pins (matplotlib, pandas, ...) never leak into neuroloom's environment.
# pip runs with -qq: this machine's pip config can emit harmless warnings that
# would drown the log; real errors still print and abort the script (set -e).
# Idempotent: a stamp file records a completed install with these exact pins,
# so a second call returns at once; a half-finished install (no stamp) is
# simply redone by pip.
set -euo pipefail

if [ "$#" -ne 1 ]; then
    echo "usage: $0 VENV_DIR" >&2
    exit 2
fi

VENV_DIR="$1"
# What NetPyNE's own examples import, which bench/netpyne_examples.py runs on both sides
# (the same versions as in neuroloom's environment):
# - h5py and imageio: imported by sonata_300_cells and spreadingDepression;
# - pyneuroml (with libNeuroML) and tables: in NetPyNE's own requirements.txt (not in
#   its wheel's dependencies); NetPyNE defines sim.importNeuroML2, which NeuroMLImport
#   calls, only when pyneuroml imports, and sonata_300_cells imports tables.
# NetPyNE's requirements.txt also lists inspyred (its evolutionary batch) and pytest: no
# entry script the harness runs imports them.
PINS="netpyne==1.1.1 neuron==9.0.2 h5py==3.16.0 imageio==2.38.2 pyneuroml==1.3.22 tables==3.11.1"
STAMP="$VENV_DIR/.neuroloom-bench-stamp"

# The stamp holds the pins, so changing them here forces a reinstall.
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$PINS" ]; then
    exit 0
fi

if [ ! -x "$VENV_DIR/bin/python" ]; then
    python3 -m venv "$VENV_DIR"
fi

"$VENV_DIR/bin/python" -m pip install -qq --disable-pip-version-check --upgrade pip
# shellcheck disable=SC2086  # PINS is intentionally split into words
"$VENV_DIR/bin/python" -m pip install -qq --disable-pip-version-check $PINS

# Smoke check: both import without a display before we declare success.
NEURON_MODULE_OPTIONS=-nogui MPLBACKEND=Agg "$VENV_DIR/bin/python" -c \
    "import neuron, netpyne; print('netpyne', netpyne.__version__, 'neuron', neuron.__version__)" >&2

echo "$PINS" > "$STAMP"
