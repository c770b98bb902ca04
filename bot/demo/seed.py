"""The simulator's seeded workspace: two import definitions, their runs, and two changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.demo.seed_parts import (
    DANA,
    ECO_CATEGORY,
    INTEGRATION,
    PRIYA,
    ROY,
    bom_definition,
    item_definition,
    many_warnings,
    seed_run_warnings,
    warning,
)
from bot.demo.sim_runs import RunTimeline
from bot.demo.sim_state import SimulatedWorkspace
from bot.demo.sim_support import zulu

SEED_IMPORT_GUID = "IM4QX7N2BK9D3WZTRH5A"
BOM_IMPORT_GUID = "BM2Q8XK4TR7NZ3WD9LHC"

SEED_RUN_GUID = "R9TCQNRT4L47Q9VQWUF3"  # #14, the documented sample
ERROR_RUN_GUID = "E2RRK8Q4NW7ZD1TB5XJM"  # #10, status ERROR
PARTIAL_RUN_GUID = "P7KD2MWQ9XR4TL6NB3ZC"  # #11, committed, 37 failed rows
MANY_WARNINGS_RUN_GUID = "W5NQ8ZT3KD6RX2MB9LPA"  # #12, 500 warnings
PREVIEW_RUN_GUID = "V3PX9LW2QK7TN4RD8ZMB"  # #13, commit false, clean
CLEAN_RUN_GUID = "C8LN3QZ6TW2KR9XD4MPB"  # #15, committed, clean
RUNNING_RUN_GUID = "G6RN4TQ9ZK2WX7MD3LBP"  # #16, the newest: RUNNING, then COMPLETE
BOM_CLEAN_RUN_GUID = "B4TK7NQ2XZ9RW3LM6DPA"  # BOM #1
BOM_FAILED_RUN_GUID = "B9XW3LR6QT2ZN8KD4MCA"  # BOM #2, failed rows and ECO-002131

SEED_CHANGE_GUID = "J1L4IFJLWDWZI0GL6I34"
SEED_CHANGE_NUMBER = "ECO-002114"
BOM_CHANGE_GUID = "J1L4IFJLWDX3K9QT2RMB"
BOM_CHANGE_NUMBER = "ECO-002131"

RUNNING_RUN_FINISHES_AFTER = 60.0
"""Seconds after the simulator is created at which the RUNNING seed run completes."""

SEED_RUNS: dict[str, str] = {
    guid: SEED_IMPORT_GUID
    for guid in (
        ERROR_RUN_GUID,
        PARTIAL_RUN_GUID,
        MANY_WARNINGS_RUN_GUID,
        PREVIEW_RUN_GUID,
        SEED_RUN_GUID,
        CLEAN_RUN_GUID,
        RUNNING_RUN_GUID,
    )
} | {BOM_CLEAN_RUN_GUID: BOM_IMPORT_GUID, BOM_FAILED_RUN_GUID: BOM_IMPORT_GUID}
"""Every seeded run GUID → its import definition GUID."""


def apply_seed(workspace: SimulatedWorkspace) -> None:
    """Load the seeded definitions, runs and changes into `workspace`."""
    now = workspace.now().replace(microsecond=0)
    workspace.add_import(item_definition(SEED_IMPORT_GUID))
    workspace.add_import(bom_definition(BOM_IMPORT_GUID))
    for change in (seed_change(), _bom_change()):
        workspace.add_change(change)
    for run in _item_runs(now):
        workspace.add_run(SEED_IMPORT_GUID, run)
    workspace.add_run(
        SEED_IMPORT_GUID,
        _run(RUNNING_RUN_GUID, 16, now, ago=0, total=42_000, errors=10, creator=INTEGRATION)
        | {
            "warnings": {
                "count": 2,
                "results": [
                    warning(331, "Column 'Legacy ID' ignored."),
                    warning(336, "Row 7,310: white space stripped from 'Description'."),
                ],
            }
        },
        timeline=RunTimeline(
            started_at=now - timedelta(seconds=20),
            running_after=2.0,
            finished_after=20 + RUNNING_RUN_FINISHES_AFTER,
        ),
    )
    for run in _bom_runs(now):
        workspace.add_run(BOM_IMPORT_GUID, run)


def seed_change(*, embedded: bool = False) -> dict[str, Any]:
    """ECO-002114 as in Arena's sample (`embedded`: with the nulls a run's `changes` carries)."""
    change: dict[str, Any] = {
        "category": dict(ECO_CATEGORY),
        "creationDateTime": "2021-09-14T23:58:41Z",
        "creator": dict(INTEGRATION),
        "guid": SEED_CHANGE_GUID,
        "lifecycleDateTime": "2021-09-14T23:58:41Z",
        "lifecycleStatus": {"type": "OPEN_AND_UNLOCKED"},
        "number": SEED_CHANGE_NUMBER,
        "title": "From an integration!",
    }
    if embedded:
        change |= {"effectiveDateTime": None, "submissionDateTime": None}
    return change


def seed_run() -> dict[str, Any]:
    """Run #14 exactly as in the GET Import Run sample, with all 12 warnings."""
    return {
        "guid": SEED_RUN_GUID,
        "number": 14,
        "creationDateTime": "2021-09-15T00:00:00Z",
        "creator": dict(ROY),
        "submitFileType": "EXCEL_WORKSHEET",
        "submitWorksheetName": "Item Master",
        "completionDateTime": "2021-09-16T00:00:00Z",
        "status": "COMPLETE",
        "warnings": {"count": 12, "results": seed_run_warnings()},
        "commit": False,
        "totalCount": 134881,
        "successCount": 134862,
        "errorCount": 19,
        "options": {
            "timeZone": "America/Los_Angeles",
            "addToChange": {"number": SEED_CHANGE_NUMBER},
        },
        "changes": [seed_change(embedded=True)],
    }


