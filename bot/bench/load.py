"""The bench's load: server processes to start and measure, and signed commands sent at once."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bot.demo.slack_stub import SlackCall, SlackStub

SECRET = "bench-signing-secret"


@dataclass
class Server:
    """A server process under test, and what the kernel counts for it."""

    proc: asyncio.subprocess.Process
    base: str
    healthy_after: float

    def cpu_seconds(self) -> float:
        """User + system CPU time so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """The highest resident set size so far (VmHWM)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    async def stop(self) -> None:
        """SIGTERM, and wait."""
        if self.proc.returncode is None:
            self.proc.terminate()
        await asyncio.wait_for(self.proc.wait(), timeout=30)


async def start_server(args: Sequence[str], env: dict[str, str], log: Path) -> Server:
    """Start `python args…` and time it to its first /healthz 200."""
    port = env["PORT"]
    with log.open("ab") as out:
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, *args, env=env, stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        while True:
            if proc.returncode is not None:
                raise RuntimeError(f"{args} exited {proc.returncode}:\n{_read(log)}")
            try:
                async with http.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        return Server(proc, base, time.perf_counter() - started)
            except aiohttp.ClientError:
                pass
            if time.perf_counter() - started > 30:
                raise TimeoutError(f"{args} did not become healthy:\n{_read(log)}")
            await asyncio.sleep(0.005)


async def profiler(server: Server, args: Sequence[str]) -> asyncio.subprocess.Process | None:
    """With BENCH_PROFILE=DIR, py-spy samples the server through the 250 burst (raw stacks)."""
    where = os.environ.get("BENCH_PROFILE")
    if not where:
        return None
    name = "ours" if "serve" in args else "bare-bolt"
    out = Path(where) / f"{name}-{server.proc.pid}.txt"
    spy = str(Path(sys.executable).with_name("py-spy"))
    pid = str(server.proc.pid)
    profiler = await asyncio.create_subprocess_exec(
        *(spy, "record", "--pid", pid, "--rate", "1000", "--format", "raw", "--output", str(out)),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await asyncio.sleep(0.5)  # py-spy attaches
    return profiler


def _read(log: Path) -> str:
    return log.read_text(errors="replace")


@dataclass
class Burst:
    """Each command's ack time and the time its first reply reached the stub (seconds)."""

    acks: list[float] = field(default_factory=list)
    cards: list[float] = field(default_factory=list)


class Load:
    """Signed `/importrun` commands as Slack sends them; when each first reply arrives."""

    def __init__(self, slack: SlackStub, http: aiohttp.ClientSession) -> None:
        self._slack = slack
        self._http = http
        self._signer = SignatureVerifier(SECRET)
        self._waiting: dict[str, asyncio.Future[float]] = {}
        self._serial = 0
        slack.on_call(self._seen)

    def _seen(self, call: SlackCall) -> None:
        waiter = (
            self._waiting.pop(str(call.body.get("_key")), None)
            if call.method == "response_url"
            else None
        )
        if waiter is not None and not waiter.done():
            waiter.set_result(time.perf_counter())

    async def command(self, events_url: str, text: str) -> tuple[float, float]:
        """One command: (ack seconds, seconds until the first reply reached the stub)."""
        self._serial += 1
        key = f"k{self._serial}"
        arrived = asyncio.get_running_loop().create_future()
        self._waiting[key] = arrived
        form = {
            "token": "legacy", "team_id": "T0DEMOTEAM", "team_domain": "demo",
            "channel_id": "C0DEMOCHAN", "channel_name": "plm-imports", "user_id": "U0PERSON01",
            "user_name": "person", "command": "/importrun", "text": text,
            "response_url": self._slack.response_url(key), "trigger_id": f"trig.{key}",
            "api_app_id": "A0IMPORTRUN",
        }  # fmt: skip
        body = urlencode(form)
        ts = str(int(time.time()))
        headers = {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self._signer.generate_signature(timestamp=ts, body=body) or "",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        started = time.perf_counter()
        async with self._http.post(events_url, data=body.encode(), headers=headers) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status} to a signed command")
        acked = time.perf_counter() - started
        return acked, await asyncio.wait_for(arrived, timeout=30) - started

    async def burst(self, events_url: str, texts: Sequence[str]) -> Burst:
        """All `texts` at once."""
        results = await asyncio.gather(*(self.command(events_url, text) for text in texts))
        return Burst([ack for ack, _ in results], [card for _, card in results])


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile."""
    ranked = sorted(values)
    return ranked[max(0, min(len(ranked) - 1, round(share * len(ranked) + 0.5) - 1))]


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
