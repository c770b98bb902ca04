"""Test helpers: run `importrun-bot serve` as a real process and talk to it as Slack does."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-local-stub"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def bot_env(
    *, arena_url: str, slack_url: str, port: int, workdir: Path, **extra: str
) -> dict[str, str]:
    """The environment of a bot process pointed at the simulator and the Slack stub."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ARENA_"))}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_url,
        ARENA_API_URL=arena_url,
        ARENA_EMAIL="integration@example.com",
        ARENA_PASSWORD="demo-password",
        ARENA_WORKSPACE_ID="123456789",
        HOST="127.0.0.1",
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{workdir / 'bot.db'}",
        POLL_INTERVAL_SECONDS="0.5",
        ARENA_TIMEOUT_SECONDS="1",
        LOG_LEVEL="INFO",
        # One test person asks far more than 20 things a minute; tests of fair use set their own.
        ARENA_REQUESTS_PER_USER_PER_MINUTE="100000",
        LEASE_SECONDS="2",
    )
    env.update(extra)
    return env


class BotProcess:
    """`python -m bot serve` in a subprocess, ready once `/healthz` answers."""

    def __init__(
        self,
        env: Mapping[str, str],
        workdir: Path,
        *,
        preexec: Callable[[], None] | None = None,
    ) -> None:
        self.env = dict(env)
        self.preexec = preexec
        self.workdir = workdir
        self.base = f"http://127.0.0.1:{env['PORT']}"
        self.proc: asyncio.subprocess.Process | None = None
        self.log = workdir / "bot.log"

    async def start(self, timeout: float = 20.0, *, ready: tuple[int, ...] = (200,)) -> None:
        """Start the process and wait for its health check to answer with a `ready` status."""
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "serve",
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=log,
                preexec_fn=self.preexec,
            )
        async with httpx.AsyncClient() as http:
            deadline = asyncio.get_running_loop().time() + timeout
            while True:
                if self.proc.returncode is not None:
                    raise RuntimeError(
                        f"serve exited {self.proc.returncode}:\n{self.log.read_text()}"
                    )
                try:
                    if (await http.get(f"{self.base}/healthz")).status_code in ready:
                        return
                except httpx.TransportError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError(f"serve did not become healthy:\n{self.log.read_text()}")
                await asyncio.sleep(0.1)

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send `sig` and wait; returns the exit code."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        return await asyncio.wait_for(self.proc.wait(), timeout=30)

    def output(self) -> str:
        """Everything the process logged."""
        return self.log.read_text()
