"""DATABASE_URL as a person may see it: with its password masked."""

from __future__ import annotations

from urllib.parse import urlsplit


def redacted(url: str) -> str:
    """The URL without its password, to name the database in a sentence."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()
