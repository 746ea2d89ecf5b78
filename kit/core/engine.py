"""Where the kit's per-item work runs: on a Dask cluster, local or shared.

Recordings' clips (cut, faces blurred, sound covered, thumbnail) and photos (decoded, turned
upright, blurred, thumbnailed) do not depend on one another and cost seconds each, so they run as
Dask tasks; reading, scoring and assembling exhibits stay in the step, in order. ``cxkit run``
starts one ``LocalCluster`` for the whole run (processes with one thread each, as many as the
run asks for (``--workers N`` or ``CXKIT_WORKERS``; never more than the run has items), one thread
each, so OpenCV and the face detector get a core each instead of fighting over them), or uses the
scheduler given by ``--scheduler`` or ``CXKIT_SCHEDULER``. It hands the address to the notebooks'
kernels through ``CXKIT_SCHEDULER``, so every step sends its tasks to the same cluster. Without
either the tasks run in the step's own process, one after another: on the 2-core machines the
kit is measured on, two local workers saved the sample 8% (200 s against 217 s) while every run,
test and notebook paid a cluster's start-up and two more processes, so a cluster is something a
run asks for. A step run on its own (a notebook opened in JupyterLab,
a test) with no address runs its tasks in-process too.

Tasks write into the run's staging folder, so workers must share the filesystem with the run.
Results come back in the order the jobs were given, whatever order they finished in, so a run on
one worker or twenty writes the same exhibits. A task whose worker dies is started again on
another worker (Dask's own bookkeeping), and a task that raised is tried ``RETRIES`` more time;
when that fails too, the step fails and the run is kept as ``failed-<id>``, ``latest`` untouched.
"""

from __future__ import annotations

import logging
import os
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kit.core.errors import ClusterError

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

SCHEDULER_ENV = "CXKIT_SCHEDULER"      # the scheduler's address, for `cxkit run` and the notebooks' kernels
WORKERS_ENV = "CXKIT_WORKERS"          # local workers a run starts when it is given no scheduler (default 1: none)
RETRIES = 1                            # a task that raised is tried once more before its step fails
CONNECT_TIMEOUT_S = 20                 # a scheduler that does not answer in this time is unreachable
WORKERS_TIMEOUT_S = 60                 # how long a run waits for a scheduler's first worker
SCHEMES = ("tcp", "tls")

T = TypeVar("T")


@dataclass(frozen=True)
class Cluster:
    """The cluster a run's tasks go to, as ``cxkit run`` reports it."""

    address: str
    workers: int
    local: bool
    dashboard: str = ""                # "" when the scheduler serves no dashboard (bokeh not installed)

    def describe(self) -> str:
        """One line saying where the work runs, and the dashboard to watch it on when there is one."""
        plural = "s" if self.workers != 1 else ""
        where = (f"local cluster of {self.workers} worker{plural}" if self.local
                 else f"scheduler {self.address} ({self.workers} worker{plural})")
        return where + (f", dashboard {self.dashboard}" if self.dashboard else "")


def local_workers(given: int | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Local workers asked for by ``--workers`` (``given``), else ``CXKIT_WORKERS``, else 1 (work in-process)."""
    env = os.environ if environ is None else environ
    if given is not None:
        value, where = str(given), "--workers"
    else:
        value, where = env.get(WORKERS_ENV, "1").strip() or "1", WORKERS_ENV
    if not value.isdigit() or int(value) < 1:
        raise ClusterError(f"{where} {value!r} is not a number of workers; give a whole number of 1 or more "
                           "(1: no cluster, the work runs in the step's own process)")
    return int(value)


def scheduler_address(given: str | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """The scheduler named by ``--scheduler`` (``given``), else by ``CXKIT_SCHEDULER``; None for a local cluster.

    ``HOST:PORT`` is read as ``tcp://HOST:PORT``, the way ``dask worker`` reads it.
    """
    env = os.environ if environ is None else environ
    value = (given or env.get(SCHEDULER_ENV, "")).strip()
    if not value:
        return None
    if "://" not in value:
        value = f"tcp://{value}"
    scheme, _, rest = value.partition("://")
    host, _, port = rest.rpartition(":")
    if scheme not in SCHEMES or not host or not port.isdigit():
        where = "--scheduler" if given else SCHEDULER_ENV
        raise ClusterError(f"{where} {value!r} is not a Dask scheduler address; give tcp://HOST:PORT "
                           "(as `dask scheduler` prints it, port 8786 by default)")
    return value


# ---- the run's cluster -------------------------------------------------------------------------

@contextmanager
def for_run(scheduler: str | None, items: int, shared: Sequence[Path] = (),
            workers: int | None = None) -> Iterator[Cluster | None]:
    """The cluster of one ``cxkit run``, its address in ``CXKIT_SCHEDULER`` for the kernels meanwhile.

    With a scheduler (``--scheduler`` or the environment) the run uses it, once it has a worker
    that can import the kit and see every folder in ``shared``; without one, with ``workers``
    (``--workers``/``CXKIT_WORKERS``) above 1, a LocalCluster of that many processes (at most
    ``items``) is started and closed when the run ends, failed or not. Otherwise, and for a run
    with no items (no recordings, no photos), no cluster: None, and the steps work in-process.
    """
    address = scheduler_address(scheduler)
    size = min(local_workers(workers), items)
    if address is None and size <= 1:
        yield None
        return
    if address is not None:
        with _connected(address) as client:
            found = _checked(client, address, shared)
        with _environ(SCHEDULER_ENV, address):
            yield found
        return
    with _local_cluster(size) as cluster:
        found = Cluster(cluster.scheduler_address, len(cluster.workers), True, _served(cluster.dashboard_link))
        with _environ(SCHEDULER_ENV, found.address):
            yield found


@contextmanager
def _local_cluster(workers: int) -> Iterator[LocalCluster]:
    """Dask's LocalCluster on loopback: ``workers`` processes of one thread each, any free ports."""
    from distributed import LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
    try:
        yield cluster
    finally:
        cluster.close()


@contextmanager
def _connected(address: str) -> Iterator[Client]:
    """A client of the scheduler at ``address``; an unreachable one is a ClusterError saying what to start."""
    from distributed import Client
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({exc}); start it with "
                           f"`dask scheduler` and a worker with `dask worker {address} --nthreads 1`") from None
    try:
        yield client
    finally:
        client.close()