def _run(
    guid: str,
    number: int,
    now: datetime,
    *,
    ago: float,
    total: int,
    errors: int = 0,
    minutes: float = 6.0,
    commit: bool = True,
    status: str = "COMPLETE",
    creator: dict[str, str] = PRIYA,
    worksheet: str | None = "Item Master",
) -> dict[str, Any]:
    """A finished run that started `ago` hours before `now` and took `minutes`."""
    started = now - timedelta(hours=ago)
    run: dict[str, Any] = {
        "guid": guid,
        "number": number,
        "creationDateTime": zulu(started),
        "completionDateTime": zulu(started + timedelta(minutes=minutes)),
        "creator": dict(creator),
        "submitFileType": "EXCEL_WORKSHEET" if worksheet else "CSV",
        "status": status,
        "warnings": {"count": 0, "results": []},
        "commit": commit,
        "totalCount": total,
        "successCount": total - errors,
        "errorCount": errors,
        "options": {"timeZone": "America/Los_Angeles"},
        "changes": [],
    }
    if worksheet:
        run["submitWorksheetName"] = worksheet
    return run


def _with_warnings(run: dict[str, Any], results: list[dict[str, Any]]) -> dict[str, Any]:
    return run | {"warnings": {"count": len(results), "results": results}}


def _item_runs(now: datetime) -> list[dict[str, Any]]:
    error_run = _run(ERROR_RUN_GUID, 10, now, ago=74, total=2310, errors=2310, status="ERROR")
    partial = _run(PARTIAL_RUN_GUID, 11, now, ago=50, total=5240, errors=37, worksheet=None)
    partial["creator"] = dict(INTEGRATION)
    return [
        _with_warnings(error_run, [warning(331, "Column 'Catgory' ignored.")]),
        _with_warnings(
            partial,
            [
                warning(331, "Column 'Supplier Notes' ignored."),
                warning(336, "Row 812: white space stripped from 'Name'."),
                warning(338, "Row 2,977: value 'pcs' for 'Unit of Measure' matched to 'each'."),
            ],
        ),
        _with_warnings(
            _run(MANY_WARNINGS_RUN_GUID, 12, now, ago=26, total=18_750, minutes=14, creator=DANA),
            many_warnings(500),
        ),
        _run(PREVIEW_RUN_GUID, 13, now, ago=5, total=1204, commit=False, minutes=1.5),
        seed_run(),
        _run(CLEAN_RUN_GUID, 15, now, ago=3, total=1204, minutes=2),
    ]


def _bom_change() -> dict[str, Any]:
    return {
        "category": dict(ECO_CATEGORY),
        "creationDateTime": "2024-01-08T16:02:10Z",
        "creator": dict(DANA),
        "guid": BOM_CHANGE_GUID,
        "lifecycleDateTime": "2024-01-09T18:30:00Z",
        "lifecycleStatus": {"type": "SUBMITTED_FOR_APPROVAL"},
        "number": BOM_CHANGE_NUMBER,
        "submissionDateTime": "2024-01-09T18:30:00Z",
        "title": "GPS tracker rev C BOM",
    }


def _bom_runs(now: datetime) -> list[dict[str, Any]]:
    clean = _run(BOM_CLEAN_RUN_GUID, 1, now, ago=49, total=312, creator=DANA, worksheet="BOM")
    failed = _run(BOM_FAILED_RUN_GUID, 2, now, ago=7, total=860, errors=14, worksheet="BOM")
    failed["creator"] = dict(DANA)
    failed["options"] = {"addToChange": {"number": BOM_CHANGE_NUMBER}}
    failed["changes"] = [_bom_change()]
    return [
        clean,
        _with_warnings(
            failed,
            [
                warning(331, "Column 'Find Number' ignored."),
                warning(341, "Row 45: reference designators 'R12, R13' merged into one line."),
                warning(341, "Row 118: reference designators 'C4, C5' merged into one line."),
                warning(343, "Row 402: quantity 2 does not match 3 reference designators."),
            ],
        ),
    ]
