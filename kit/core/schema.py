"""The canonical tables of docs/design.md, declared once: their columns, in order. Steps check a
table against its columns where they write it (`check`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kit.core.errors import TableColumnsError

CONTACT_COLUMNS = ["customer_id", "at", "channel", "direction", "kind", "cost", "outcome"]


RESPONSE_COLUMNS = ["response_id", "customer_id", "submitted_at", "nps", "csat", "ces", "stage",
                    "channel", "segment", "consent", "source_file", "source_row"]


COMMENT_COLUMNS = ["comment_id", "response_id", "field", "text", "lang", "sentiment", "themes", "source"]


UTTERANCE_COLUMNS = ["recording_id", "start_s", "end_s", "speaker", "role", "text", "lang", "sentiment"]


MOMENT_COLUMNS = ["moment_id", "source", "ref", "speaker", "start_s", "end_s", "stage", "channel",
                  "valence", "severity", "quote", "coded_by"]


REJECT_COLUMNS = ["source_file", "locator", "reason", "step"]


CANONICAL = {"responses": RESPONSE_COLUMNS, "comments": COMMENT_COLUMNS, "moments": MOMENT_COLUMNS,
             "contacts": CONTACT_COLUMNS, "rejects": REJECT_COLUMNS}


def check(table: str, frame: Any) -> None:
    """Refuse to write a canonical table without every column docs/design.md declares for it.

    ``frame`` is a pandas frame, or anything naming its columns (a pyarrow schema or table, a list of
    names). Extra columns are allowed; tables that are not canonical are not checked.
    """
    required = CANONICAL.get(table)
    if required is None:
        return
    have = set(_names(frame))
    missing = [c for c in required if c not in have]
    if missing:
        raise TableColumnsError(table, missing)


def _names(frame: Any) -> Iterable[str]:
    for attr in ("columns", "names"):
        names = getattr(frame, attr, None)
        if names is not None:
            return [str(n) for n in names]
    return [str(n) for n in frame]
