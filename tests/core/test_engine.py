"""kit.core.engine: where per-item work runs, how a local cluster is sized, what a run says about it."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from kit.core import engine
from kit.core.errors import ClusterError


def test_the_scheduler_comes_from_the_option_then_the_environment() -> None:
    env = {engine.SCHEDULER_ENV: "tcp://10.0.0.5:8786"}
    assert engine.scheduler_address(None, env) == "tcp://10.0.0.5:8786"
    assert engine.scheduler_address("tcp://10.0.0.9:9000", env) == "tcp://10.0.0.9:9000"
    assert engine.scheduler_address(None, {}) is None
    assert engine.scheduler_address("", {engine.SCHEDULER_ENV: "  "}) is None
    assert engine.scheduler_address("scheduler.lan:8786", {}) == "tcp://scheduler.lan:8786"   # as dask worker reads it


@pytest.mark.parametrize("bad", ["http://host:8786", "tcp://host", "tcp://:8786", "host:port"])
def test_an_address_that_is_not_a_scheduler_says_where_it_came_from(bad: str) -> None:
    with pytest.raises(ClusterError, match="--scheduler .*tcp://HOST:PORT") as given:
        engine.scheduler_address(bad, {})
    assert given.value.exit_code == 2
    with pytest.raises(ClusterError, match=engine.SCHEDULER_ENV):
        engine.scheduler_address(None, {engine.SCHEDULER_ENV: bad})


def test_the_printed_description_names_the_cluster() -> None:
    assert engine.Cluster("tcp://127.0.0.1:4000", 2, True).describe() == "local cluster of 2 workers"
    assert engine.Cluster("tcp://127.0.0.1:4000", 1, True).describe() == "local cluster of 1 worker"
    remote = engine.Cluster("tcp://10.0.0.5:8786", 3, False, "http://10.0.0.5:8787/status")
    assert remote.describe() == "scheduler tcp://10.0.0.5:8786 (3 workers), dashboard http://10.0.0.5:8787/status"


def test_a_run_without_media_starts_no_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(engine.SCHEDULER_ENV, raising=False)
    monkeypatch.setattr(engine, "_local_cluster", _no_cluster)
    with engine.for_run(None, 0) as cluster:
        assert cluster is None and engine.SCHEDULER_ENV not in os.environ


def test_jobs_without_a_cluster_run_here_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(engine.SCHEDULER_ENV, raising=False)
    monkeypatch.setattr(engine, "_local_cluster", _no_cluster)
    jobs = [(n, 3) for n in range(40)]
    assert engine.run_all(divmod, jobs) == [divmod(*j) for j in jobs]
    assert engine.run_all(divmod, []) == []


def test_a_run_starts_a_local_cluster_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """One worker (the default) is the step's own process: on 2 cores a cluster made the sample slower."""
    monkeypatch.delenv(engine.SCHEDULER_ENV, raising=False)
    monkeypatch.delenv(engine.WORKERS_ENV, raising=False)
    monkeypatch.setattr(engine, "_local_cluster", _no_cluster)
    with engine.for_run(None, 25) as cluster:
        assert cluster is None and engine.SCHEDULER_ENV not in os.environ
    with engine.for_run(None, 1, workers=4) as cluster:                 # one item: nothing to spread
        assert cluster is None
    assert engine.local_workers(None, {}) == 1 and engine.local_workers(3, {}) == 3
    assert engine.local_workers(None, {engine.WORKERS_ENV: "2"}) == 2
    for bad, where in ((0, "--workers"), (None, engine.WORKERS_ENV)):
        with pytest.raises(ClusterError, match=f"{where} '(0|two)' is not a number of workers"):
            engine.local_workers(bad, {engine.WORKERS_ENV: "two"})


def test_an_unreachable_scheduler_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT_S", 2)
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(ClusterError, match=f"cannot reach the Dask scheduler at {address}.*dask worker {address}"):
        with engine.for_run(address, 5):
            pytest.fail("the run must not start")


def test_a_worker_that_cannot_see_a_folder_is_named(tmp_path: Path) -> None:
    assert engine.missing_paths([str(tmp_path), str(tmp_path / "elsewhere")]) == [str(tmp_path / "elsewhere")]


def test_the_run_cluster_is_local_sized_shared_through_the_environment_and_closed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One LocalCluster for the run: its address reaches the kernels through CXKIT_SCHEDULER, tasks sent
    there come back in the order given, and the cluster and the variable are gone when the run ends."""
    monkeypatch.delenv(engine.SCHEDULER_ENV, raising=False)
    with engine.for_run(None, 25, workers=2) as cluster:
        assert cluster is not None and cluster.local and cluster.workers == 2
        assert cluster.describe().startswith(f"local cluster of {cluster.workers} worker")
        assert os.environ[engine.SCHEDULER_ENV] == cluster.address
        jobs = [(n, 7) for n in range(40)]
        assert engine.run_all(divmod, jobs) == [divmod(*j) for j in jobs]
        assert engine.run_all(engine.missing_paths, [([str(Path.cwd())],)] * 2) == [[], []]
    assert engine.SCHEDULER_ENV not in os.environ
    with socket.socket() as probe:                                # nothing listens there any more
        host, port = cluster.address.removeprefix("tcp://").rsplit(":", 1)
        assert probe.connect_ex((host, int(port))) != 0


def _no_cluster(workers: int) -> None:
    raise AssertionError(f"no cluster should start (asked for {workers} workers)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
