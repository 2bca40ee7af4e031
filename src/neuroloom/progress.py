"""Progress of long steps (instantiating, simulating, batches, imports and exports).

On an interactive terminal: a tqdm bar on stderr (it shows rate and time left), drawn only
once the step has taken a second. Elsewhere (a log file, a pipe, CI): a plain line now and
then, so logs stay readable: the first after 5 s, then every 10 s, with the fraction done,
the wall time and the estimated time left. Off with simConfig.progress = False (and on MPI
ranks other than 0, which pass ``enabled=False``).
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager

from tqdm import tqdm

FIRST_LINE, EVERY = 5.0, 10.0  # seconds, for plain lines


class Progress:
    def __init__(self, label: str, total: float, unit: str = "", enabled: bool = True,
                 stream=None, clock=time.monotonic, echo=None):
        self.label, self.total, self.unit = label, float(total), unit
        self.stream = stream if stream is not None else sys.stderr
        self.clock, self.start = clock, clock()
        self.echo = echo or (lambda text: print(f"neuroloom: {text}", file=self.stream,
                                                flush=True))
        self.done = 0.0
        self._bar = None
        self._next_line = self.start + FIRST_LINE
        self.mode = _mode(enabled, self.stream)
        if self.mode == "bar":
            # a terminal that never set its size says 0 x 0, where tqdm draws nothing
            columns, lines = _size(self.stream)
            self._bar = tqdm(total=self.total, desc=label, unit=unit, file=self.stream,
                             delay=1.0, leave=False, dynamic_ncols=columns > 0,
                             ncols=columns or 80, nrows=lines or 24,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f}"
                                        " {unit} [{elapsed}<{remaining}]")

    def update(self, done: float) -> None:
        """``done`` units so far (not an increment)."""
        done = min(float(done), self.total)
        if self._bar is not None:
            self._bar.update(done - self.done)
        elif self.mode == "lines" and self.clock() >= self._next_line:
            self.echo(self.line(done))
            self._next_line = self.clock() + EVERY
        self.done = done

    def write(self, text: str) -> None:
        """A message that does not break the bar."""
        if self._bar is not None:
            self._bar.write(f"neuroloom: {text}", file=self.stream)
        else:
            self.echo(text)

    def line(self, done: float) -> str:
        wall = self.clock() - self.start
        fraction = done / self.total if self.total > 0 else 1.0
        left = wall * (1 - fraction) / fraction if fraction > 0 else float("nan")
        return (f"{self.label} {100 * fraction:.0f}% ({done:g}/{self.total:g} "
                f"{self.unit}, {wall:.1f} s, about {left:.0f} s left)")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextmanager
def fraction_progress(label: str, enabled: bool = True, echo=None):
    """A callback taking the fraction done of a step (shown in percent), or None when
    progress is off."""
    if not enabled:
        yield None
        return
    with Progress(label, 100, "%", echo=echo) as bar:
        yield lambda fraction: bar.update(100 * fraction)


def _size(stream) -> tuple[int, int]:
    try:
        return tuple(os.get_terminal_size(stream.fileno()))
    except (AttributeError, ValueError, OSError):
        return 0, 0


def _mode(enabled: bool, stream) -> str | None:
    if not enabled:
        return None
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if interactive:
        try:
            import tqdm  # noqa: F401
        except ImportError:
            return "lines"
        return "bar"
    return "lines"
