"""The canonical tables of docs/design.md, declared once: their columns, in order. Steps check a
table against its columns where they write it (`check`).
"""

from __future__ import annotations


CONTACT_COLUMNS = ["customer_id", "at", "channel", "direction", "kind", "cost", "outcome"]


RESPONSE_COLUMNS = ["response_id", "customer_id", "submitted_at", "nps", "csat", "ces", "stage",
                    "channel", "segment", "consent", "source_file", "source_row"]


COMMENT_COLUMNS = ["comment_id", "response_id", "field", "text", "lang", "sentiment", "themes", "source"]


UTTERANCE_COLUMNS = ["recording_id", "start_s", "end_s", "speaker", "role", "text", "lang", "sentiment"]


MOMENT_COLUMNS = ["moment_id", "source", "ref", "speaker", "start_s", "end_s", "stage", "channel",
                  "valence", "severity", "quote", "coded_by"]