def _checked(client: Client, address: str, shared: Sequence[Path]) -> Cluster:
    """The scheduler's description once it has workers that import the kit and see the shared folders."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
    except TimeoutError:
        raise ClusterError(f"the Dask scheduler at {address} has no workers after {WORKERS_TIMEOUT_S} s; start "
                           f"one with `dask worker {address} --nthreads 1`") from None
    try:
        unseen = client.run(missing_paths, [str(p) for p in shared])
    except Exception as exc:  # noqa: BLE001 - a worker without the kit cannot even unpickle the check
        raise ClusterError(f"a worker of {address} cannot run the kit's tasks ({type(exc).__name__}: {exc}); "
                           "install cxkit on every worker, the same version as here") from None
    blind = {worker: paths for worker, paths in unseen.items() if paths}
    if blind:
        worker, paths = next(iter(blind.items()))
        raise ClusterError(f"worker {worker} of {address} cannot see {', '.join(paths)}; the project and the "
                           "run folders must be on storage every worker shares, at the same paths")
    return Cluster(address, len(client.nthreads()), False, _served(client.dashboard_link))


def missing_paths(paths: list[str]) -> list[str]:
    """Which of ``paths`` this process cannot see (run on each worker before a run starts)."""
    return [p for p in paths if not Path(p).is_dir()]


def _served(link: str | None) -> str:
    """The dashboard link if a dashboard answers there (the scheduler serves one only with bokeh)."""
    if not link:
        return ""
    try:
        with urllib.request.urlopen(link, timeout=3) as answer:     # noqa: S310 - the scheduler's own http link
            page = answer.read(4096).decode("utf-8", "replace")
    except OSError:
        return ""
    return "" if "for the dashboard" in page else link     # Dask's page asking for bokeh is no dashboard


@contextmanager
def _environ(name: str, value: str) -> Iterator[None]:
    """``name=value`` in this process's environment (which kernels inherit) for the block, then as before."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


# ---- tasks ---------------------------------------------------------------------------------------

def run_all(fn: Callable[..., T], jobs: Sequence[tuple[Any, ...]]) -> list[T]:
    """``fn(*job)`` for every job as Dask tasks; the results in the order of ``jobs``.

    On the cluster named by ``CXKIT_SCHEDULER`` (set by ``cxkit run``); without one, in this
    process, one after another. ``fn`` must be a module-level function of the kit (workers import
    it by name) and should turn a bad item into
    a value, not an exception: an exception is retried, then fails the step.
    """
    if not jobs:
        return []
    address = scheduler_address()
    if address is None:
        return [fn(*job) for job in jobs]
    return _gathered(address, fn, jobs)


def _gathered(address: str, fn: Callable[..., T], jobs: Sequence[tuple[Any, ...]]) -> list[T]:
    """Submit every job at once (the scheduler balances them), gather in submission order."""
    batch = uuid.uuid4().hex[:8]
    keys = [f"{fn.__name__}-{batch}-{i}" for i in range(len(jobs))]
    with _connected(address) as client:
        futures = client.map(_call, [fn] * len(jobs), list(jobs), key=keys, pure=False, retries=RETRIES)
        return client.gather(futures)


def _call(fn: Callable[..., T], job: tuple[Any, ...]) -> T:
    """One task on a worker: its native thread pools held to one thread, then ``fn(*job)``."""
    _one_thread()
    return fn(*job)


@cache
def _one_thread() -> None:
    """OpenCV's own threads in every worker would fight the other workers for the same cores."""
    try:
        import cv2
    except ImportError:
        return
    cv2.setNumThreads(1)
