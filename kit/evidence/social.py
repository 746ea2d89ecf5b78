"""Social posts about the brand (social.csv): read into the comments table, every bad row a reject.

Read like the contact log (``kit.evidence.contacts``): in chunks, rows the reader cannot take and
times outside the date window rejected with their row and reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.core.errors import InputFileError
from kit.core.project import Project
from kit.core.rejects import RejectLog
from kit.core.text import detect_lang, normalize_fa, strip_unsafe_series
from kit.evidence.contacts import Counts, _chunks, _log, dated
from kit.evidence.privacy import redact_pii

SOCIAL_COLUMNS = ["at", "platform", "author", "text", "likes", "shares"]


def read_social(project: Project, rejects: RejectLog) -> tuple[pd.DataFrame, Counts]:
    """Social posts as comments (source 'social'); text redacted and normalised like survey answers."""
    assert project.social
    name = project.social
    path = project.path(name, key="social")
    if not path.is_file():
        raise InputFileError(name, "file not found", fix="check social: in project.yaml")
    frames, counts = [], Counts()
    for table in _chunks(path, name, SOCIAL_COLUMNS):
        chunk = table.frame
        counts.rows_in += table.rows_in
        text = chunk["text"].astype("string").str.strip()
        at, reason = dated(chunk["at"].astype("string").str.strip(), "at", project)
        rows = pd.Series(chunk.index.to_numpy(dtype=np.int64), index=chunk.index)
        reason = ("column 'text' is empty; " + reason).where(text == "", reason)
        ok = reason == ""
        _log(rejects, name, rows[~ok], reason[~ok], table.faults)
        t = normalize_fa(strip_unsafe_series(text[ok]))
        if project.privacy.redact_pii:
            t = t.map(redact_pii).astype("string")
        frames.append(pd.DataFrame({
            "comment_id": "social:" + rows[ok].astype(str), "response_id": pd.NA, "field": "social_post",
            "text": t, "lang": detect_lang(t), "sentiment": np.nan,
            "themes": "", "source": name, "platform": chunk.loc[ok, "platform"].astype("string").str.lower(),
            "at": at[ok], "likes": pd.to_numeric(chunk.loc[ok, "likes"], errors="coerce"),
            "shares": pd.to_numeric(chunk.loc[ok, "shares"], errors="coerce"),
        }))
        counts.accepted += int(ok.sum())
        counts.rejected += int((~ok).sum()) + len(table.faults)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), counts
