"""The exceptions neuroloom raises.

Every error names where the problem is: the dotted path of the offending spec key
(``connParams['S->M'].probabilty``), the rule, or the file. Errors are raised, never
printed; a spec with several problems raises once with all of them.
"""
from __future__ import annotations

from dataclasses import dataclass


class NeuroloomError(Exception):
    """Base class of every error neuroloom raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a spec: where it is and what is wrong."""

    path: str
    message: str
    in_expression: bool = False  # a string function that does not parse or is not allowed

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SpecError(NeuroloomError, ValueError):
    """A NetParams/SimConfig spec is invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__(self._format())

    def _format(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems in the spec:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class ExpressionError(SpecError):
    """A string function in a spec uses something that is not allowed or does not parse.

    A SpecError too: a spec whose only problems are string functions raises this."""


class FormatError(NeuroloomError, ValueError):
    """A file does not follow the format it claims (NeuroML2, SONATA, saved data)."""


class MechanismError(NeuroloomError, RuntimeError):
    """A NEURON mechanism is missing, has no such parameter, or failed to compile."""


class MPIError(NeuroloomError, RuntimeError):
    """NEURON and the MPI launcher disagree on the processes of the job, or a model cannot
    run on several ranks as given."""


class BatchError(NeuroloomError, RuntimeError):
    """Runs of a batch failed; the others finished. The message names each failed run and
    where its log is."""
