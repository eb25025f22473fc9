"""Error types shared by the whole package.

Every error a user can cause derives from :class:`SplitschedError`; the CLI maps
those to exit code 2 and prints their one-line message.
"""

from __future__ import annotations


class SplitschedError(Exception):
    """Base class of every error caused by user input or a user's choice."""


class InstanceError(SplitschedError, ValueError):
    """Invalid instance data, from a file or built in code.

    Parameters
    ----------
    field
        Where the problem is: a JSON path such as ``layers[3].device``, a line
        number such as ``line 4``, or a dataclass field name. ``None`` when the
        problem concerns the whole input (an unreadable file, say).
    problem
        What is wrong, in a few words.
    source
        The file the data came from, or ``None`` for data built in code.
    """

    def __init__(self, field: str | None, problem: str, source: str | None = None):
        self.field = field
        self.problem = problem
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [part for part in (self.source, self.field) if part]
        return ": ".join([*parts, self.problem])

    def with_source(self, source: str) -> InstanceError:
        """Return the same error, attributed to the file ``source``."""
        return InstanceError(self.field, self.problem, source)


class ScheduleError(SplitschedError, ValueError):
    """A schedule or permutation that is not feasible for its instance."""


class SolverError(SplitschedError, ValueError):
    """A solver that cannot be used as asked (unknown name, wrong problem, bad option)."""


class SizeLimitError(SolverError):
    """An instance above the size a solver or a conversion accepts."""
