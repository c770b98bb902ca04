"""The demo's Arena workspace (the seed plus one more definition) and its first screen."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.demo.seed import (
    RUNNING_RUN_GUID,
)
from bot.demo.seed_parts import PRIYA, warning
from bot.demo.sim_state import SimulatedWorkspace
from bot.demo.sim_support import zulu

PRICE_IMPORT_GUID = "PR5KX2N8QT4WZ7LD3MBC"
PRICE_RUN_GUIDS = ("PQ3LN7K2XW9TR4ZD8MCB", "PE8ZT2QW6KN3RX9LD4MB", "PW4NK9T2LX7QZ3RD8CMB")


def add_demo_definitions(simulator: SimulatedWorkspace) -> None:
    """A third definition, "Part price update", with a clean, a failed and a warned run."""
    simulator.add_import(
        {
            "guid": PRICE_IMPORT_GUID,
            "number": 5,
            "creationDateTime": "2023-05-02T15:20:00Z",
            "creator": dict(PRIYA),
            "name": "Part price update",
            "description": "Updates standard cost and supplier price breaks from the ERP.",
            "resource": "ITEM_SPECS",
            "mode": "EDIT",
        }
    )
    now = simulator.now().replace(microsecond=0)
    clean = _run(PRICE_RUN_GUIDS[0], 1, now - timedelta(days=2), total=2_480)
    failed = _run(PRICE_RUN_GUIDS[1], 2, now - timedelta(hours=27), total=2_512, errors=2_512)
    failed["status"] = "ERROR"
    warned = _run(PRICE_RUN_GUIDS[2], 3, now - timedelta(hours=2), total=2_515, errors=3)
    warned["warnings"] = {
        "count": 2,
        "results": [
            warning(331, "Column 'Price (old)' ignored."),
            warning(338, "Row 1,207: value 'USD ' for 'Currency' matched to 'USD'."),
        ],
    }
    for run in (clean, failed, warned):
        simulator.add_run(PRICE_IMPORT_GUID, run)


def _run(
    guid: str, number: int, started: datetime, *, total: int, errors: int = 0
) -> dict[str, Any]:
    return {
        "guid": guid,
        "number": number,
        "creationDateTime": zulu(started),
        "completionDateTime": zulu(started + timedelta(minutes=3)),
        "creator": dict(PRIYA),
        "submitFileType": "CSV",
        "status": "COMPLETE",
        "warnings": {"count": 0, "results": []},
        "commit": True,
        "totalCount": total,
        "successCount": total - errors,
        "errorCount": errors,
        "changes": [],
    }


def _describe(run: dict[str, Any]) -> str:
    if run["guid"] == RUNNING_RUN_GUID:
        return "finishes about a minute from now"
    parts = [] if run.get("commit", True) else ["preview"]
    parts.append(f"{int(run.get('totalCount') or 0):,} rows")
    if errors := int(run.get("errorCount") or 0):
        parts.append(f"{errors:,} failed")
    if warnings := int((run.get("warnings") or {}).get("count") or 0):
        parts.append(f"{warnings:,} warning{'s' if warnings != 1 else ''}")
    return " · ".join(parts)


def first_screen(simulator: SimulatedWorkspace, *, app_url: str) -> str:
    """What the demo prints before the first prompt: the workspace, and what to try."""
    lines = [
        "importrun-bot demo: a simulated Arena workspace and a local Slack; no secrets needed.",
        f"The app runs as in production (`importrun-bot serve` on {app_url}); this console",
        "plays Slack: what you type is sent to it as a signed /importrun request.",
        "",
    ]
    for definition in simulator.definitions():
        name = f"{definition.get('name')} (#{definition.get('number')})"
        lines.append(f"{name:<28} import {definition['guid']}")
        for run in simulator.runs(definition["guid"]):
            status = str(run.get("status", ""))
            lines.append(
                f"  run #{run.get('number'):<3} {run['guid']}  {status:<9} {_describe(run)}"
            )
        lines.append("")
    lines += [
        "A new run starts every minute or two, so subscriptions have news to post. Try:",
        "  /importrun imports",
        '  /importrun "Item Master load" latest',
        "  /importrun master 14",
        "  /importrun BOM load",
        '  /importrun watch "Item Master load" latest',
        '  /importrun subscribe "Part price update" failures @plm-oncall',
        "  shortcut did last night's price import go in?",
        "A number presses that button of the last card; `help` explains; `exit` or Ctrl-D quits.",
    ]
    return "\n".join(lines)
