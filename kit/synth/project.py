"""project.yaml for a synthetic project, written as a commented template a user can copy.

It is assembled as text rather than dumped from a dict so the comments survive; the tests load
it back with ``yaml.safe_load`` to keep it honest.
"""

from __future__ import annotations

from kit.synth.sessions import Session
from kit.synth.tables import CHANNELS, STAGES

HEAD = """\
# project.yaml: describes one experience-review project for cxkit.
# Copy this file next to your own data and edit it. Every path is relative to this folder
# and must stay inside it. Raw files are only read, never changed.

# Shown on every page of the report and the gallery.
name: NourishPath diet coaching — Q3 experience review

# Languages the open answers, transcripts and captions may be written in (en, fa).
languages: [en, fa]
# Language of page labels: en or fa (fa mirrors the layout right to left).
ui_language: en

# Speakers in transcripts who are not customers: their lines are never quoted as customer voice.
interviewers: [Researcher, Interviewer]

# Groups (segments, stages, channels) with fewer responses than this are shown but never ranked.
min_group_size: 30

journey:
  # The stages of the customer journey, in order.
  stages: [{stages}]
  # The designed ("ideal") experience per stage, to compare the actual one against.
  # nps is a net score (-100..100) for the stage; csat is a mean on the 1-5 scale.
  ideal:
    purchase: {{nps: 50, csat: 4.5}}
    onboarding: {{nps: 40, csat: 4.3}}
    coaching: {{nps: 45, csat: 4.4}}
    support: {{nps: 30, csat: 4.0}}
    renewal: {{nps: 40, csat: 4.2}}

# The headline scores the company aims for; the pages judge each score against its target.
targets: {{nps: 30, csat: 4.2, ces: 5.5}}

# Currency of the contact log's cost column (ISO 4217 code), written with every cost.
currency: EUR
# Time zone of date-times written without one (IANA name, e.g. Europe/London, Asia/Tehran).
timezone: UTC

# Channels through which the company and its customers meet.
channels: [{channels}]

# Survey exports. format: generic | qualtrics | surveymonkey | google_forms.
# columns maps each canonical field (left) to the column name in your file (right);
# unmapped columns (StartDate, Duration, UserLanguage here) are ignored.
surveys:
  - path: surveys/q3_responses.csv
    format: generic
    columns:
      response_id: ResponseId
      customer_id: ExternalReference     # same ids as customer_id in contacts.csv
      submitted_at: EndDate              # ISO 8601, UTC
      nps: Q1_NPS                        # 0-10
      csat: Q2_CSAT                      # 1-5
      ces: Q3_CES                        # 1-7, 7 = very easy
      stage: Stage
      channel: Channel
      segment: Segment
      consent: Consent                   # yes / no
    text:                                # open answers: name: column
      liked_most: Q4_LikedMost           # "Which part did you like most?"
      disliked_most: Q5_Unhappy          # "Which part were you unhappy with?"

# Session recordings: usability sessions, interviews, focus groups, support calls.
# media is a video or audio file (optional when a transcript exists); transcript is a .vtt or
# .srt export (Zoom, Teams, Otter...); markers (optional) is a CSV of coded moments:
# start,end,stage,channel,valence,note with times in seconds or hh:mm:ss.
# consent: false keeps a session out of every exhibit (it is still counted).
"""

TAIL = """\

# Photos of customers in their real situations. photos/photos.csv is the sidecar:
# file,caption,stage,channel,valence,participant,consent
photos:
  folder: photos/

# Every contact between company and customer: customer_id,at,channel,direction,kind,cost,outcome
contacts: contacts.csv

# Public posts about the brand (optional): at,platform,author,text,likes,shares
social: social.csv

privacy:
  redact_pii: true          # e-mails, phone numbers, card and national ids in any text
  blur_faces: true          # in published photos and video frames
  strip_location: true      # GPS and other location EXIF in published photos
  require_consent: true     # no consent, no exhibit
"""


def recording_entry(s: Session) -> str:
    lines = [f"  - id: {s.id}                            # {s.title}",
             f"    media: recordings/{s.media_name}",
             f"    transcript: recordings/{s.transcript_name}"]
    if s.markers:
        lines.append(f"    markers: recordings/{s.id}_markers.csv")
    lines += [f"    participant: {s.participant}", f"    consent: {'true' if s.consent else 'false'}"]
    return "\n".join(lines) + "\n"


def project_yaml(recorded: list[Session]) -> str:
    """The whole file: head, one entry per recording, then photos, contacts, social, privacy."""
    head = HEAD.format(stages=", ".join(STAGES), channels=", ".join(CHANNELS))
    body = "recordings:\n" + "".join(recording_entry(s) for s in recorded) if recorded else "recordings: []\n"
    return head + body + TAIL
