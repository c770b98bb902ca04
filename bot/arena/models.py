"""Pydantic models of Arena's JSON: import runs, import definitions, changes, quota.

Reading is tolerant (bot/arena/tolerant.py): an odd display field is left out and named in
`unreadable`; only a model's `ESSENTIAL` fields (a run's GUID and status) fail it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import AliasChoices, Field

from bot.arena.tolerant import ArenaModel, ArenaTime

# The statuses Arena documents as in progress; any other status (COMPLETE, ERROR, PURGED, or one
# Arena adds later, such as CANCELLED) is final.
RUNNING_STATUSES = frozenset({"CREATED", "RUNNING"})


class User(ArenaModel):
    """A compact Arena user (`UserCompactVo`)."""

    guid: str | None = None
    email: str | None = None
    full_name: str | None = None

    @property
    def display_name(self) -> str:
        """The full name, else the e-mail, else a placeholder."""
        return self.full_name or self.email or "someone"


class RunWarning(ArenaModel):
    """One warning of an import run, e.g. 331 "Column 'Descrptn' ignored."."""

    code: int | None = None
    message: str = ""


class Warnings(ArenaModel):
    """The warnings of a run: the total and (some of) the results."""

    count: int = 0
    results: tuple[RunWarning, ...] = ()

    @property
    def total(self) -> int:
        """The larger of the stated count and the results actually sent."""
        return max(self.count, len(self.results))


class LifecycleStatus(ArenaModel):
    """A change's lifecycle status, e.g. OPEN_AND_UNLOCKED."""

    type: str | None = None


class Category(ArenaModel):
    """An Arena category (guid, name, path)."""

    guid: str | None = None
    name: str | None = None
    path: str | None = None


class Url(ArenaModel):
    """Arena's `url` object: the API link and the web app link."""

    api: str | None = None
    app: str | None = None


class Change(ArenaModel):
    """A change order, as embedded in a run or returned by `GET /changes`."""

    guid: str | None = None
    number: str | None = None
    title: str | None = None
    category: Category | None = None
    creator: User | None = None
    creation_date_time: ArenaTime | None = None
    lifecycle_status: LifecycleStatus | None = None
    effective_date_time: ArenaTime | None = None
    url: Url | None = None

    @property
    def app_url(self) -> str | None:
        """The change's page in Arena's web app, when Arena gave one."""
        return self.url.app if self.url and self.url.app else None


class AddToChange(ArenaModel):
    """The run option that adds imported objects to a change."""

    guid: str | None = None
    number: str | None = None


class RunOptions(ArenaModel):
    """The options a run was started with (only in Arena's samples, so all optional)."""

    time_zone: str | None = None
    add_to_change: AddToChange | None = None


class ImportRun(ArenaModel):
    """One import run (`GET /imports/{g}/runs/{g}`); an unknown status is kept, none fails it."""

    ESSENTIAL: ClassVar[frozenset[str]] = frozenset({"guid", "status"})
    guid: str
    number: int | None = None
    workspace_id: int | None = None
    status: str
    commit: bool = True
    creation_date_time: ArenaTime | None = None
    completion_date_time: ArenaTime | None = None
    creator: User | None = None
    submit_file_type: str | None = None
    submit_worksheet_name: str | None = None
    total_count: int = 0
    success_count: int = 0
    error_count: int = 0
    warnings: Warnings = Field(default_factory=Warnings)
    options: RunOptions | None = None
    changes: tuple[Change, ...] = ()

    @property
    def is_finished(self) -> bool:
        """Every status but CREATED and RUNNING is final (an unknown one too)."""
        return not self.is_running

    @property
    def is_running(self) -> bool:
        """CREATED (queued) or RUNNING."""
        return self.status.upper() in RUNNING_STATUSES

    @property
    def is_preview(self) -> bool:
        """A `commit: false` run validates only; nothing was written to the workspace."""
        return not self.commit

    @property
    def failed(self) -> bool:
        """The run ended in ERROR or has failed rows."""
        return self.status.upper() == "ERROR" or self.error_count > 0

    @property
    def failure_share(self) -> float:
        """Failed rows as a fraction of all rows (0.0 for an empty run)."""
        return self.error_count / self.total_count if self.total_count else 0.0

    @property
    def duration(self) -> timedelta | None:
        """How long the run took, once it has finished."""
        if self.creation_date_time and self.completion_date_time:
            return self.completion_date_time - self.creation_date_time
        return None

    @property
    def change_number(self) -> str | None:
        """The change order the run was added to: from `changes`, else from the options."""
        for change in self.changes:
            if change.number:
                return change.number
        if self.options and self.options.add_to_change:
            return self.options.add_to_change.number
        return None

    @property
    def change(self) -> Change | None:
        """The first embedded change, if Arena sent one."""
        return self.changes[0] if self.changes else None


class ImportDefinition(ArenaModel):
    """An import definition (`GET /imports/{g}`)."""

    ESSENTIAL: ClassVar[frozenset[str]] = frozenset({"guid"})
    guid: str
    number: int | None = None
    name: str | None = None
    description: str | None = None
    resource: str | None = None
    mode: str | None = None
    creator: User | None = None
    creation_date_time: ArenaTime | None = None


class LoginResult(ArenaModel):
    """`POST /login`'s answer; the token arrives as `arenaSessionId` or `arena_session_id`."""

    ESSENTIAL: ClassVar[frozenset[str]] = frozenset({"session_id"})
    session_id: str = Field(
        validation_alias=AliasChoices("arenaSessionId", "arena_session_id", "sessionId")
    )
    workspace_id: int | None = None
    workspace_name: str | None = None
    workspace_request_limit: int | None = None


class ErrorObject(ArenaModel):
    """One entry of Arena's error body."""

    code: int | None = None
    message: str = ""


class ErrorBody(ArenaModel):
    """Arena's error body: `{"status": 400, "errors": [{"code": 3011, "message": "..."}]}`."""

    status: int | None = None
    errors: tuple[ErrorObject, ...] = ()
