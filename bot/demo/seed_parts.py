"""Parts of the seeded workspace: people, import definitions, warning texts."""

from __future__ import annotations

import random
from typing import Any

ROY = {
    "email": "rjones@arenasolutions.com",
    "fullName": "Roy Arena",
    "guid": "4M6P3046HYFYH0J258QJ",
}
INTEGRATION = {
    "email": "integration@customer.com",
    "fullName": "Mr. Integration",
    "guid": "J1L4IFJLWDUDWFYHPRYT",
}
PRIYA = {
    "email": "priya.natarajan@everyroadgps.com",
    "fullName": "Priya Natarajan",
    "guid": "4M6P3046HYFYH0K7Q2ZD",
}
DANA = {
    "email": "dana.whitfield@everyroadgps.com",
    "fullName": "Dana Whitfield",
    "guid": "4M6P3046HYFYH0L3R8XN",
}
ECO_CATEGORY = {
    "guid": "L3N6KHLNYFY8RAQ8SWYT",
    "name": "Engineering Change Order",
    "path": "Change\\Change Order\\Engineering Change Order",
}


_ITEM_NAMES = (
    "Resistor, 10k, 0603, 1%",
    "Capacitor, 10uF, 16V, 0805",
    "Standoff, M3x10, Brass",
    "Antenna, GPS, Ceramic Patch",
)
_UNITS = (("ea", "each"), ("pcs", "each"), ("PC", "each"), ("m", "meter"), ("ft", "foot"))
_IGNORED_COLUMNS = (
    "Old Part Number",
    "Notes (internal)",
    "Buyer",
    "Unnamed: 17",
    "Lead Time (days)",
    "Mfr Part #",
)


# Of the warning codes only 331 ("Column 'Descrptn' ignored.") is in Arena's documentation;
# the others are the simulator's own, written in the same style.


def warning(code: int, message: str) -> dict[str, Any]:
    """One entry of a run's `warnings.results`."""
    return {"code": code, "message": message}


def seed_run_warnings() -> list[dict[str, Any]]:
    """The 12 warnings of the documented sample run #14, the first one Arena's own."""
    return [
        warning(331, "Column 'Descrptn' ignored."),
        warning(331, "Column 'Mfr PN' ignored."),
        warning(331, "Column 'Old Part Number' ignored."),
        warning(331, "Column 'Notes (internal)' ignored."),
        warning(336, "Row 18: white space stripped from 'Name'."),
        warning(336, "Row 211: white space stripped from 'Name'."),
        warning(338, "Row 1,094: value 'ea' for 'Unit of Measure' matched to 'each'."),
        warning(338, "Row 5,310: value 'pcs' for 'Unit of Measure' matched to 'each'."),
        warning(347, "Row 48,002: same values as row 47,998; duplicate row skipped."),
        warning(352, "Row 61,455: 'Lifecycle Phase' value 'Prototype ' matched to 'Prototype'."),
        warning(361, "Row 77,120: 'Description' longer than 255 characters; cut to 255."),
        warning(331, "Column 'Unnamed: 17' ignored."),
    ]


def many_warnings(count: int, *, seed: str = "many-warnings") -> list[dict[str, Any]]:
    """`count` varied warnings for one big run, in row order, the same on every call."""
    rng = random.Random(seed)
    results = [warning(331, f"Column '{column}' ignored.") for column in _IGNORED_COLUMNS]
    rows = sorted(rng.sample(range(2, 18_752), max(0, count - len(results))))
    for row in rows:
        kind = rng.randrange(4)
        if kind == 0:
            attribute = rng.choice(("Name", "Description", "Category"))
            text = f"Row {row:,}: white space stripped from '{attribute}'."
            results.append(warning(336, text))
        elif kind == 1:
            given, matched = rng.choice(_UNITS)
            text = f"Row {row:,}: value '{given}' for 'Unit of Measure' matched to '{matched}'."
            results.append(warning(338, text))
        elif kind == 2:
            text = f"Row {row:,}: same values as row {row - 1:,}; duplicate row skipped."
            results.append(warning(347, text))
        else:
            name = rng.choice(_ITEM_NAMES)
            text = f"Row {row:,}: 'Description' of '{name}' longer than 255 characters; cut."
            results.append(warning(361, text))
    return results[:count]


def item_definition(guid: str) -> dict[str, Any]:
    """The ITEM_SPECS / CREATE definition "Item Master load"."""
    return {
        "guid": guid,
        "number": 3,
        "creationDateTime": "2021-08-30T17:12:09Z",
        "creator": dict(ROY),
        "name": "Item Master load",
        "description": "Creates new items from the ERP item master export.",
        "resource": "ITEM_SPECS",
        "mode": "CREATE",
        "options": {
            "createDuplicates": "ERROR",
            "multiSelectDelimiter": ";",
            "timeZone": "America/Los_Angeles",
            "stripWhiteSpace": "STRIP",
            "mapping": [
                {"resource": "ITEM_SPECS", "apiName": "number", "sourceName": "Item Number"},
                {"resource": "ITEM_SPECS", "apiName": "name", "sourceName": "Name"},
                {"resource": "ITEM_SPECS", "apiName": "description", "sourceName": "Description"},
                {"resource": "ITEM_SPECS", "apiName": "category", "sourceName": "Category"},
                {"resource": "ITEM_SPECS", "apiName": "uom", "sourceName": "Unit of Measure"},
            ],
        },
    }


def bom_definition(guid: str) -> dict[str, Any]:
    """The ITEM_BOM / REPLACE definition "BOM load"."""
    return {
        "guid": guid,
        "number": 4,
        "creationDateTime": "2022-02-11T21:40:55Z",
        "creator": dict(DANA),
        "name": "BOM load",
        "description": "Replaces BOMs from the CAD export.",
        "resource": "ITEM_BOM",
        "mode": "REPLACE",
        "options": {
            "checkRefDes": "CHECK",
            "mergeIdenticalBOMLines": "MERGE",
            "stripWhiteSpace": "STRIP",
            "mapping": [
                {"resource": "ITEM_BOM", "apiName": "parent.number", "sourceName": "Parent"},
                {"resource": "ITEM_BOM", "apiName": "item.number", "sourceName": "Child"},
                {"resource": "ITEM_BOM", "apiName": "quantity", "sourceName": "Qty"},
                {"resource": "ITEM_BOM", "apiName": "refDes", "sourceName": "RefDes"},
            ],
        },
    }
