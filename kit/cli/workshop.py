"""``cxkit workshop export|import``: a run's workshop votes and notes as CSV, and paper votes in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

# ---- cxkit workshop ...: export and import the votes and notes of a run's workshop ----
workshop_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Export or import a run's workshop votes and notes. The workshop itself lives in "
                       "<run>/workshop.sqlite and is filled in on the gallery page (cxkit serve RUN).")


@workshop_app.command("export")
def export_cmd(run: Annotated[Path | None, typer.Argument(help="run folder [default: reports/latest]")] = None,
               out: Annotated[Path | None, typer.Option("--out", "-o", help="CSV file to write "
                                                         "[default: <run>/workshop.csv]")] = None) -> None:
    """Write every participant's votes, severity rating and note per exhibit as CSV.

    Columns: exhibit_id, short_id, title, name, department, source (browser or paper), votes,
    severity (0 not a problem .. 4 critical), note, updated_at. The file is UTF-8 with a byte-order
    mark. Any cell that starts with =, +, -, @, a tab or a carriage return gets a leading
    apostrophe, so a spreadsheet shows it as text and never runs it as a formula.
    """
    from kit.core.runs import resolve_run
    from kit.workshop.paper import export_csv
    from kit.workshop.store import DB_NAME
    run_dir = resolve_run(run)
    if not (run_dir / DB_NAME).exists():
        typer.echo(f"No workshop has reviewed run {run_dir.name} yet ({run_dir / DB_NAME} does not exist).", err=True)
        raise typer.Exit(2)
    target = out or run_dir / "workshop.csv"
    n = export_csv(run_dir, target)
    typer.echo(f"wrote {target} ({n} rows)")


@workshop_app.command("import")
def import_cmd(run: Annotated[Path, typer.Argument(help="run folder the cards were printed from")],
               file: Annotated[Path, typer.Argument(metavar="FILE.csv",
                                                    help="paper votes, one row per person and card")]) -> None:
    """Merge votes collected on paper exhibit cards into the run's workshop.

    FILE.csv has a header row with the columns short_id (the id printed on the card, e.g. K7QF),
    name, department (design, engineering, business or other) and, optionally, votes (dots on that
    card; without the column each row is one dot), severity (0-4) and note.

    The whole file is checked first: unknown short ids, departments, numbers and dots over the
    budget are all listed with their row numbers (the header is row 1) and nothing is imported
    until they are fixed. A row sets that person's dots on that card (0 withdraws them), so
    importing the same file again changes nothing. Paper participants are told apart by name and
    department; votes given in a browser are never changed.
    """
    from kit.core.paths import locate
    from kit.core.runs import resolve_run
    from kit.workshop.paper import import_csv
    run_dir = resolve_run(run)
    result = import_csv(run_dir, locate(file))
    typer.echo(f"read {result['rows']} rows from {file}: {result['changed']} changed the workshop, "
               f"{result['new_participants']} new paper participant(s)")
