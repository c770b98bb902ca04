"""Settings: the one home of configuration (environment, `.env`, `/run/secrets`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

_SECRETS_DIR = Path("/run/secrets")


class SettingsError(Exception):
    """Configuration that cannot be used, said in plain sentences (one per setting)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


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
    log_level: str = "INFO"

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
            plural = "s are" if len(absent) > 1 else " is"
            raise SettingsError(
                f"The setting{plural} missing: {', '.join(absent)}. "
                "Set it in the environment or in .env (see .env.example)."
            )


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one sentence per bad value."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper()
            shown = "" if _is_secret(name) else f" (got {error.get('input')!r})"
            problems.append(f"{name}: {error['msg']}{shown}.")
        raise SettingsError(" ".join(problems), problems) from None


def _blank(value: object) -> bool:
    """No value: unset, or set to nothing (`ARENA_PASSWORD=` in .env is a SecretStr(""))."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return value is None or value == ""


def _is_secret(name: str) -> bool:
    return any(word in name for word in ("TOKEN", "SECRET", "PASSWORD"))
