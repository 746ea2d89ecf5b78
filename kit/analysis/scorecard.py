"""The channel scorecard: one table that answers what a business asks of each channel.

Which do customers prefer (highest satisfaction, CSAT, among channels with enough answers)? Where do
they buy (share of purchases)? Where do they reach us most (inbound contacts)? Which pays (lowest
cost per purchase)? Contact figures come from the contact log (aggregated by DuckDB), satisfaction and
effort from survey answers by channel, and social from its public posts as well.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from kit.analysis import scores
from kit.analysis.pain import social_channel
from kit.core import i18n

COLUMNS = ["channel", "contacts", "inbound", "outbound", "customers", "purchases", "purchase_share", "complaints",
           "responses", "nps", "csat", "ces", "too_few", "cost", "cost_per_contact", "cost_per_purchase", "posts",
           "post_sentiment"]


def scorecard(channel_contacts: pd.DataFrame, responses: pd.DataFrame, comments: pd.DataFrame,
              channels: list[str], min_n: int) -> pd.DataFrame:
    """One row per channel (project.yaml order): volume, purchases, satisfaction, effort, cost, social posts."""
    cc = channel_contacts.set_index("channel") if len(channel_contacts) else pd.DataFrame()
    by_channel = scores.by_group(responses, "channel", min_n) if len(responses) else pd.DataFrame()
    survey = by_channel.set_index("channel") if len(by_channel) else pd.DataFrame()   # no channel column: no rows
    posts = comments[comments["field"] == "social_post"] if len(comments) else comments
    social = social_channel(channels)          # where the public posts are counted
    total_purchases = float(cc["purchases"].sum()) if len(cc) else 0.0
    names = [c for c in channels if c in cc.index or c in survey.index]
    names += sorted((set(cc.index) | set(survey.index)) - set(names))
    rows = []
    for ch in names:
        c = cc.loc[ch] if ch in cc.index else None
        s = survey.loc[ch] if ch in survey.index else None
        purchases = int(c["purchases"]) if c is not None else 0
        cost = float(c["cost"]) if c is not None else math.nan
        contacts = int(c["contacts"]) if c is not None else 0
        row = {"channel": ch, "contacts": contacts, "inbound": int(c["inbound"]) if c is not None else 0,
               "outbound": int(c["outbound"]) if c is not None else 0,
               "customers": int(c["customers"]) if c is not None else 0, "purchases": purchases,
               "purchase_share": 100 * purchases / total_purchases if total_purchases else math.nan,
               "complaints": int(c["complaints"]) if c is not None else 0,
               "responses": int(s["responses"]) if s is not None else 0,
               "nps": float(s["nps"]) if s is not None else math.nan,
               "csat": float(s["csat"]) if s is not None else math.nan,
               "ces": float(s["ces"]) if s is not None else math.nan,
               "too_few": bool(s["too_few"]) if s is not None else True,
               "cost": cost, "cost_per_contact": cost / contacts if contacts else math.nan,
               "cost_per_purchase": cost / purchases if purchases else math.nan,
               "posts": len(posts) if ch == social else 0,
               "post_sentiment": float(posts["sentiment"].mean()) if ch == social and len(posts) else math.nan}
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)          # no channel at all: no rows, but every column


def _best(table: pd.DataFrame, col: str, lowest: bool = False, enough: bool = False) -> str | None:
    t = table.dropna(subset=[col])
    if enough:
        t = t[~t["too_few"]]
    if t.empty:
        return None
    return str(t.loc[t[col].idxmin() if lowest else t[col].idxmax(), "channel"])


def _complaint_share(t: pd.DataFrame) -> float:
    """Complaints as a share (%) of what customers send us."""
    return 100 * t["complaints"].sum() / t["inbound"].sum() if t["inbound"].sum() else math.nan


def answers(table: pd.DataFrame) -> dict[str, Any]:
    """The four questions, each answered by a channel name (None when the data cannot say)."""
    paying = table[table["purchases"] > 0]
    name = social_channel([str(c) for c in table["channel"]])
    social, rest = table[table["channel"] == name], table[table["channel"] != name]
    return {"prefer": _best(table, "csat", enough=True), "buy": _best(table, "purchase_share"),
            "reach": _best(table, "inbound"), "pays": _best(paying, "cost_per_purchase", lowest=True),
            "social_complaint_share": _complaint_share(social) if len(social) else math.nan,
            "other_complaint_share": _complaint_share(rest) if len(rest) else math.nan}


def answers_text(a: dict[str, Any], lang: str = "en") -> list[str]:
    """The answers as plain sentences for the page and the notebook, in ``lang``."""
    def said(key: str, channel: str | None, none_key: str) -> str:
        return i18n.t(key, lang, channel=channel or i18n.t(none_key, lang))

    out = [said("sc_prefer", a["prefer"], "sc_prefer_none"), said("sc_buy", a["buy"], "sc_no_purchases"),
           said("sc_reach", a["reach"], "sc_reach_none"), said("sc_pays", a["pays"], "sc_no_purchases")]
    if not math.isnan(a["social_complaint_share"]):
        out.append(i18n.t("sc_social", lang, share=i18n.number(a["social_complaint_share"], lang),
                          other=i18n.number(a["other_complaint_share"], lang)))
    return out
