"""Method 'sbi': simulation-based inference of the parameters (the sbi package, on PyTorch),
as NetPyNE's batch/sbi_parallel.py sets it up.

The prior is uniform over each parameter's [min, max]. A round runs ``maxiters`` simulations
with parameters drawn from the prior (the runs of a round go to the executor together), and
each run gives an observation: its fitness followed by ``summaryStats(simData,
**summaryStatisticArg)`` (a list of ``summaryStatisticLength`` numbers). A neural density
estimator (``sbi_method``: 'SNPE', 'SNLE' or 'SNRE'; sbi's NPE_C, NLE_A, NRE_B) is trained on
them and gives the posterior over the parameters given the observation x_o:

- ``summaryStatisticObserved`` [None] (the example's): x_o is the observation of the run with
  the best fitness, as NetPyNE takes it;
- a list of numbers: x_o is that list, and the estimator is trained on the summary statistics
  alone (the fitness has no observed value).

``inference_type`` 'single' trains once; 'multi' runs ``rounds`` rounds, each drawing its
parameters from the last posterior given x_o (sequential inference; NetPyNE 1.1.1 draws every
round from the prior, and its sbiOptim does not run: it calls an undefined ``simulator``).
Runs that fail are left out of the training, with a warning.

Writes ``<label>_output.pkl``: {'samples': 10000 draws from the posterior given x_o,
'posteriorSample': one more draw, 'observed': x_o, 'paramLabels', 'sbi_method',
'inference_type'} (NetPyNE pickles the samples alone, and draws a pair plot, which neuroloom
leaves to the user: ``sbi.analysis.pairplot(output['samples'])``).
"""
from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import numpy as np

from ..atomic import write_bytes_atomic
from ..errors import BatchError
from .trials import Search

METHODS = {"SNPE": "NPE_C", "SNLE": "NLE_A", "SNRE": "NRE_B"}  # NetPyNE's names -> sbi's
POSTERIOR_SAMPLES = 10000  # as NetPyNE draws


def infer(search: Search, seed, folder: Path) -> dict:
    """Run simulation-based inference (options already checked; sbi and torch installed).

    Parameters
    ----------
    search : trials.Search
        The runs and the record; its ``summary`` computes each run's summary statistics.
    seed : int or None
        Seeds PyTorch (the prior's draws, the training and the posterior's samples).
    folder : pathlib.Path
        The batch folder, for ``<label>_output.pkl``.

    Returns
    -------
    dict
        What ``<label>_output.pkl`` holds.

    Raises
    ------
    BatchError
        Every run of a round failed, or summaryStats gave a list of another length than
        summaryStatisticLength or the observed statistics.
    """
    # sbi and PyTorch are optional and heavy: imported only for this method
    import sbi.inference
    import torch
    from sbi.utils import BoxUniform

    opts = search.options
    if seed is not None:
        torch.manual_seed(int(seed))
    low = torch.as_tensor([p.values[0] for p in search.params], dtype=torch.float32)
    high = torch.as_tensor([p.values[1] for p in search.params], dtype=torch.float32)
    prior = BoxUniform(low=low, high=high)
    method = opts.get("sbi_method", "SNPE")
    inference = getattr(sbi.inference, METHODS[method])(prior=prior, show_progress_bars=False)
    observed = opts.get("summaryStatisticObserved")
    use_observed = observed is not None and None not in list(observed)
    rounds = int(opts.get("rounds", 1)) if opts.get("inference_type", "single") == "multi" else 1
    per_round = int(opts.get("maxiters", 1000))
    proposal, x_o, posterior = prior, None, None
    for round_number in range(rounds):
        theta = proposal.sample((per_round,))
        thetas, xs = _simulate(search, theta.tolist(), use_observed)
        theta_t = torch.as_tensor(thetas, dtype=torch.float32)
        x_t = torch.as_tensor(xs, dtype=torch.float32)
        if method == "SNPE" and round_number > 0:
            estimator = inference.append_simulations(theta_t, x_t, proposal=proposal).train()
        else:
            estimator = inference.append_simulations(theta_t, x_t).train()
        posterior = inference.build_posterior(estimator)
        if x_o is None:
            x_o = (torch.as_tensor([float(v) for v in observed], dtype=torch.float32)
                   if use_observed else _best_observation(search, use_observed))
            if x_o.shape[-1] != x_t.shape[-1]:
                raise BatchError(f"Batch.optimCfg.summaryStatisticObserved: {x_o.shape[-1]} "
                                 f"values, but summaryStats gives {x_t.shape[-1]}")
        proposal = posterior.set_default_x(x_o)
    samples = posterior.sample((POSTERIOR_SAMPLES,), x=x_o, show_progress_bars=False)
    one = posterior.sample((1,), x=x_o, show_progress_bars=False)
    output = {"samples": samples.numpy(), "posteriorSample": one.numpy()[0],
              "observed": x_o.numpy(), "paramLabels": [p.name for p in search.params],
              "sbi_method": method, "inference_type": opts.get("inference_type", "single")}
    search.say(f"SBI: posterior sample {dict(zip(output['paramLabels'], one.numpy()[0]))}")
    write_bytes_atomic(folder / f"{search.label}_output.pkl", pickle.dumps(output))
    return output


def _simulate(search: Search, thetas: list, use_observed: bool):
    """Run the parameter sets; the successful ones and their observations."""
    start = len(search.trials)
    candidates = [(f"{search.label}_trial_{start + i}", values)
                  for i, values in enumerate(thetas)]
    search.run_round(candidates)
    kept, xs = [], []
    length = search.options.get("summaryStatisticLength")
    for _, values in candidates:
        fitness, ok, stats = search.outcome_of(values)
        if not ok:
            continue
        if length is not None and len(stats) != int(length):
            raise BatchError(f"Batch.optimCfg.summaryStats gave {len(stats)} values; "
                             f"summaryStatisticLength is {length}")
        kept.append(values)
        xs.append(stats if use_observed else [fitness, *stats])
    if not kept:
        raise BatchError(f"Batch method 'sbi': all {len(thetas)} runs of the round failed")
    if len(kept) < len(thetas):
        warnings.warn(f"Batch method 'sbi': {len(thetas) - len(kept)} of {len(thetas)} runs "
                      "failed and are left out of the training", UserWarning, stacklevel=3)
    return kept, xs


def _best_observation(search: Search, use_observed: bool):
    import torch  # optional and heavy: only for this method

    ok = [t for t in search.trials if t["ok"]]
    pick = max if search.maximize else min
    best = pick(ok, key=lambda t: t["fitness"])
    values = [best["params"][p.name] for p in search.params]
    fitness, _, stats = search.outcome_of(values)
    return torch.as_tensor(np.array(stats if use_observed else [fitness, *stats]),
                           dtype=torch.float32)
