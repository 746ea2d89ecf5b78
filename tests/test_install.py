"""The kit as ``pip install .`` leaves it: a wheel installed away from the checkout.

The slow test builds the wheel from a copy of the checkout (a build writes build/ and *.egg-info
beside its sources, so never in the repository), installs it with ``pip install --target``, and
from a folder outside the checkout, with PYTHONPATH pointing at the installed copy, makes a small
synthetic project, runs the pipeline on it, exports the report and serves the pages. It checks
that the command line, the papermill kernels and the Voilà kernels all use the installed copy, and
that nothing was written into the repository. The fast tests check what the wheel is built from.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

import pytest

from kit.core import paths
from kit.core.paths import REPO_ROOT, SAMPLE_PROJECT

assert REPO_ROOT is not None and SAMPLE_PROJECT is not None, "the tests run from the source checkout"

# What the wheel is built from (pyproject.toml names the readme and the licence file).
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "kit", "notebooks", "gallery")
SERVE_WAIT = 90.0
PROBE = """
import json, kit, kit.core.paths as p
print(json.dumps({"kit": kit.__file__, "repo_root": p.REPO_ROOT and str(p.REPO_ROOT),
                  "sample": p.SAMPLE_PROJECT and str(p.SAMPLE_PROJECT), "notebooks": str(p.NOTEBOOKS_DIR),
                  "gallery": str(p.GALLERY_DIR), "reports": str(p.REPORTS_DIR)}))
"""


def _setuptools() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_the_wheel_lists_every_package_of_kit() -> None:
    """Packages are listed by hand (package-dir maps notebooks/ and gallery/ in), so a new one must be added."""
    cfg = _setuptools()
    listed = set(cfg["packages"]) - set(cfg["package-dir"])
    found = {".".join(py.parent.relative_to(REPO_ROOT).parts) for py in paths.KIT_DIR.rglob("*.py")
             if not py.parent.is_relative_to(paths.ASSETS_DIR)}
    assert not sorted(found - listed), f"add {sorted(found - listed)} to [tool.setuptools] packages in pyproject.toml"
    assert not sorted(listed - found), f"{sorted(listed - found)} in pyproject.toml's packages no longer exist"
    assert cfg["package-data"]["kit"] == ["assets/**/*"]


def test_the_wheel_carries_the_notebooks_where_paths_looks_for_them() -> None:
    cfg = _setuptools()
    mapped = {pkg: REPO_ROOT / folder for pkg, folder in cfg["package-dir"].items()}
    assert mapped == {"kit._notebooks": REPO_ROOT / "notebooks", "kit._gallery": REPO_ROOT / "gallery"}
    assert paths.INSTALLED_NOTEBOOKS == paths.KIT_DIR / "_notebooks"
    assert paths.INSTALLED_GALLERY == paths.KIT_DIR / "_gallery"
    assert set(mapped) <= set(cfg["packages"])
    assert all(cfg["package-data"][pkg] == ["*.ipynb"] for pkg in mapped)


def test_a_checkout_uses_its_own_folders(tmp_path: Path) -> None:
    assert paths.NOTEBOOKS_DIR == REPO_ROOT / "notebooks" and paths.GALLERY_DIR == REPO_ROOT / "gallery"
    assert paths.REPORTS_DIR == REPO_ROOT / "reports" and SAMPLE_PROJECT == REPO_ROOT / "data" / "sample"
    site = tmp_path / "site-packages"
    (site / "kit").mkdir(parents=True)
    assert paths.find_checkout(site / "kit") is None
    assert paths.find_checkout(paths.KIT_DIR) == REPO_ROOT


def _snapshot() -> dict[str, object]:
    """What a test could write into the repository: new entries in its folders, changed sample files."""
    from kit.core.runs import hash_inputs
    folders = (REPO_ROOT, REPO_ROOT / "notebooks", REPO_ROOT / "gallery", REPO_ROOT / "reports", REPO_ROOT / "data")
    listing = {str(f.relative_to(REPO_ROOT)): sorted(p.name for p in f.iterdir() if p.name != "__pycache__")
               for f in folders if f.is_dir()}
    return {"listing": listing, "sample": hash_inputs(SAMPLE_PROJECT)}


def _run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(command[:6])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _build_wheel(tmp: Path) -> Path:
    """The wheel, built from a copy of the sources (without build isolation when setuptools is new enough)."""
    src = tmp / "src"
    for name in SOURCES:
        if (REPO_ROOT / name).is_dir():
            shutil.copytree(REPO_ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(REPO_ROOT / name, src / name)
    isolation = ["--no-build-isolation"] if int(metadata.version("setuptools").split(".")[0]) >= 77 else []
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", *isolation, "-w", str(dist), str(src)],
         cwd=tmp, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}, timeout=600)
    (wheel,) = dist.glob("cxkit-*.whl")
    return wheel


def _family(pid: int) -> list:
    import psutil
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def _stop(pid: int) -> None:
    """Stop `cxkit serve`, its Voilà and Voilà's kernels (kernels run in sessions of their own)."""
    import psutil
    family = _family(pid)
    for p in family:
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(family, timeout=20)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=10)


def _kernels(pid: int) -> list[tuple[dict[str, str], str]]:
    """(environment, working directory) of every kernel under a process."""
    import psutil
    found = []
    for p in _family(pid)[1:]:
        try:
            if "ipykernel_launcher" in " ".join(p.cmdline()):
                found.append((p.environ(), p.cwd()))
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


