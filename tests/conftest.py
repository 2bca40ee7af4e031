import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for `import helpers`

# Every test of these folders runs NEURON (tests elsewhere that do are marked themselves)
NEURON_FOLDERS = ("engine", "acceptance", "batch")


def pytest_collection_modifyitems(config, items):
    root = Path(__file__).parent
    for item in items:
        folder = Path(item.fspath).relative_to(root).parts[0]
        if folder in NEURON_FOLDERS:
            item.add_marker(pytest.mark.neuron)
