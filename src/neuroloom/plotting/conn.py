"""Connectivity matrix plot."""
from __future__ import annotations

from ..analysis.connectivity import conn_matrix
from .figures import log_norm, new_figure

LABELS = {"strength": "Connection strength", "weight": "Mean weight", "delay": "Mean delay (ms)",
          "probability": "Connection probability", "numConns": "Number of connections",
          "convergence": "Convergence", "divergence": "Divergence"}


def plot_conn(network, pre_gids, post_gids, *, feature="strength", group_by="pop",
              syn_or_conn="syn", order_by="gid", fig_size=(8, 8), clim=None,
              log_plot=False):
    """Returns (figure, data). ``clim``: [min, max] of the colour scale; ``log_plot``: a
    logarithmic colour scale."""
    matrix, pre_labels, post_labels = conn_matrix(
        network, pre_gids, post_gids, feature=feature, group_by=group_by,
        syn_or_conn=syn_or_conn, order_by=order_by)
    fig = new_figure(fig_size)
    ax = fig.add_subplot(1, 1, 1)
    if matrix.size == 0:  # e.g. include names only populations the network lacks
        ax.text(0.5, 0.5, "no cells to show", ha="center", transform=ax.transAxes)
        return fig, {"connMatrix": matrix, "feature": feature, "groupBy": group_by,
                     "includePre": pre_labels, "includePost": post_labels}
    low, high = (None, None) if clim is None else clim
    scale = {"norm": log_norm(low, high)} if log_plot else {"vmin": low, "vmax": high}
    image = ax.imshow(matrix, interpolation="nearest", cmap="viridis", aspect="auto",
                      **scale)
    fig.colorbar(image, ax=ax, label=LABELS[feature])
    if group_by == "pop":
        ax.set_xticks(range(len(post_labels)), post_labels)
        ax.set_yticks(range(len(pre_labels)), pre_labels)
        for i in range(matrix.shape[0]):  # the values, readable on any colour
            for j in range(matrix.shape[1]):
                ax.text(j, i, f"{matrix[i, j]:.3g}", ha="center", va="center", fontsize=8,
                        color="w", bbox=dict(facecolor="k", alpha=0.3, linewidth=0))
    ax.set_xlabel("Postsynaptic " + ("population" if group_by == "pop" else "cell"))
    ax.set_ylabel("Presynaptic " + ("population" if group_by == "pop" else "cell"))
    ax.set_title(LABELS[feature])
    fig.tight_layout()
    return fig, {"connMatrix": matrix, "feature": feature, "groupBy": group_by,
                 "includePre": pre_labels, "includePost": post_labels}
