"""Every path the kit uses, derived once from where the package lives.

The kit runs either from the source checkout (an editable install, or the checkout on sys.path) or
from an installed copy (``pip install .``, a wheel):

* In a checkout (the folder kit/ sits in holds pyproject.toml, notebooks/ and gallery/), the
  pipeline notebooks and the pages are read from its notebooks/ and gallery/, runs go to its
  reports/, and data/sample/ is the bundled sample project.
* An installed kit reads the copies of those notebooks shipped inside the package (kit/_notebooks,
  kit/_gallery), writes runs to ``reports/`` under the current directory (unless ``--out`` says
  otherwise), and has no sample project: ``SAMPLE_PROJECT`` and ``REPO_ROOT`` are None
  (``cxkit synth DIR`` writes a project to try it on).

Relative paths given by a user (the project folder, a run folder) are looked up from the current
directory first and, in a checkout, from its root second, so a notebook works the same from
JupyterLab (whose kernel starts in notebooks/) and from papermill or the command line started at
the root.
"""

from __future__ import annotations

import os
from pathlib import Path

from kit.core.errors import UnsafePathError

KIT_DIR = Path(__file__).resolve().parents[1]
ASSETS_DIR = KIT_DIR / "assets"
# Where pyproject.toml's package-dir puts the checkout's notebooks/ and gallery/ in a wheel.
INSTALLED_NOTEBOOKS = KIT_DIR / "_notebooks"
INSTALLED_GALLERY = KIT_DIR / "_gallery"


def find_checkout(kit_dir: Path = KIT_DIR) -> Path | None:
    """The source checkout ``kit_dir`` belongs to, or None for an installed kit."""
    root = kit_dir.parent
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir() and (root / "gallery").is_dir():
        return root
    return None


REPO_ROOT: Path | None = find_checkout()
SAMPLE_PROJECT: Path | None = REPO_ROOT / "data" / "sample" if REPO_ROOT else None
NOTEBOOKS_DIR = REPO_ROOT / "notebooks" if REPO_ROOT else INSTALLED_NOTEBOOKS
GALLERY_DIR = REPO_ROOT / "gallery" if REPO_ROOT else INSTALLED_GALLERY
REPORTS_DIR = REPO_ROOT / "reports" if REPO_ROOT else Path.cwd() / "reports"
SCRATCH_RUN = REPORTS_DIR / "scratch"
RUN_ENV_VAR = "CXKIT_RUN"


def locate(path: str | os.PathLike[str]) -> Path:
    """Resolve a user-given path: as given if it exists from here, else from the checkout's root (if any)."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists() or REPO_ROOT is None:
        return p.resolve()
    from_root = REPO_ROOT / p
    return from_root.resolve() if from_root.exists() else p.resolve()


NAME_MAX = 255                   # bytes in one file or folder name, on every common file system


def name_problem(relative: str | os.PathLike[str]) -> str:
    """Why no file system could hold a file at ``relative`` (a NUL character, a name over ``NAME_MAX`` bytes), or ''."""
    if "\x00" in str(relative):
        return "holds a NUL character, which no file name can"
    longest = max((len(os.fsencode(part)) for part in Path(relative).parts), default=0)
    if longest > NAME_MAX:
        return f"has a name of {longest:,} bytes, more than the {NAME_MAX} a file system allows"
    return ""


def inside(root: Path, relative: str | os.PathLike[str], *, key: str = "path") -> Path:
    """Join a configured path to the project folder, refusing any path that leaves it.

    The check is made on the resolved path (symlinks followed) before anything is opened, so a
    project.yaml or sidecar cannot make the kit read /etc/passwd or a neighbouring project.
    """
    problem = name_problem(relative)
    if problem:
        shown = str(relative) if len(str(relative)) <= 80 else str(relative)[:77] + "..."
        raise UnsafePathError(f"{key}: {shown!r} {problem}; give a path inside the project folder (relative to "
                              "project.yaml)")
    rel = Path(relative)
    root = root.resolve()
    target = (root / rel).resolve()
    if rel.is_absolute() or not target.is_relative_to(root):
        raise UnsafePathError(
            f"{key}: {str(relative)!r} leaves the project folder {root}; "
            "give a path inside the project folder (relative to project.yaml)")
    return target
