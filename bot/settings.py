"""Settings: the one home of configuration (environment, `.env`, `/run/secrets`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_SECRETS_DIR = Path("/run/secrets")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Comma-separated Slack IDs in the environment: `T0123,E0456` (not JSON).
IdList = Annotated[frozenset[str], NoDecode]


class SettingsError(Exception):
    """Configuration that cannot be used, said in plain sentences (one per setting)."""

    def __init__(
        self, message: str, problems: list[str] | None = None, fields: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.problems = problems or [message]
        # The settings whose values could not be read (field names), for `defaults_for`.
        self.fields = fields or []


class Settings(BaseSettings):
    """Every setting of the app; names are the environment variables'."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # `ARENA_WORKSPACE_ID=` (as in .env.example) means unset, not an empty value.
        env_ignore_empty=True,
        case_sensitive=False,
        frozen=True,
        secrets_dir=_SECRETS_DIR if _SECRETS_DIR.is_dir() else None,
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    arena_api_url: str = "https://api.arenasolutions.com/v1"
    arena_email: str | None = None
    arena_password: SecretStr | None = None
    arena_workspace_id: int | None = None
    arena_web_url: str = "https://app.bom.com"
    arena_timeout_seconds: float = Field(default=10.0, gt=0)

    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)
    database_url: str = "sqlite:///importrun-bot.db"
    poll_interval_seconds: float = Field(default=30.0, gt=0)
    poll_max_interval_seconds: float = Field(default=600.0, gt=0)
    arena_quota_reserve: int = Field(default=200, ge=0)
    lease_seconds: float = Field(default=15.0, gt=0)
    log_level: str = "INFO"

    # Who may use the bot (bot/slack/access.py); empty ALLOWED_TEAM_IDS: the token's own.
    allowed_team_ids: IdList = frozenset()
    allow_guests: bool = False
    allowed_channel_ids: IdList = frozenset()
    admin_user_ids: IdList = frozenset()
    # Fair use and limits at the edge (bot/slack/, bot/arena/limits.py).
    arena_requests_per_user_per_minute: int = Field(default=20, ge=1)
    arena_max_body_bytes: int = Field(default=5_000_000, ge=1024)
    server_max_connections: int = Field(default=1000, ge=1)
    server_read_timeout_seconds: float = Field(default=20.0, gt=0, le=60)

    @field_validator("allowed_team_ids", "allowed_channel_ids", "admin_user_ids", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        """`T1, E2` → {"T1", "E2"}; an ID is upper-case letters and digits."""
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list | tuple | set | frozenset):
            bad = [str(v) for v in value if not str(v).isalnum() or str(v) != str(v).upper()]
            if bad:
                raise ValueError(f"not Slack IDs (comma-separated, like T0123ABCD): {bad[:3]}")
            return frozenset(str(v) for v in value)
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        """One of Python's level names, in any case."""
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.strip().upper()

    @property
    def socket_mode(self) -> bool:
        """Socket Mode is used whenever an app-level token is configured."""
        return self.slack_app_token is not None

    def missing(self, *names: str) -> list[str]:
        """The environment names among `names` that have no value."""
        return [name.upper() for name in names if _blank(getattr(self, name))]

    def require(self, *names: str) -> None:
        """Raise `SettingsError` naming every required setting that is missing."""
        if absent := self.missing(*names):
            plural, them = ("s are", "them") if len(absent) > 1 else (" is", "it")
            raise SettingsError(
                f"The setting{plural} missing: {', '.join(absent)}. "
                f"Set {them} in the environment or in .env (see .env.example)."
            )


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one sentence per bad value."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems, fields = [], []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper()
            shown = "" if _is_secret(name) else f" (got {error.get('input')!r})"
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{name}: {message}{shown}.")
            fields.append(str(error["loc"][0]) if error["loc"] else "")
        raise SettingsError(" ".join(problems), problems, fields) from None


def defaults_for(error: SettingsError) -> Settings | None:
    """The settings with each value `error` could not read replaced by its default (None when
    that does not help), so that `check` can go on to name every other problem too."""
    fields = Settings.model_fields
    if not error.fields or any(name not in fields for name in error.fields):
        return None
    try:
        return Settings(**{name: fields[name].default for name in error.fields})
    except ValidationError:
        return None


def _blank(value: object) -> bool:
    """No value: unset, or set to nothing (`ARENA_PASSWORD=` in .env is a SecretStr(""))."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return value is None or value == ""


def _is_secret(name: str) -> bool:
    return any(word in name for word in ("TOKEN", "SECRET", "PASSWORD"))
