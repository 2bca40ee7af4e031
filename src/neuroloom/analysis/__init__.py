"""Numbers computed from recordings and networks (numpy only)."""
from .rates import pop_rates
from .spectra import rate_psd, spike_histogram, welch_psd
from .spikestats import cell_rates, isi_cv
from .synchrony import raster_sync, spike_sync

__all__ = ["pop_rates", "rate_psd", "spike_histogram", "welch_psd", "cell_rates", "isi_cv",
           "raster_sync", "spike_sync"]
