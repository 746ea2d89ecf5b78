"""The ``cxkit`` command line: run, validate, serve, report, export, redact, synth (and workshop, users, codebook).

Exit codes: 0 done, 2 bad input (the message says what and where), 1 internal fault. Errors the
user can fix are printed as one plain message, never as a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.console import Console

from kit.cli import codebook as codebook_cli
from kit.cli import users as users_cli
from kit.cli import workshop as workshop_cli
from kit.core.errors import KitError
from kit.exports import gallery_file

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Turn a project folder of CX evidence into an experience gallery.")
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def _params(pairs: list[str]) -> dict[str, object]:
    """``-p KEY=VALUE`` pairs; values are read as YAML scalars (3 -> int, true -> bool)."""
    result: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.isidentifier():
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE (KEY a Python name)", param_hint="-p")
        result[key] = yaml.safe_load(value) if value else ""
    return result


@app.command()
def run(project: Annotated[Path, typer.Argument(help="project folder holding project.yaml")],
        out_dir: Annotated[Path | None, typer.Option("--out", help="folder for run folders [default: reports/]")] = None,
        run_id: Annotated[str | None, typer.Option("--run-id", help="name of the run folder [default: time stamp]")] = None,
        param: Annotated[list[str] | None,
                         typer.Option("-p", "--param", help="notebook parameter KEY=VALUE (repeatable)")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", help="no per-cell progress bars")] = False,
        scheduler: Annotated[str | None, typer.Option(
            "--scheduler", help="Dask scheduler tcp://HOST:PORT for clips and photos [default: $CXKIT_SCHEDULER]")] = None,
        workers: Annotated[int | None, typer.Option(
            "--workers", help="with no scheduler: start a local Dask cluster of N processes for clips and photos "
                              "[default: $CXKIT_WORKERS, else 1: no cluster]")] = None,
        each: Annotated[str | None, typer.Option(
            "--each", metavar="segment|channel|market|month|quarter",
            help="one complete run per slice, named <run-id>-<slice-key>, plus <run-id>-slices/ comparing them "
                 "(index.html, slices.json, report.html); slices under min_group_size survey responses are "
                 "skipped with the reason; with --scheduler or --workers the slices run side by side on that "
                 "cluster")] = None) -> None:
    """Validate the project, then run the whole pipeline into a new run folder (or one per slice with --each)."""
    from kit import pipeline
    from kit.core import runfolder
    if each is not None:
        _run_each(project, each, out_dir, run_id, _params(param or []), not quiet, scheduler, workers)
        return
    final = pipeline.run(project, out_dir, run_id, _params(param or []), progress=not quiet,
                         say=lambda m: out.print(m), scheduler=scheduler, workers=workers)
    out.print(f"Run finished: {final}")
    out.print(f"  report:  {final / runfolder.REPORT_HTML}\n  gallery: {final / runfolder.GALLERY_HTML}")
    out.print("  serve it: cxkit serve")


def _run_each(project: Path, each: str, out_dir: Path | None, run_id: str | None, params: dict[str, object],
              progress: bool, scheduler: str | None, workers: int | None) -> None:
    """``run --each``: every slice's outcome, then the index; exit 1 when a slice's run failed."""
    from kit.slices import batch as slices
    from kit.slices.index import INDEX_HTML
    result = slices.run_each(project, each, out_dir, run_id, params, progress=progress, say=lambda m: out.print(m),
                             scheduler=scheduler, workers=workers)
    out.print(f"Slices by {each} in {result.out_dir}:")
    for o in result.outcomes:
        where = f" -> {o.folder}" if o.folder else ""
        out.print(f"  {o.planned.slice.value} ({o.planned.slice.key}): {o.status}"
                  + (f": {o.reason}" if o.reason else "") + where)
    if result.index_dir is not None:
        out.print(f"  index:  {result.index_dir / INDEX_HTML}")
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def validate(project: Annotated[Path, typer.Argument(help="project folder holding project.yaml")],
             show: Annotated[int, typer.Option(help="how many rejected rows to list")] = 20) -> None:
    """Check project.yaml and every input; print what a run would reject."""
    from kit.core.paths import locate
    from kit.validate import validate_project
    report = validate_project(locate(project), dry_run=True)
    for w in report.warnings:
        out.print(f"warning: {w}")
    if report.problems:
        for p in report.problems:
            err.print(f"error: {p}")
        raise typer.Exit(2)
    for name, c in report.counts.items():
        out.print(f"{name}: {c['in']} rows in, {c['accepted']} accepted, {c['rejected']} rejected")
    if len(report.rejects):
        out.print(f"\n{len(report.rejects)} row(s) would be rejected (a run keeps going and writes them down):")
        for r in report.rejects.head(show).itertuples():
            out.print(f"  {r.source_file}, {r.locator}: {r.reason}")
        if len(report.rejects) > show:
            out.print(f"  ... and {len(report.rejects) - show} more (--show N lists more)")
    out.print("The project is ready to run.")


@app.command()
def serve(target: Annotated[Path | None, typer.Argument(metavar="[RUN | REPORTS_DIR]",
                                                        help="a run folder, or a folder of runs [default: reports/]")] = None,
          host: Annotated[str, typer.Option(help="address to listen on; other than loopback needs users")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="port to listen on")] = 8866,
          allow_host: Annotated[list[str] | None, typer.Option(
              "--allow-host", help="a name people reach the server by, besides loopback (repeatable)")] = None,
          users: Annotated[Path | None, typer.Option(help="users file [default: users.json beside the runs]")] = None,
          certfile: Annotated[Path | None, typer.Option(help="TLS certificate (PEM), with --keyfile")] = None,
          keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM), with --certfile")] = None,
          session_hours: Annotated[float, typer.Option(min=0.1, help="a login lasts this long")] = 12.0,
          behind_proxy: Annotated[bool, typer.Option(help="trust X-Forwarded-* from a reverse proxy in front")] = False,
          preheat: Annotated[bool, typer.Option(help="keep one kernel per page ready (faster first paint, ~200 MB each)")]
          = True) -> None:
    """Serve the gallery pages of one run or of every run in a folder, behind a login when users exist.

    Loopback only unless --host says otherwise (and then users must exist: cxkit users add).
    SIGTERM or Ctrl+C stops the server and every kernel it started.
    """
    import logging

    from kit.server.app import ServeOptions
    from kit.server.app import serve as serve_gate
    from kit.server.catalog import catalog_for, users_beside
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    catalog = catalog_for(target)
    options = ServeOptions(host=host, port=port, allow_hosts=list(allow_host or []), certfile=certfile, keyfile=keyfile,
                           users_path=users or users_beside(catalog), session_hours=session_hours,
                           behind_proxy=behind_proxy, preheat=preheat)
    serve_gate(catalog, options, say=lambda m: out.print(m))


EXPORTS = ("html", "pdf", "cards", "gallery")


@app.command()
def report(run: Annotated[Path | None, typer.Argument(help="run folder [default: reports/latest]")] = None,
           to: Annotated[str, typer.Option("--to", help="comma-separated: html, pdf, cards, gallery")] = ",".join(EXPORTS),
           execute: Annotated[bool, typer.Option("--execute/--no-execute",
                                                 help="re-run the report notebook first (workshop findings)")] = True) -> None:
    """Write the static exports of a run: report.html, report.pdf, cards.pdf, gallery.html."""
    import time

    from kit.core.runs import resolve_run
    from kit.exports import report as export
    run_dir = resolve_run(run)
    makers = {"html": export.report_html, "pdf": export.report_pdf, "cards": export.cards_pdf,
              "gallery": gallery_file.gallery_html}
    wanted = [t.strip() for t in to.split(",") if t.strip()]
    unknown = [t for t in wanted if t not in makers]
    if unknown or not wanted:
        err.print(f"error: --to {','.join(unknown) or to!r} is not available; choose from {', '.join(EXPORTS)}")
        raise typer.Exit(2)
    if execute and {"html", "pdf"} & set(wanted):
        t0 = time.perf_counter()
        export.execute_report(run_dir)
        out.print(f"re-ran the report notebook against {run_dir.name} ({time.perf_counter() - t0:.1f} s)")
        if "html" not in wanted:
            wanted.insert(0, "html")        # the PDF is printed from a report.html of this execution
    for t in sorted(set(wanted), key=EXPORTS.index):
        t0 = time.perf_counter()
        path = makers[t](run_dir)
        out.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - t0:.1f} s)")


QDA_EXPORTS = ("qdpx", "qdc")


@app.command()
def export(run: Annotated[Path | None, typer.Argument(help="run folder [default: reports/latest]")] = None,
           to: Annotated[str, typer.Option("--to", help="comma-separated: qdpx (project), qdc (codebook)")] = "qdpx",
           out_dir: Annotated[Path | None, typer.Option("--out", help="folder to write into [default: the run]")] = None,
           ) -> None:
    """Write a run for QDA tools (REFI-QDA): <run>.qdpx (transcripts, open answers, photos, codes) or <run>.qdc."""
    from kit.core.runs import resolve_run
    from kit.exports import qdpx
    run_dir = resolve_run(run)
    wanted = [t.strip() for t in to.split(",") if t.strip()]
    if not wanted or any(t not in QDA_EXPORTS for t in wanted):
        err.print(f"error: --to {to!r} is not available; choose from {', '.join(QDA_EXPORTS)}")
        raise typer.Exit(2)
    for t in wanted:
        path = (qdpx.write_qdpx if t == "qdpx" else qdpx.write_qdc)(run_dir, out_dir)
        out.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


Terms = Annotated[list[str] | None, typer.Option("--text", metavar="TEXT",
                                                 help="a word or phrase, as a whole word, any case (repeatable)")]
Patterns = Annotated[list[str] | None, typer.Option("--pattern", metavar="REGEX",
                                                    help="a Python regular expression, any case (repeatable)")]
Speakers = Annotated[list[str] | None, typer.Option("--speaker", metavar="NAME",
                                                    help="a speaker's name, as speaker and as a word (repeatable)")]
Exhibits = Annotated[list[str] | None, typer.Option("--exhibit", metavar="ID",
                                                    help="an exhibit to withdraw with its media (repeatable)")]


@app.command()
def redact(run: Annotated[Path | None, typer.Argument(help="run folder [default: reports/latest]")] = None,
           text: Terms = None, pattern: Patterns = None, speaker: Speakers = None, exhibit: Exhibits = None,
           dry_run: Annotated[bool, typer.Option("--dry-run", help="list what would change; write nothing")] = False,
           mute: Annotated[bool, typer.Option("--mute", help="silence spoken terms instead of a tone")] = False,
           by: Annotated[str | None, typer.Option("--by", metavar="NAME",
                                                  help="who redacts, for the manifest [default: the OS user]")] = None) -> None:
    """Remove words, patterns, a speaker's name or whole exhibits from a finished run.

    Rewrites the run's tables, JSON files, charts, executed notebooks and workshop notes (votes are
    kept), bleeps the clips where a term is spoken, and makes report.html, gallery.html, report.pdf
    and cards.pdf again (an export that cannot be made here is removed and listed as stale). The
    manifest records each redaction with its terms only as salted SHA-256 hashes. Running the same
    redaction again changes nothing.
    """
    from kit.core.runs import resolve_run
    from kit.redaction import Spec, redact_run
    run_dir = resolve_run(run)
    spec = Spec(texts=tuple(text or ()), patterns=tuple(pattern or ()), speakers=tuple(speaker or ()),
                exhibits=tuple(exhibit or ()), mute=mute)
    result = redact_run(run_dir, spec, dry_run=dry_run, by=by, say=lambda m: out.print(m))
    rows = result.plan.listing()
    for rel, count, what in rows:
        out.print(f"  {rel}: {count} place(s), {'would be ' if dry_run else ''}{what}")
    if dry_run:
        out.print(f"dry run: {result.places} place(s) in {len(rows)} file(s) of {run_dir.name} would change; "
                  "nothing was written")
    elif result.places == 0:
        out.print(f"nothing to redact in {run_dir.name}: 0 changes, no file written")
    else:
        stale = f"; stale (removed, make again with cxkit report): {', '.join(result.stale)}" if result.stale else ""
        out.print(f"redacted {result.places} place(s) in {run_dir.name} in {result.seconds:.1f} s{stale}")


@app.command()
def synth(out_dir: Annotated[Path, typer.Argument(metavar="OUT", help="folder to create")],
          responses: Annotated[int, typer.Option(min=1, help="survey responses")] = 1500,
          photos: Annotated[int, typer.Option(min=0, help="photos")] = 24,
          recordings: Annotated[int, typer.Option(min=0, help="recorded sessions")] = 5,
          seed: Annotated[int, typer.Option(help="random seed: same seed, same files")] = 7,
          overwrite: Annotated[bool, typer.Option(help="replace OUT if it exists")] = False) -> None:
    """Write a realistic synthetic project of any size (deterministic by seed)."""
    from kit.synth import synthesize
    counts = synthesize(out_dir, responses=responses, photos=photos, recordings=recordings, seed=seed,
                        overwrite=overwrite, progress=lambda m: out.print(m))
    out.print(f"wrote {out_dir}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


app.add_typer(workshop_cli.workshop_app, name="workshop")
app.add_typer(users_cli.users_app, name="users")
app.add_typer(codebook_cli.codebook_app, name="codebook")


def main() -> None:
    """Entry point: user-fixable errors become one message and exit 2 (or 1 for a failed run)."""
    try:
        code = app(standalone_mode=False)
    except KitError as exc:
        err.print(f"error: {exc}")
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except typer.TyperException as exc:      # usage errors: shown with their own exit code
        exc.show()  # type: ignore[attr-defined]
        sys.exit(getattr(exc, "exit_code", 2))
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
