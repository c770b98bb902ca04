"""Tolerant reading of Arena's JSON: an odd field costs that field, not the whole object.

A field Arena sends with an odd type is left out (its default) and named in `unreadable`, so
one odd display field costs that field, not the whole card. Only a model's `ESSENTIAL`
fields (a run's GUID and status) fail it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    model_validator,
)
from pydantic.alias_generators import to_camel


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
