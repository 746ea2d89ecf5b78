"""Sessions in the gate's memory, and the growing wait after wrong passwords."""

from __future__ import annotations

import pytest

from kit.server import sessions
from kit.server.sessions import FORGET_AFTER_S, FREE_PER_ADDRESS, FREE_PER_USER, MAX_DELAY_S, Sessions, Throttle


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1000.0
        monkeypatch.setattr(sessions.time, "monotonic", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def test_a_session_is_a_long_random_id_for_one_user(clock: Clock) -> None:
    s = Sessions()
    a, b = s.start("mina"), s.start("mina")
    assert a != b and len(a) >= 43 and "mina" not in a
    assert s.get(a).user == "mina" and s.get(b).user == "mina"
    assert s.get(a) is not s.get(b)
    assert s.get(None) is None and s.get("") is None and s.get("made-up") is None


def test_a_session_ends_at_logout_only_for_that_cookie(clock: Clock) -> None:
    s = Sessions()
    a, b = s.start("mina"), s.start("mina")
    s.end(a)
    assert s.get(a) is None and s.get(b) is not None
    s.end(a)
    s.end(None)
    s.end("")
    assert s.get(b) is not None


def test_end_user_logs_someone_out_everywhere(clock: Clock) -> None:
    s = Sessions()
    mine = [s.start("mina") for _ in range(3)]
    fara = s.start("fara")
    s.end_user("mina")
    assert all(s.get(sid) is None for sid in mine)
    assert s.get(fara).user == "fara"
    s.end_user("nobody")
    assert s.get(fara) is not None


def test_a_session_expires_after_its_lifetime(clock: Clock) -> None:
    s = Sessions(hours=2)
    assert s.lifetime == 7200
    sid = s.start("mina")
    clock.advance(7200)
    assert s.get(sid) is not None
    clock.advance(1)
    assert s.get(sid) is None
    clock.advance(-10)                               # gone for good once seen expired
    assert s.get(sid) is None


def test_the_default_lifetime_is_twelve_hours(clock: Clock) -> None:
    s = Sessions()
    sid = s.start("mina")
    clock.advance(12 * 3600 - 1)
    assert s.get(sid) is not None
    clock.advance(2)
    assert s.get(sid) is None


def test_a_changed_lifetime_applies_to_new_sessions(clock: Clock) -> None:
    s = Sessions()
    s.lifetime = 60
    sid = s.start("mina")
    clock.advance(61)
    assert s.get(sid) is None


def test_expired_sessions_are_swept_when_a_new_one_starts(clock: Clock) -> None:
    s = Sessions(hours=1)
    old = s.start("mina")
    clock.advance(3601)
    s.start("fara")
    assert old not in s._by_id
    assert len(s._by_id) == 1


def test_owner_of_a_kernel_is_the_session_whose_page_got_it(clock: Clock) -> None:
    s = Sessions()
    a, b = s.start("mina"), s.start("fara")
    s.get(a).kernels.add("k1")
    s.get(b).kernels.update({"k2", "k3"})
    assert s.owner_of("k1") is s.get(a)
    assert s.owner_of("k3") is s.get(b)
    assert s.owner_of("k4") is None
    s.end(a)
    assert s.owner_of("k1") is None


def fail(t: Throttle, n: int, user: str = "mina", address: str = "10.0.0.1") -> list[float]:
    return [t.begin(user, address) for _ in range(n)]


def test_the_first_wrong_passwords_on_a_name_are_free_then_the_wait_doubles(clock: Clock) -> None:
    t = Throttle()
    delays = fail(t, 12, address="10.0.0.1")
    assert delays[:FREE_PER_USER] == [0.0] * FREE_PER_USER
    assert delays[FREE_PER_USER:FREE_PER_USER + 4] == [1.0, 2.0, 4.0, 8.0]
    assert all(b >= a for a, b in zip(delays, delays[1:], strict=False))


def test_the_wait_stops_growing_at_its_maximum(clock: Clock) -> None:
    t = Throttle()
    delays = [t.begin("mina", f"10.0.0.{i}") for i in range(40)]
    assert max(delays) == MAX_DELAY_S
    assert delays[-5:] == [MAX_DELAY_S] * 5
    assert delays[FREE_PER_USER + 4] == 16.0 and delays[FREE_PER_USER + 5] == MAX_DELAY_S


def test_names_are_counted_apart(clock: Clock) -> None:
    t = Throttle()
    fail(t, FREE_PER_USER + 2, user="mina", address="10.0.0.1")
    assert t.begin("fara", "10.0.0.2") == 0.0
    assert t.begin("mina", "10.0.0.3") > 0


def test_one_address_trying_many_names_has_its_own_budget(clock: Clock) -> None:
    t = Throttle()
    delays = [t.begin(f"user{i}", "10.0.0.9") for i in range(FREE_PER_ADDRESS + 3)]
    assert delays[:FREE_PER_ADDRESS] == [0.0] * FREE_PER_ADDRESS
    assert delays[FREE_PER_ADDRESS:] == [1.0, 2.0, 4.0]
    assert t.begin("someone", "10.0.0.8") == 0.0          # another address is not slowed


def test_the_worse_of_name_and_address_counts(clock: Clock) -> None:
    t = Throttle()
    fail(t, FREE_PER_USER + 3, user="mina", address="10.0.0.1")
    assert t.begin("mina", "10.0.0.2") == 8.0


def test_a_right_password_starts_the_name_afresh(clock: Clock) -> None:
    t = Throttle()
    fail(t, FREE_PER_USER + 2)
    t.begin("mina", "10.0.0.1")
    t.succeeded("mina", "10.0.0.1")
    assert fail(t, FREE_PER_USER) == [0.0] * FREE_PER_USER
    assert t.begin("mina", "10.0.0.1") == 1.0


def test_a_right_password_does_not_count_against_the_address(clock: Clock) -> None:
    t = Throttle()
    for i in range(50):                                   # a workshop room logging in behind one router
        assert t.begin(f"user{i}", "10.0.0.1") == 0.0
        t.succeeded(f"user{i}", "10.0.0.1")
    assert t._fails == {}
    fail(t, 3, user="wrong", address="10.0.0.1")
    t.begin("mina", "10.0.0.1")
    t.succeeded("mina", "10.0.0.1")
    assert t._fails["addr:10.0.0.1"][0] == 3             # the failures stay, the success does not add one


def test_failures_are_forgotten_after_a_while(clock: Clock) -> None:
    t = Throttle()
    fail(t, FREE_PER_USER + 3)
    clock.advance(FORGET_AFTER_S - 1)
    assert t.begin("mina", "10.0.0.1") == 8.0             # not yet: each attempt renews the memory
    clock.advance(FORGET_AFTER_S + 1)
    assert fail(t, FREE_PER_USER) == [0.0] * FREE_PER_USER
    assert t.begin("mina", "10.0.0.1") == 1.0


def test_parallel_attempts_wait_too(clock: Clock) -> None:
    t = Throttle()
    started = [t.begin("mina", f"10.0.1.{i}") for i in range(FREE_PER_USER + 2)]   # none answered yet
    assert started[-2:] == [1.0, 2.0]
