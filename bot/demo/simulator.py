"""A real HTTP server on loopback that speaks Arena's REST API, for tests and the demo."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType

from aiohttp import web

from bot.demo import seed as seed_data
from bot.demo.activity import keep_starting_runs
from bot.demo.sim_http import build_app
from bot.demo.sim_runs import RunTimeline
from bot.demo.sim_state import SimulatedWorkspace
from bot.demo.sim_support import FakeClock, SimulatorStats
from bot.demo.workspace import add_demo_definitions

__all__ = ["ArenaSimulator", "FakeClock", "RunTimeline", "SimulatorStats", "main"]


class ArenaSimulator(SimulatedWorkspace):
    """Arena's REST API for import runs on loopback: sessions, quota, runs that move in time."""

    # The knobs (expire_sessions, set_quota, fail_next, add_run, advance, ...) and `stats`
    # come from SimulatedWorkspace; this class adds the server's lifecycle.

    def __init__(
        self,
        *,
        email: str = "integration@example.com",
        password: str = "demo-password",
        workspace_id: int = 123456789,
        request_limit: int = 10_000,
        latency: float = 0.0,
        web_url: str = "https://app.bom.com",
        clock: Callable[[], datetime] | None = None,
        seed: bool = True,
        login_field: str = "arenaSessionId",
        session_timeout: float | None = 90 * 60,
        workspace_name: str = "EveryRoad GPS",
    ) -> None:
        super().__init__(
            email=email,
            password=password,
            workspace_id=workspace_id,
            workspace_name=workspace_name,
            request_limit=request_limit,
            web_url=web_url,
            clock=clock,
            login_field=login_field,
            session_timeout=session_timeout,
        )
        self.latency = latency
        self._runner: web.AppRunner | None = None
        if seed:
            seed_data.apply_seed(self)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on `host:port` (0 = any free port) and return the base URL ending in /v1."""
        if self._runner is not None:
            raise RuntimeError("the simulator is already running")
        runner = web.AppRunner(
            build_app(self), access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        self.url = f"http://{bound_host}:{bound_port}/v1"
        return self.url

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> ArenaSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


async def _serve(host: str, port: int, latency: float, quiet: bool) -> None:
    simulator = ArenaSimulator(latency=latency)
    add_demo_definitions(simulator)
    url = await simulator.start(host, port)
    print(f"Arena simulator listening on {url}")
    print(f"  ARENA_API_URL={url}")
    print(f"  ARENA_EMAIL={simulator.email}")
    print(f"  ARENA_PASSWORD={simulator.password}")
    print(f"  ARENA_WORKSPACE_ID={simulator.workspace_id}")
    print(f"  ARENA_WEB_URL={simulator.web_url}")
    print("The demo's workspace (a new run starts every minute or two):")
    for definition in simulator.definitions():
        print(f"  {definition.get('name')} (#{definition.get('number')})  {definition['guid']}")
    print('  try: /importrun "Item Master load" latest')
    print("Press Ctrl-C to stop.", flush=True)
    activity = None if quiet else asyncio.create_task(keep_starting_runs(simulator))
    try:
        await asyncio.Event().wait()
    finally:
        if activity is not None:
            activity.cancel()
        await simulator.stop()


def main(argv: Sequence[str] | None = None) -> None:
    """Run the simulator standalone: `python -m bot.demo.simulator [--port N]`."""
    parser = argparse.ArgumentParser(prog="python -m bot.demo.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per response")
    parser.add_argument("--quiet", action="store_true", help="start no new runs on its own")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, args.latency, args.quiet))


if __name__ == "__main__":
    main()
