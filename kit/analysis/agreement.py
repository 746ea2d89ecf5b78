"""How far coders agree: Cohen's kappa for two, Krippendorff's alpha (nominal) for any number.

Two analysts who code the same moments or answers (stage, valence band, tags) rarely agree on
everything; the report shows agreement per code and the units they disagree on, so the team can
settle them. Kappa comes from scikit-learn. Alpha is written here for nominal data only (the
``krippendorff`` package is GPL, which this MIT kit cannot ship); it handles missing codes, which
kappa cannot.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from itertools import permutations

from sklearn.metrics import cohen_kappa_score

Codings = Mapping[Hashable, Mapping[str, Hashable]]     # unit -> coder -> code (a coder may skip a unit)


@dataclass
class Agreement:
    """One code's agreement: the figure, what it is, how many units it rests on, and the disagreements."""

    code: str
    measure: str                                  # "kappa" (two coders) or "alpha" (three or more, or gaps)
    value: float | None                           # None when it cannot be computed (fewer than two values)
    units: int                                    # units coded by at least two coders
    coders: list[str]
    disagreements: list[dict[str, object]] = field(default_factory=list)


def cohen_kappa(first: list[Hashable], second: list[Hashable]) -> float | None:
    """Cohen's kappa of two coders over the same units, in order; None when undefined (one code only)."""
    if len(first) != len(second):
        raise ValueError(f"the two coders coded {len(first)} and {len(second)} units; kappa needs the same units")
    if not first:
        return None
    if len(set(first) | set(second)) < 2:
        return 1.0 if list(first) == list(second) else None
    return float(cohen_kappa_score([str(v) for v in first], [str(v) for v in second]))


def krippendorff_alpha(codings: Codings) -> float | None:
    """Krippendorff's alpha for nominal codes; units coded by fewer than two coders do not count.

    Coincidences: every ordered pair of values within a unit adds 1/(m-1), m being the unit's number
    of values. alpha = 1 - D_o/D_e, with D_o the observed and D_e the expected disagreement.
    """
    coincide: Counter[tuple[Hashable, Hashable]] = Counter()
    for by_coder in codings.values():
        values = [v for v in by_coder.values() if v is not None]
        m = len(values)
        if m < 2:
            continue
        for a, b in permutations(values, 2):
            coincide[(a, b)] += 1 / (m - 1)
    totals: defaultdict[Hashable, float] = defaultdict(float)
    for (a, _), weight in coincide.items():
        totals[a] += weight
    n = sum(totals.values())
    if n <= 1 or len(totals) < 2:
        return 1.0 if n > 1 else None
    observed = sum(w for (a, b), w in coincide.items() if a != b) / n
    expected = sum(totals[a] * totals[b] for a in totals for b in totals if a != b) / (n * (n - 1))
    return 1.0 - observed / expected


def agreement(code: str, codings: Codings) -> Agreement:
    """Agreement on one code: kappa when exactly two coders coded every shared unit, else alpha."""
    shared = {u: {c: v for c, v in by.items() if v is not None} for u, by in codings.items()}
    shared = {u: by for u, by in shared.items() if len(by) >= 2}
    coders = sorted({c for by in shared.values() for c in by})
    disagreements = [{"unit": u, "codes": dict(sorted(by.items()))} for u, by in shared.items()
                     if len(set(by.values())) > 1]
    if len(coders) == 2 and all(len(by) == 2 for by in shared.values()):
        a, b = coders
        value = cohen_kappa([by[a] for by in shared.values()], [by[b] for by in shared.values()])
        return Agreement(code, "kappa", value, len(shared), coders, disagreements)
    return Agreement(code, "alpha", krippendorff_alpha(shared), len(shared), coders, disagreements)


def codings_by_field(codes: list[tuple[str, str, str, object]]) -> dict[str, dict[Hashable, dict[str, Hashable]]]:
    """(coder, unit, field, value) readings as unit -> coder -> code per code; the last reading of each counts.

    Valence is compared as its feeling band (a coder's -0.7 and another's -0.8 agree: very negative);
    tags become one yes/no code per tag over the units that coder tagged at all.
    """
    from kit.core.feelings import feeling_key
    out: dict[str, dict[Hashable, dict[str, Hashable]]] = defaultdict(lambda: defaultdict(dict))
    tagged: dict[tuple[str, Hashable], set[str]] = {}
    for coder, unit, name, value in codes:
        if name == "valence":
            out["valence"][unit][coder] = feeling_key(float(value))[0]
        elif name == "tags":
            tagged[(coder, unit)] = {str(t) for t in value or []}
        else:
            out[name][unit][coder] = str(value)
    for tag in sorted({t for tags in tagged.values() for t in tags}):
        for (coder, unit), tags in tagged.items():
            out[f"tag:{tag}"][unit][coder] = tag in tags
    return {k: dict(v) for k, v in out.items()}


def agreements(codes: list[tuple[str, str, str, object]]) -> list[Agreement]:
    """Agreement on every code two or more coders used on the same units, most disputed first."""
    found = [agreement(name, units) for name, units in codings_by_field(codes).items()]
    found = [a for a in found if a.units]
    return sorted(found, key=lambda a: (a.value if a.value is not None else 2.0, a.code))