def _fetch_until_ok(url: str, wait: float, proc: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + wait
    last: object = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"cxkit serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=max(1.0, deadline - time.monotonic())) as response:
                if response.status == 200:
                    return response.read().decode("utf-8", "replace")
                last = response.status
        except (OSError, urllib.error.URLError) as exc:
            last = exc
        time.sleep(0.5)
    pytest.fail(f"{url} did not answer 200 within {wait:.0f} s (last: {last}):\n{log.read_text()[-3000:]}")


def _probe_kernel(tmp: Path, env: dict[str, str], cwd: Path) -> str:
    """kit.__file__ as a kernel started by papermill (as the pipeline starts it) sees it."""
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("import kit\nprint(kit.__file__)"))
    probe, out = tmp / "probe.ipynb", tmp / "probe.out.ipynb"
    nbformat.write(nb, probe)
    _run([sys.executable, "-c", "import sys, papermill as pm; pm.execute_notebook(sys.argv[1], sys.argv[2], "
          "kernel_name='python3', progress_bar=False, cwd=sys.argv[3])", str(probe), str(out), str(cwd)],
         cwd=tmp / "work", env=env, timeout=300)
    executed = nbformat.read(out, as_version=4)
    return "".join(o.get("text", "") for o in executed.cells[0].outputs).strip()


@pytest.mark.notebook
@pytest.mark.install
def test_an_installed_wheel_runs_reports_and_serves_outside_the_checkout(tmp_path: Path) -> None:
    from tests.browser_support import free_port
    assert not tmp_path.resolve().is_relative_to(REPO_ROOT.resolve())
    before, t0 = _snapshot(), time.monotonic()

    def took(what: str) -> None:          # shown with -s: where the minutes go
        print(f"{what}: {time.monotonic() - t0:.0f} s from the start")

    wheel = _build_wheel(tmp_path)
    site, work, runs = tmp_path / "site", tmp_path / "work", tmp_path / "runs"
    work.mkdir()
    home = tmp_path / "home"
    # --no-compile: a module's .pyc then appears in the installed copy only once some process imported it.
    _run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--no-compile", "--quiet", "--target", str(site),
          str(wheel)], cwd=tmp_path, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}, timeout=300)
    env = {k: v for k, v in os.environ.items()
           if k not in ("CXKIT_RUN", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONSAFEPATH")}
    env.update(PYTHONPATH=str(site), JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_DATA_DIR=str(home / "data"), IPYTHONDIR=str(home / "ipython"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    installed = site / "kit"

    # The command line imports the installed copy, which knows it is not in a checkout.
    seen = json.loads(_run([sys.executable, "-c", PROBE], cwd=work, env=env, timeout=120).stdout)
    assert Path(seen["kit"]).is_relative_to(installed), seen
    assert seen["repo_root"] is None and seen["sample"] is None
    assert Path(seen["notebooks"]) == installed / "_notebooks" and Path(seen["gallery"]) == installed / "_gallery"
    assert Path(seen["reports"]) == work / "reports"
    for folder, copy in (("notebooks", "_notebooks"), ("gallery", "_gallery")):
        shipped = sorted(p.name for p in (installed / copy).iterdir())
        assert shipped == sorted(p.name for p in (REPO_ROOT / folder).glob("*.ipynb")), shipped
    assert Path(_probe_kernel(tmp_path, env, installed / "_notebooks")).is_relative_to(installed)
    _run([str(site / "bin" / "cxkit"), "--help"], cwd=work, env=env, timeout=120)

    took("built, installed and checked the wheel")

    # The whole pipeline, from the installed notebooks, on a small project the installed kit makes
    # (every kind of evidence, a fraction of the sample's size: the sample's own run is tested elsewhere).
    project = tmp_path / "project"
    _run([sys.executable, "-m", "kit.cli", "synth", str(project), "--responses", "300", "--photos", "3",
          "--recordings", "1", "--seed", "3"], cwd=work, env=env, timeout=300)
    _run([sys.executable, "-m", "kit.cli", "run", str(project), "--out", str(runs), "--quiet"],
         cwd=work, env=env, timeout=1200)
    latest = runs / "latest"
    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "succeeded"
    for executed in sorted((latest / "notebooks").glob("*.ipynb")):
        source = json.loads(executed.read_text(encoding="utf-8"))["metadata"]["papermill"]["input_path"]
        assert Path(source).is_relative_to(installed / "_notebooks"), source

    took("ran the pipeline")

    # The report, re-executed from the installed report notebook.
    (latest / "report.html").unlink()
    _run([sys.executable, "-m", "kit.cli", "report", str(latest), "--to", "html"], cwd=work, env=env, timeout=900)
    assert (latest / "report.html").stat().st_size > 10_000

    took("exported the report")

    # The pages, served by Voilà from the installed gallery notebooks.
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "serve", str(latest), "--port", str(port), "--no-preheat"],
                                cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        page = _fetch_until_ok(f"http://127.0.0.1:{port}/voila/render/overview.ipynb", SERVE_WAIT, proc, log)
        assert "<html" in page.lower()
        voila = [" ".join(p.cmdline()) for p in _family(proc.pid)[1:]]
        assert any(f"-m voila {installed / '_gallery'} " in c for c in voila), voila
        kernels = _kernels(proc.pid)
        assert kernels, "no kernel under Voilà after a page was rendered"
        for kernel_env, kernel_cwd in kernels:
            assert kernel_env.get("PYTHONPATH") == str(site) and Path(kernel_cwd).is_relative_to(installed), kernel_cwd
        # Only the overview page imports kit.pages.overview: its bytecode shows the kernel read the installed copy.
        assert list((installed / "pages" / "__pycache__").glob("overview.*.pyc"))
    finally:
        _stop(proc.pid)
    took("served a page")

    assert not list(work.iterdir()), "a run with --out wrote into the current directory"
    assert _snapshot() == before, "the test wrote into the repository"
