"""``cxkit workshop ...``: export and import the votes and notes of a run's workshop."""

from __future__ import annotations

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Export or import a run's workshop votes and notes.")
