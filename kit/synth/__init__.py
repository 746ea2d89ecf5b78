"""A deterministic generator of realistic synthetic CX projects (``cxkit synth``).

The story is the method's classic example: NourishPath, a diet-coaching service that buries its
customers in instructions. Customers who get the most outbound messages per week are the least
happy, complain and cancel, and every file written here carries that pattern: the survey, the
contact log, social posts, session recordings and photos.

Same seed, same bytes: random numbers come from one seeded generator per part (so adding photos
does not change the tables), nothing reads the clock, and the media encoders run bit-exact.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from kit.core.errors import ProjectError
from kit.synth import contacts as synth_contacts
from kit.synth import media, sessions, tables
from kit.synth import photos as pictures
from kit.synth.project import project_yaml

__all__ = ["synthesize"]


def _refuse_non_empty(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise ProjectError(f"{out} exists and is not a folder; choose another output folder")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise ProjectError(f"{out} is not empty; choose an empty or new folder, or pass overwrite=True "
                           "(cxkit synth --overwrite) to write over it")


def synthesize(out: Path, *, responses: int, photos: int, recordings: int, seed: int = 7,
               overwrite: bool = False, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write a complete project folder under ``out``; returns how many rows and files were written.

    Raises ProjectError if ``out`` exists and is not empty (unless ``overwrite``) or a count is
    negative. With ``overwrite`` only the files this generator writes are replaced.
    """
    out = Path(out)
    if min(responses, photos, recordings) < 0:
        raise ProjectError("responses, photos and recordings must be 0 or more")
    _refuse_non_empty(out, overwrite)
    say = progress or (lambda _msg: None)
    streams = {name: np.random.default_rng(s)
               for name, s in zip(("customers", "contacts", "social", "sessions", "media", "photos"),
                                  np.random.SeedSequence(seed).spawn(6), strict=True)}
    out.mkdir(parents=True, exist_ok=True)

    say(f"survey: {responses:,} responses")
    customers = tables.draw_customers(streams["customers"], responses)
    frame, _bad = tables.responses_frame(streams["customers"], customers)
    tables.write_responses(out / "surveys" / "q3_responses.csv", frame)

    contact_rows = synth_contacts.write_contacts(out / "contacts.csv", streams["contacts"], customers, progress=say)
    social = tables.social_frame(streams["social"], max(50, responses // 20))
    social.to_csv(out / "social.csv", index=False, encoding="utf-8", lineterminator="\n")
    say(f"social: {len(social):,} posts")

    recorded = sessions.all_sessions(recordings, streams["sessions"])
    _write_sessions(out / "recordings", recorded, streams["media"], say)

    photo_files = pictures.write_photos(out / "photos", photos, streams["photos"]) if photos else 0
    if not photos:
        (out / "photos").mkdir(exist_ok=True)
    say(f"photos: {photo_files}")

    (out / "project.yaml").write_text(project_yaml(recorded), encoding="utf-8")
    return {"responses": len(frame), "contacts": contact_rows, "social": len(social),
            "photos": photo_files, "recordings": len(recorded)}


def _write_sessions(folder: Path, recorded: list[sessions.Session], rng: np.random.Generator,
                    say: Callable[[str], None]) -> None:
    """Transcript, optional markers and media for each session."""
    folder.mkdir(parents=True, exist_ok=True)
    for s in recorded:
        (folder / s.transcript_name).write_bytes(s.transcript.encode("utf-8"))
        if s.markers:
            (folder / f"{s.id}_markers.csv").write_text(s.markers, encoding="utf-8", newline="")
        media.encode(s, folder / s.media_name, rng)
        say(f"recording {s.id}: {s.duration:.1f} s")
