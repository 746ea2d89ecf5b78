"""``cxkit codebook import``: a QDA tool's codebook (REFI-QDA ``.qdc``) becomes the project's tags.

Each code that can be applied becomes a tag (nested codes as ``parent/child``), created in the
project's curation journal under the name of the person importing, so a later run and the
gallery offer them; tags the journal already has are left alone, so importing twice adds nothing.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

codebook_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                           help="Bring a QDA tool's codebook (REFI-QDA .qdc) into a project as tags. "
                                "cxkit export --to qdc writes one the other way.")


@codebook_app.command("import")
def import_codebook(file: Annotated[Path, typer.Argument(metavar="FILE.qdc", help="a REFI-QDA codebook")],
                    project: Annotated[Path, typer.Argument(help="project folder holding project.yaml")],
                    by: Annotated[str | None, typer.Option("--by", metavar="NAME",
                                                           help="who imports, for the journal [default: the OS user]")]
                    = None) -> None:
    """Add every codable code of FILE.qdc as a tag in PROJECT's curation.jsonl (existing tags are kept)."""
    from kit.core import project as project_mod
    from kit.core.paths import locate
    from kit.curation import journal
    from kit.curation.replay import replay
    from kit.exports.refi_codebook import read_qdc
    root = locate(project)
    project_mod.load(root)                                    # a folder that is not a project is refused here
    names = read_qdc(locate(file))
    path = root / journal.JOURNAL
    known = set(replay([], journal.read(path)).tags)
    who = by or getpass.getuser()
    added = [n for n in dict.fromkeys(names) if n not in known]
    for name in added:
        journal.append(path, journal.make(who=who, role="analyst", op="tag_create", after=name,
                                          reason=f"imported from {file.name}"))
    typer.echo(f"read {len(names)} code(s) from {file}: {len(added)} new tag(s) in {path}, "
               f"{len(names) - len(added)} already there")
