"""Tutorial 1: quick and easy example (only the import line differs from the tutorial)."""
import HHTut
from neuroloom import sim
sim.createSimulateAnalyze(netParams = HHTut.netParams, simConfig = HHTut.simConfig)
