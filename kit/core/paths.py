"""Every path the kit uses, derived once from where the package lives.

Relative paths given by a user (the project folder, a run folder) are looked up from the current
directory first and from the repository root second, so a notebook works the same from JupyterLab
(whose kernel starts in notebooks/) and from papermill or the command line started at the root.
"""

from __future__ import annotations

import os
from pathlib import Path

from kit.core.errors import UnsafePathError

KIT_DIR = Path(__file__).resolve().parents[1]
ASSETS_DIR = KIT_DIR / "assets"
REPO_ROOT = KIT_DIR.parent
SAMPLE_PROJECT = REPO_ROOT / "data" / "sample"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
GALLERY_DIR = REPO_ROOT / "gallery"
REPORTS_DIR = REPO_ROOT / "reports"
SCRATCH_RUN = REPORTS_DIR / "scratch"
RUN_ENV_VAR = "CXKIT_RUN"


def locate(path: str | os.PathLike[str]) -> Path:
    """Resolve a user-given path: as given if it exists from here, else from the repository root."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p.resolve()
    from_root = REPO_ROOT / p
    return from_root.resolve() if from_root.exists() else p.resolve()


def inside(root: Path, relative: str | os.PathLike[str], *, key: str = "path") -> Path:
    """Join a configured path to the project folder, refusing any path that leaves it.

    The check is made on the resolved path (symlinks followed) before anything is opened, so a
    project.yaml or sidecar cannot make the kit read /etc/passwd or a neighbouring project.
    """
    rel = Path(relative)
    root = root.resolve()
    target = (root / rel).resolve()
    if rel.is_absolute() or not target.is_relative_to(root):
        raise UnsafePathError(
            f"{key}: {str(relative)!r} leaves the project folder {root}; "
            "give a path inside the project folder (relative to project.yaml)")
    return target
