"""Session media: small MP4 (H.264 + AAC) or M4A files whose length matches the transcript.

Frames are drawn with Pillow, one picture per second of the session (the clock on screen moves
once a second), and each is repeated to fill the frame rate before being piped into the ffmpeg
binary that imageio-ffmpeg ships. The sound is a quiet murmur whose pitch follows who is talking,
so a waveform view shows turns. Bit-exact flags, one encoder thread and no metadata make the same
seed give the same bytes.
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from functools import cache
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from kit.synth.sessions import Cue, Session, clock

WIDTH, HEIGHT, FPS, RATE = 320, 240, 8, 16_000
BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1"]
INK, PAPER, ACCENT, ALERT = (235, 238, 240), (28, 34, 44), (90, 170, 120), (225, 70, 60)


@cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font: the same glyphs on every machine, so frames are reproducible."""
    return ImageFont.load_default(size=size)


def speaker_at(cues: list[Cue], t: float) -> str:
    return next((c.speaker for c in cues if c.start <= t < c.end), "")


def draw_frame(s: Session, second: int) -> bytes:
    """The picture shown during one second of the session, as raw RGB bytes."""
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    d = ImageDraw.Draw(img)
    if second < 3:
        d.text((16, 70), "NourishPath research", fill=ACCENT, font=font(16))
        d.text((16, 100), f"Session {s.id}", fill=INK, font=font(22))
        d.text((16, 135), s.title[:44], fill=INK, font=font(11))
        d.text((16, 200), "Q3 2026  |  recorded with consent form", fill=(150, 150, 160), font=font(10))
        return img.tobytes()
    progress = second / max(s.duration, 1)
    {"phone": _phone, "payment": _payment, "room": _room, "call": _room}[s.scene](d, s, second, progress)
    d.rectangle((0, 0, WIDTH, 18), fill=(12, 14, 18))
    d.text((6, 3), f"{s.id}  REC", fill=ALERT, font=font(11))
    d.text((WIDTH - 62, 3), clock(second), fill=INK, font=font(11))
    who = speaker_at(s.cues, second + 0.5)
    if who:
        d.rectangle((0, HEIGHT - 20, WIDTH, HEIGHT), fill=(12, 14, 18))
        d.text((6, HEIGHT - 16), f"speaking: {who}", fill=INK, font=font(11))
    return img.tobytes()


def _phone(d: ImageDraw.ImageDraw, s: Session, second: int, progress: float) -> None:
    """A phone whose unread count climbs through the session."""
    d.rounded_rectangle((110, 26, 210, 214), radius=14, fill=(10, 10, 12), outline=(90, 90, 95), width=3)
    unread = 3 + int(40 * progress)
    for row in range(min(unread, 7)):
        y = 48 + row * 22
        d.rounded_rectangle((118, y, 202, y + 18), radius=4, fill=(48, 52, 60))
        d.text((122, y + 3), ["Meal plan", "Drink water!", "Check-in", "New guide", "Log lunch",
                              "Reminder", "Tip of day"][(row + unread) % 7], fill=INK, font=font(9))
    d.ellipse((190, 20, 222, 52), fill=ALERT)
    d.text((206, 36), str(unread), fill=(255, 255, 255), font=font(13), anchor="mm")


def _payment(d: ImageDraw.ImageDraw, s: Session, second: int, progress: float) -> None:
    """A checkout screen that spins, fails, and finally succeeds on the website near the end."""
    d.rectangle((40, 30, 280, 210), fill=(245, 246, 248))
    d.text((52, 40), "Renew premium - 99 EUR", fill=(30, 30, 30), font=font(13))
    d.rectangle((52, 70, 268, 92), outline=(160, 160, 160))
    d.text((58, 75), "VISA **** 1111", fill=(60, 60, 60), font=font(11))
    if progress < 0.3:
        angle = (second * 45) % 360
        d.arc((140, 110, 180, 150), angle, angle + 270, fill=(80, 120, 200), width=4)
    elif progress < 0.85:
        d.rectangle((52, 110, 268, 170), fill=(253, 232, 230), outline=ALERT)
        d.text((60, 120), "Something went wrong.", fill=ALERT, font=font(12))
        d.text((60, 142), "Error PAY-502. Try again later.", fill=(90, 40, 40), font=font(10))
    else:
        d.rectangle((52, 110, 268, 170), fill=(228, 245, 233), outline=ACCENT)
        d.text((60, 130), "Payment received (website)", fill=(30, 110, 60), font=font(12))


def _room(d: ImageDraw.ImageDraw, s: Session, second: int, progress: float) -> None:
    """A video-call grid with one tile per speaker; the one talking is outlined."""
    who = speaker_at(s.cues, second + 0.5)
    names = s.speakers[:4]
    for i, name in enumerate(names):
        x, y = 8 + (i % 2) * 156, 24 + (i // 2) * 96
        d.rectangle((x, y, x + 148, y + 90), fill=(52, 58, 70), outline=ACCENT if name == who else (70, 76, 88),
                    width=3 if name == who else 1)
        d.ellipse((x + 56, y + 14, x + 92, y + 50), fill=(120, 110, 100))
        d.pieslice((x + 40, y + 48, x + 108, y + 110), 180, 360, fill=(120, 110, 100))
        d.text((x + 6, y + 74), name, fill=INK, font=font(10))


def speech_audio(s: Session, rng: np.random.Generator) -> np.ndarray:
    """16 kHz mono int16: a low noise floor plus a syllable-like tone while someone speaks."""
    n = int(s.duration * RATE)
    t = np.arange(n) / RATE
    audio = rng.normal(0, 0.004, n)
    pitch = {name: 140 + 45 * i for i, name in enumerate(s.speakers)}
    for c in s.cues:
        a, b = int(c.start * RATE), min(int(c.end * RATE), n)
        tt = t[a:b]
        envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4.0 * tt) ** 2
        audio[a:b] += 0.05 * envelope * np.sin(2 * np.pi * pitch.get(c.speaker, 200) * tt)
    return (np.clip(audio, -1, 1) * 32767).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())


def encode(s: Session, out: Path, rng: np.random.Generator) -> None:
    """Write ``out`` (.mp4 with video, or .m4a audio only) lasting ``s.duration`` seconds."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        write_wav(wav, speech_audio(s, rng))
        audio_args = ["-c:a", "aac", "-b:a", "16k", "-ac", "1"]
        if s.audio_only:
            cmd = [ffmpeg, "-y", "-hide_banner", "-loglevel", "error", "-i", str(wav), *audio_args,
                   *BITEXACT, str(out)]
            subprocess.run(cmd, check=True, capture_output=True)
            return
        cmd = [ffmpeg, "-y", "-hide_banner", "-loglevel", "error",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(FPS), "-i", "-",
               "-i", str(wav), "-map", "0:v", "-map", "1:a",
               "-c:v", "libx264", "-preset", "veryfast", "-crf", "32", "-g", str(FPS * 10),
               "-pix_fmt", "yuv420p", "-threads", "1",
               *audio_args, *BITEXACT, "-movflags", "+faststart", str(out)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        frames = round(s.duration * FPS)
        assert proc.stdin is not None
        for second in range(int(np.ceil(s.duration))):
            picture = draw_frame(s, second)
            for _ in range(min(FPS, frames - second * FPS)):
                proc.stdin.write(picture)
        proc.stdin.close()
        err = proc.stderr.read() if proc.stderr else b""
        if proc.wait() != 0:
            raise RuntimeError(f"ffmpeg failed writing {out}: {err.decode(errors='replace')}")
