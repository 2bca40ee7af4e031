"""SONATA nodes read as BMTK 1.2.0 reads them, checked against BMTK itself: where it puts
the segments of a rotated cell (layer4_sample's rotation_angle_yaxis and _zaxis)."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from neuroloom.engine import bmtk_cells, cell_templates
from neuroloom.engine.cells import CellInstance
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.importers.sonata import node_rotations
from neuroloom.model.catalog import CellType
from neuroloom.sonata.bmtk_cells import bmtk_cell
from neuroloom.sonata.files import read_node_populations

EXAMPLES = Path("/work/shared/sonata-examples")
L4 = EXAMPLES / "layer4_sample/network"
MORPHOLOGIES = EXAMPLES / "shared_components/morphologies"
DL = 20.0

BMTK_SEGMENTS = """
import sys
import numpy as np
import pandas
pandas.set_option('future.infer_string', False)  # BMTK 1.2.0 with pandas 3
from neuron import h
from bmtk.simulator.bionet.nrn import load_neuron_modules
from bmtk.simulator.bionet.morphology import Morphology
swc, out = sys.argv[1], sys.argv[2]
angles = [float(a) for a in sys.argv[3:6]]
position = np.array([float(a) for a in sys.argv[6:9]])
load_neuron_modules(None, None)
hobj = h.Biophys1(swc)
morph = Morphology.load(hobj=hobj, morphology_file=swc, cache_seg_props=False)
morph.set_segment_dl(float(sys.argv[9]))
morph.move_and_rotate(soma_coords=position, rotation_angles=angles, inplace=True)
c = morph.seg_coords
np.savez(out, p0=c.p0, p05=c.p05, p1=c.p1)
"""


def _layer4_node(node_id):
    """(morphology, rotation angles, position) of a layer4_sample biophysical node."""
    pop = read_node_populations(L4 / "l4_nodes.h5", L4 / "l4_node_types.csv")[0]
    angles = node_rotations(pop, slice(node_id, node_id + 1))
    xyz = [float(pop.get(a)[node_id]) for a in ("x", "y", "z")]
    morph = MORPHOLOGIES / f"{pop.get('morphology')[node_id]}.swc"
    return morph, [float(angles.get(f"rotation_angle_{a}axis", [0.0])[0]) for a in "xyz"], xyz


@pytest.mark.parametrize("node_id", [0, 7])
def test_segments_of_a_rotated_layer4_cell_are_where_bmtk_puts_them(node_id, tmp_path):
    morph, angles, position = _layer4_node(node_id)
    assert angles[1] != 0 and angles[2] != 0  # layer4 rotates about y (nodes) and z (CSV)
    out = tmp_path / "bmtk.npz"
    result = subprocess.run([sys.executable, "-c", BMTK_SEGMENTS, str(morph), str(out),
                             *map(repr, angles), *map(repr, position), repr(DL)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    theirs = np.load(out)

    # the same cell (the morphology alone: every section has its SWC points) in neuroloom
    cell = bmtk_cell(morphology=morph, model_template="ctdb:Biophys1", model_processing=None,
                     dynamics_params=None, templates_dir=None, dL=DL)
    cell_type = cell_templates.made(CellType(
        label="rotated", sections=(), spike_sec="soma_0", spike_loc=0.5, threshold=-15.0,
        place_pt3d=False, template=cell.to_template()))
    instance = CellInstance(neuron_h(), 0, cell_type, position)
    ours = bmtk_cells.segment_points(instance.secs, cell_type.template.section_names,
                                     angles, position)
    for name in ("p0", "p05", "p1"):
        assert getattr(ours, name).shape == theirs[name].shape
        np.testing.assert_allclose(getattr(ours, name), theirs[name], rtol=0, atol=1e-9)
    # the rotation moved the cell: unrotated, the points differ by far more than rounding
    plain = bmtk_cells.segment_points(instance.secs, cell_type.template.section_names,
                                      (0.0, 0.0, 0.0), position)
    assert np.abs(plain.p05 - theirs["p05"]).max() > 1.0
    del instance


def test_a_section_without_3d_points_has_no_segment_position():
    morph, angles, position = _layer4_node(0)
    h = neuron_h()
    sec = h.Section(name="stub")
    sec.L, sec.diam = 30.0, 1.0
    with pytest.raises(Exception, match="stub has no 3D points"):
        bmtk_cells.segment_points({"stub": sec}, ["stub"], angles, position)
