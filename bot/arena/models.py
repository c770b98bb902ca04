"""Pydantic models of Arena's JSON: import runs, import definitions, changes, quota.

Reading is tolerant: a field Arena sends with an odd type is left out (its default) and
named in `unreadable`, so one odd display field costs that field, not the whole card. Only
a model's `ESSENTIAL` fields (a run's GUID and status) fail it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    model_validator,
)
from pydantic.alias_generators import to_camel

# The statuses Arena documents as in progress; any other status (COMPLETE, ERROR, PURGED, or one
# Arena adds later, such as CANCELLED) is final.
RUNNING_STATUSES = frozenset({"CREATED", "RUNNING"})


def _in_utc(moment: datetime) -> datetime:
    """The moment in UTC; one that cannot be (year 1 or 9999 at an offset) is unreadable."""
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("a date out of range") from None


# Every date the cards show: aware, in UTC, within datetime's range.
ArenaTime = Annotated[datetime, AfterValidator(_in_utc)]


class ArenaModel(BaseModel):
    """Frozen, camelCase on the wire, unknown fields kept (Arena adds fields over time)."""

    model_config = ConfigDict(
        frozen=True, extra="allow", alias_generator=to_camel, populate_by_name=True
    )
    # Fields without which the object means nothing: an odd value there fails it.
    ESSENTIAL: ClassVar[frozenset[str]] = frozenset()
    _unreadable: frozenset[str] = PrivateAttr(default=frozenset())

    @property
    def unreadable(self) -> frozenset[str]:
        """The fields Arena sent that could not be read (left at their defaults)."""
        return self._unreadable

    @model_validator(mode="wrap")
    @classmethod
    def _tolerant(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Validate; on odd display fields, drop them and validate the rest."""
        try:
            return handler(data)
        except ValidationError as exc:
            if not isinstance(data, dict):
                raise
            if any(not error["loc"] for error in exc.errors()):
                raise
            keys = {error["loc"][0] for error in exc.errors()}
            names = {_field_name(cls, str(key)) for key in keys}
            if None in names or names & cls.ESSENTIAL:
                raise
            model = handler({k: v for k, v in data.items() if k not in keys})
            model._unreadable = frozenset(str(name) for name in names)
            return model


def _field_name(cls: type[BaseModel], key: str) -> str | None:
    """The field that `key` (a wire name or field name) fills; None when it is no field."""
    for name, info in cls.model_fields.items():
        if key == name or key == info.alias:
            return name
        choices = info.validation_alias
        if isinstance(choices, AliasChoices) and key in choices.choices:
            return name
    return None


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
    """One import run (`GET /imports/{g}/runs/{g}`); unknown statuses are kept as-is."""

    ESSENTIAL: ClassVar[frozenset[str]] = frozenset({"guid", "status"})
    guid: str
    number: int | None = None
    workspace_id: int | None = None
    status: str = "UNKNOWN"
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
