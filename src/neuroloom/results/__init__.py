"""Results of runs: recordings, SONATA spike files, saved data."""
from .simdata import Recordings
from .sonata_spikes import read_spikes, write_spikes

__all__ = ["Recordings", "read_spikes", "write_spikes"]
