"""Simulated import runs: timelines that move with the clock, and their failed-rows CSV."""

from __future__ import annotations

import copy
import csv
import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.demo.sim_support import zulu

ERROR_CSV_HEADER = ("Row", "Status", "Error Code", "Error Message", "Number", "Name")

# Row-level messages are Arena's own API error texts (RD "API Error Codes").
_ITEM_ERRORS = (
    (3001, 'The attribute "Category" is required.'),
    (3003, 'The value for the attribute "Lifecycle Phase" is not valid.'),
    (3006, 'The specified value "EA " is not a valid option for the attribute "Unit of Measure".'),
    (
        3025,
        "A revision of an Item already exists (or has been reserved by an integration) with the "
        "item number you selected. Item numbers may not be duplicated in this workspace.",
    ),
    (3034, "The item is locked."),
)
_BOM_ERRORS = (
    (3036, "Quantity can't be empty."),
    (
        3035,
        'The revision of the item "{number}" is invalid. Only the effective revision of an item '
        "can be added to a BOM.",
    ),
    (
        3037,
        'The item "{number}" appears at a higher level in the fully indented BOM and cannot be '
        "added at this level.",
    ),
)
_PART_NAMES = (
    "Resistor, 10k, 0603, 1%",
    "Capacitor, 0.1uF, 50V, 0402, X7R",
    "Screw, M3x8, Pan Head, Phillips",
    "Bracket, Mounting, Steel, Zinc Plated",
    "PCBA, Main Board, GPS Tracker",
    "Label, Serial Number, 25x10mm",
    "Cable Assembly, USB-C to USB-A, 1m",
    "Enclosure, Top, ABS, Black",
)
_PART_PREFIXES = ("100", "200", "310", "510", "600")


@dataclass(frozen=True)
class RunTimeline:
    """How a run moves CREATED → RUNNING → `final_status`, in seconds after `started_at`."""

    # started_at=None means "when the run is added". While RUNNING, counts and warnings grow
    # in proportion to the time elapsed, toward the run's final totals.

    started_at: datetime | None = None
    running_after: float = 2.0
    finished_after: float = 60.0
    final_status: str = "COMPLETE"


@dataclass
class StoredRun:
    """One run as the simulator holds it: its final JSON and, optionally, a timeline."""

    data: dict[str, Any]
    timeline: RunTimeline | None = None
    started_at: datetime | None = None
    error_csv: str | None = None

    @property
    def guid(self) -> str:
        """The run's GUID."""
        return str(self.data["guid"])

    @property
    def number(self) -> int:
        """The run's number within its import definition."""
        return int(self.data.get("number") or 0)

    def render(self, now: datetime) -> dict[str, Any]:
        """The run's JSON as Arena would answer at `now`."""
        data = copy.deepcopy(self.data)
        timeline, start = self.timeline, self.started_at
        if timeline is None or start is None:
            return data
        elapsed = (now - start).total_seconds()
        data["creationDateTime"] = zulu(start)
        if elapsed >= timeline.finished_after:
            data["status"] = timeline.final_status
            finished = start + timedelta(seconds=timeline.finished_after)
            data["completionDateTime"] = zulu(finished)
            return data
        data.pop("completionDateTime", None)
        if elapsed < timeline.running_after:
            data["status"] = "CREATED"
            share = 0.0
        else:
            data["status"] = "RUNNING"
            span = timeline.finished_after - timeline.running_after
            share = min(1.0, (elapsed - timeline.running_after) / span) if span > 0 else 1.0
        _scale_progress(data, share)
        return data


def _scale_progress(data: dict[str, Any], share: float) -> None:
    """Shrink counts and warnings to `share` of their final values (total = success + error)."""
    total = int(data.get("totalCount") or 0)
    success = int(data.get("successCount") or 0)
    errors = int(data.get("errorCount") or 0)
    other = max(0, total - success - errors)
    data["successCount"] = int(success * share)
    data["errorCount"] = int(errors * share)
    data["totalCount"] = data["successCount"] + data["errorCount"] + int(other * share)
    warnings = data.get("warnings")
    if isinstance(warnings, dict):
        results = list(warnings.get("results") or [])
        warnings["results"] = results[: int(len(results) * share)]
        warnings["count"] = int(int(warnings.get("count") or 0) * share)


def generate_error_csv(run: dict[str, Any], resource: str | None) -> str:
    """A realistic failed-rows CSV for `run`: one row per error, deterministic per GUID."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ERROR_CSV_HEADER)
    errors = int(run.get("errorCount") or 0)
    if errors <= 0:
        return out.getvalue()
    total = max(int(run.get("totalCount") or 0), errors)
    rng = random.Random(str(run.get("guid", "")))
    catalog = _BOM_ERRORS if resource == "ITEM_BOM" else _ITEM_ERRORS
    # Row 1 of the source file is the header, so data rows start at 2.
    for row in sorted(rng.sample(range(2, total + 2), errors)):
        number = f"{rng.choice(_PART_PREFIXES)}-{row:05d}"
        code, message = rng.choice(catalog)
        name = rng.choice(_PART_NAMES)
        writer.writerow((row, "ERROR", code, message.format(number=number), number, name))
    return out.getvalue()
