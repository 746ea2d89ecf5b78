"""The synthetic contact log: outbound messages and inbound contacts per customer, heavier for the
overloaded ones, written in chunks so a 10M-row log never sits in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from kit.synth.tables import CHANNELS, CONTACT_COLUMNS, WINDOW_DAYS, Customers, iso

OUT_KINDS = ["meal_plan", "reminder", "check_in", "guide", "newsletter"]


OUT_KIND_P = {True: [0.22, 0.42, 0.18, 0.10, 0.08], False: [0.35, 0.25, 0.20, 0.05, 0.15]}


IN_KINDS = ["support_request", "complaint", "cancellation", "purchase", "renewal"]


KINDS = OUT_KINDS + IN_KINDS


OUTCOMES = ["delivered", "opened", "ignored", "resolved", "unresolved", "purchased", "cancelled"]


# Channel distribution per kind, over CHANNELS = email, phone, in_store, website, app, social.
KIND_CHANNEL_P = {
    "meal_plan": [1, 0, 0, 0, 0, 0], "reminder": [0.2, 0, 0, 0, 0.8, 0],
    "check_in": [0, 0.7, 0, 0, 0.3, 0], "guide": [0.9, 0, 0, 0.1, 0, 0], "newsletter": [0.85, 0, 0, 0, 0, 0.15],
    "support_request": [0.2, 0.45, 0, 0.1, 0.25, 0], "complaint": [0.25, 0.35, 0, 0, 0.15, 0.25],
    "cancellation": [0.2, 0.5, 0, 0.3, 0, 0], "purchase": [0, 0, 0.1, 0.5, 0.4, 0],
    "renewal": [0, 0, 0.1, 0.4, 0.5, 0],
}


# Mean cost (EUR) per contact by channel, [outbound, inbound]: an outbound "phone" contact is an
# automated SMS check-in, an inbound one is an agent call.
CHANNEL_COST = np.array([[0.003, 2.40], [0.06, 6.50], [0.0, 14.00], [0.02, 0.20], [0.001, 1.80], [0.90, 3.10]])


def contact_counts(rng: np.random.Generator, c: Customers) -> np.ndarray:
    """Rows per customer and kind, shape (customers, kinds); outbound from the weekly rate."""
    n, ov = len(c.ids), c.overloaded.astype(float)
    counts = np.zeros((n, len(KINDS)), dtype=np.int64)
    outbound = rng.poisson(c.weekly_rate * WINDOW_DAYS / 7)
    for flag in (True, False):
        mask = c.overloaded == flag
        counts[mask, :len(OUT_KINDS)] = rng.multinomial(outbound[mask], OUT_KIND_P[flag])
    first_in = len(OUT_KINDS)
    counts[:, first_in + 0] = rng.poisson(0.4 + 0.8 * ov)                              # support_request
    counts[:, first_in + 1] = rng.poisson(0.05 + 0.6 * ov)                             # complaint
    counts[:, first_in + 2] = rng.random(n) < 0.02 + 0.18 * ov                         # cancellation
    counts[:, first_in + 3] = rng.random(n) < np.where(c.segment == 0, 0.25, 0.05)     # purchase
    counts[:, first_in + 4] = rng.random(n) < 0.20 - 0.15 * ov                         # renewal
    return counts


def contacts_chunk(rng: np.random.Generator, c: Customers) -> pa.Table:
    """Every contact of a block of customers, ordered by customer and time."""
    counts = contact_counts(rng, c)
    cust = np.repeat(np.arange(len(c.ids)), counts.sum(axis=1))
    kind = np.tile(np.arange(len(KINDS)), len(c.ids))
    kind = np.repeat(kind, counts.ravel())
    m = len(kind)
    before = rng.integers(60, WINDOW_DAYS * 86400, m).astype("timedelta64[s]")
    at = c.submitted[cust] - before
    channel = np.empty(m, dtype=np.int64)
    for k, name in enumerate(KINDS):
        mask = kind == k
        channel[mask] = rng.choice(len(CHANNELS), size=int(mask.sum()), p=KIND_CHANNEL_P[name])
    inbound = kind >= len(OUT_KINDS)
    cost = CHANNEL_COST[channel, inbound.astype(np.int64)] * rng.uniform(0.6, 1.6, m)
    outcome = _outcomes(rng, kind, c.overloaded[cust])
    order = np.lexsort((at, cust))
    return pa.table({
        "customer_id": c.ids[cust][order],
        "at": iso(at[order]),
        "channel": np.array(CHANNELS)[channel[order]],
        "direction": np.where(inbound[order], "inbound", "outbound"),
        "kind": np.array(KINDS)[kind[order]],
        "cost": np.round(cost[order], 4),
        "outcome": np.array(OUTCOMES)[outcome[order]],
    })


def _outcomes(rng: np.random.Generator, kind: np.ndarray, overloaded: np.ndarray) -> np.ndarray:
    """Overloaded customers ignore most messages and get their problems solved less often."""
    u = rng.random(len(kind))
    p_open = np.where(overloaded, 0.15, 0.50)
    p_ignore = np.where(overloaded, 0.55, 0.20)
    told = np.where(u < p_open, OUTCOMES.index("opened"),
                    np.where(u < p_open + p_ignore, OUTCOMES.index("ignored"), OUTCOMES.index("delivered")))
    p_solved = np.where(kind == KINDS.index("support_request"), np.where(overloaded, 0.45, 0.75),
                        np.where(overloaded, 0.25, 0.50))
    asked = np.where(u < p_solved, OUTCOMES.index("resolved"), OUTCOMES.index("unresolved"))
    out = np.where(kind < len(OUT_KINDS), told, asked)
    out = np.where(kind == KINDS.index("cancellation"), OUTCOMES.index("cancelled"), out)
    return np.where(np.isin(kind, [KINDS.index("purchase"), KINDS.index("renewal")]),
                    OUTCOMES.index("purchased"), out)


def write_contacts(path: Path, rng: np.random.Generator, c: Customers, *, chunk: int = 50_000,
                   progress: Callable[[str], None] | None = None) -> int:
    """Stream the contact log to CSV a block of customers at a time; returns rows written."""
    total = 0
    schema = pa.schema([("customer_id", pa.string()), ("at", pa.string()), ("channel", pa.string()),
                        ("direction", pa.string()), ("kind", pa.string()), ("cost", pa.float64()),
                        ("outcome", pa.string())])
    options = pacsv.WriteOptions(quoting_style="none", include_header=False)
    with open(path, "wb") as fh, pacsv.CSVWriter(fh, schema, write_options=options) as writer:
        fh.write((",".join(CONTACT_COLUMNS) + "\n").encode())
        for start in range(0, len(c.ids), chunk):
            part = Customers(*(a[start:start + chunk] for a in vars(c).values()))
            table = contacts_chunk(rng, part)
            writer.write_table(table)
            total += table.num_rows
            if progress:
                progress(f"contacts: {min(start + chunk, len(c.ids)):,} customers, {total:,} rows")
    return total
