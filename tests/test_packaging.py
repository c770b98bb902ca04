"""What ships: .env.example usable with `docker run --env-file`, the image built from a lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).parent.parent


def _env_example() -> list[str]:
    return (ROOT / ".env.example").read_text().splitlines()


def test_env_example_keeps_comments_on_their_own_lines() -> None:
    """`--env-file` would keep `VALUE   # comment` whole as the value (and `check` then fails)."""
    for line in _env_example():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            assert re.fullmatch(r"[A-Z_]+", name), line
            assert "#" not in value, line


def test_env_example_names_every_setting_and_leaves_the_database_to_the_image() -> None:
    """Each setting is listed (set, or commented out); DATABASE_URL is not set over the
    image's /data default."""
    listed = {
        match.group(1) for line in _env_example() if (match := re.match(r"#? ?([A-Z_]+)=", line))
    }
    assert listed == {name.upper() for name in Settings.model_fields}
    assert not any(line.startswith("DATABASE_URL=") for line in _env_example())


def test_the_lock_pins_every_dependency_with_hashes() -> None:
    """requirements.lock has an exact version and hashes for each runtime dependency."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = (ROOT / "requirements.lock").read_text()
    pinned = {
        m.group(1).lower().replace("_", "-")
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==\S+ \\\n\s+--hash=sha256:", lock, re.M)
    }
    for requirement in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement)
        assert name is not None
        assert name.group(0).lower() in pinned, requirement
    assert "--index-url" not in lock
    assert "--find-links" not in lock


def test_the_image_installs_the_lock_in_its_own_layer_from_a_pinned_base() -> None:
    """FROM names an exact Python release; the lock is installed before the code is copied."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    [base] = [line for line in lines if line.startswith("FROM ")]
    assert re.fullmatch(r"FROM python:3\.\d+\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", base)
    lock_install = next(i for i, line in enumerate(lines) if "--require-hashes" in line)
    code_copy = next(i for i, line in enumerate(lines) if line.startswith("COPY bot"))
    assert lock_install < code_copy
