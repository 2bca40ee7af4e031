"""Plots (the only package that imports matplotlib)."""
from .batch import plot_heatmap
from .conn import plot_conn
from .csd import plot_csd
from .fi import fi_figure_names, plot_fi
from .figures import finish_figure, rc_context, save_figure
from .lfp import plot_lfp
from .net2d import plot_2dnet
from .raster import plot_raster
from .rxd import plot_rxd_concentration
from .shape import plot_shape
from .spikes import plot_rate_psd, plot_spike_hist, plot_spike_stats
from .traces import plot_traces, trace_figure_keys

__all__ = ["plot_conn", "plot_csd", "plot_2dnet", "plot_heatmap", "plot_lfp", "plot_raster",
           "plot_shape", "plot_rate_psd", "plot_spike_hist", "plot_spike_stats", "plot_traces",
           "trace_figure_keys", "plot_fi", "fi_figure_names",
           "plot_rxd_concentration", "save_figure", "finish_figure", "rc_context"]
