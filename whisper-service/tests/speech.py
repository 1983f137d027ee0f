"""Known speech for the tests: espeak-ng sentences rendered to WAV, then MP3/OGG by ffmpeg."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

SENTENCES = (
    "Good morning everyone.",
    "Thank you for joining the meeting today.",
    "This video shows a calm flame that moves with the music.",
    "Please take a deep breath and relax your shoulders.",
)
REFERENCE = " ".join(SENTENCES)
ESPEAK_SPEED = 150  # words per minute

FFMPEG_CODECS = {
    "mp3": ["-codec:a", "libmp3lame", "-b:a", "64k"],
    "ogg": ["-codec:a", "libvorbis", "-q:a", "4"],
}


def tools_missing() -> str | None:
    for tool in ("espeak-ng", "ffmpeg"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install espeak-ng ffmpeg)"
    return None


def synthesize(text: str, wav: Path, speed: int = ESPEAK_SPEED) -> Path:
    subprocess.run(["espeak-ng", "-s", str(speed), "-w", str(wav), text], check=True)
    return wav


def convert(wav: Path, fmt: str) -> Path:
    out = wav.with_suffix(f".{fmt}")
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), *FFMPEG_CODECS[fmt], str(out)],
        check=True,
    )
    return out


def normalize(text: str) -> str:
    """Lower case, punctuation dropped, whitespace collapsed: what WER is measured on."""
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower()).split())
