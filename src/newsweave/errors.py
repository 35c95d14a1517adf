"""Typed exceptions. Each carries the reason a person can act on."""

from __future__ import annotations


class NewsweaveError(Exception):
    """Base class: every error newsweave raises on purpose."""


class InputError(NewsweaveError):
    """One input (a file, or a row of a dump) that cannot be ingested.

    ``kind`` is ``"failed"`` for input that is broken and ``"skipped"`` for input that is
    fine but of a type newsweave does not read (an image, a PDF).
    """

    def __init__(self, source: str, reason: str, *, row: int | None = None, kind: str = "failed",
                 detail: str | None = None):
        self.source = source
        self.reason = reason
        self.row = row
        self.kind = kind
        self.detail = detail  # an unexpected failure's traceback, for the record
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.source if self.row is None else f"{self.source} (row {self.row})"
        return f"{where}: {self.reason}"


class SkippedInput(InputError):
    """Input of a kind newsweave does not read; reported, not counted as a failure."""

    def __init__(self, source: str, reason: str, *, row: int | None = None):
        super().__init__(source, reason, row=row, kind="skipped")


class StageError(NewsweaveError):
    """A pipeline stage failed on one article; ``trace``: the traceback of an unexpected failure."""

    def __init__(self, stage: str, source: str, reason: str, *, trace: str | None = None):
        self.stage, self.source, self.reason, self.trace = stage, source, reason, trace
        super().__init__(f"{source}: {stage}: {reason}")


class ConfigError(NewsweaveError):
    """Bad settings: a database URL that cannot be used, an unreadable data file."""


class DatabaseFault(ConfigError):
    """The database cannot be used as it is: full, corrupted, not newsweave's, read-only, or its
    server unreachable. Not the input's fault, so a run stops (exit status 2) and what was
    committed before stays as it was. The message names the database (its password masked)."""


class StageContractError(ConfigError):
    """A pipeline stage that breaks its contract (returns something other than the Article it was
    given, or changes a field it does not declare): a bug in newsweave, so the run stops."""


class NotFoundError(NewsweaveError):
    """A record asked for by id that is not in the database."""
