"""Short ids of exhibits: stable, one-to-one, easy to read aloud."""

from __future__ import annotations

from kit.core.exhibits import SHORT_ALPHABET, short_ids


def test_short_ids_are_unique_stable_and_unambiguous() -> None:
    ids = [f"quote-{i}" for i in range(10_000)]
    first = short_ids(ids)
    assert len(first) == len(ids) and len(set(first.values())) == len(ids)
    assert short_ids(list(reversed(ids))) == first                 # order of the list does not matter
    assert all(set(v) <= set(SHORT_ALPHABET) and len(v) >= 4 for v in first.values())
    assert not set("01OIL") & set("".join(first.values()))


def test_a_clash_gives_both_ids_a_longer_short_id() -> None:
    ids = [f"photo-{i}" for i in range(20_000)]
    four = {}
    clash = None
    for i in ids:                                                  # find two ids sharing 4 characters
        s = short_ids([i])[i]
        if s in four:
            clash = (four[s], i)
            break
        four[s] = i
    assert clash, "20,000 ids over 31^4 short ids clash about 200 times"
    both = short_ids(list(clash))
    assert len(set(both.values())) == 2 and all(len(v) == 5 for v in both.values())
