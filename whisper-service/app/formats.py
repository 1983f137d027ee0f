"""Renderings of a Transcription: native JSON and OpenAI's json/text/srt/vtt/verbose_json."""

from __future__ import annotations

from typing import Any

from .languages import language_name
from .schemas import Granularity, SegmentOut, TranscriptionOut, WordOut
from .transcriber import Segment, Transcription


def _timestamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _cue_text(segment: Segment) -> str:
    # A blank line would end the cue early; "-->" would start a new one.
    lines = [line.strip() for line in segment.text.strip().splitlines()]
    return "\n".join(line for line in lines if line).replace("-->", "->")


def to_srt(result: Transcription) -> str:
    blocks = []
    for number, seg in enumerate(result.segments, start=1):
        start, end = _timestamp(seg.start, ","), _timestamp(seg.end, ",")
        blocks.append(f"{number}\n{start} --> {end}\n{_cue_text(seg)}\n")
    return "\n".join(blocks)


def to_vtt(result: Transcription) -> str:
    blocks = ["WEBVTT\n"]
    for seg in result.segments:
        start, end = _timestamp(seg.start, "."), _timestamp(seg.end, ".")
        blocks.append(f"{start} --> {end}\n{_cue_text(seg)}\n")
    return "\n".join(blocks)


def to_text(result: Transcription) -> str:
    return result.text + "\n"


def _usage(result: Transcription) -> dict[str, Any]:
    return {"type": "duration", "seconds": round(result.duration, 3)}


def to_openai_json(result: Transcription) -> dict[str, Any]:
    return {"text": result.text, "usage": _usage(result)}


def to_verbose_json(result: Transcription, granularities: list[Granularity]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "task": "transcribe",
        "language": language_name(result.language),
        "duration": round(result.duration, 3),
        "text": result.text,
    }
    if not granularities or "segment" in granularities:
        body["segments"] = [
            {
                "id": s.id,
                "seek": s.seek,
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "tokens": s.tokens,
                "temperature": s.temperature,
                "avg_logprob": s.avg_logprob,
                "compression_ratio": s.compression_ratio,
                "no_speech_prob": s.no_speech_prob,
            }
            for s in result.segments
        ]
    if "word" in granularities:
        body["words"] = [
            {"word": w.word.strip(), "start": w.start, "end": w.end}
            for s in result.segments
            for w in s.words or []
        ]
    body["usage"] = _usage(result)
    return body


def to_native(result: Transcription, word_timestamps: bool) -> TranscriptionOut:
    return TranscriptionOut(
        text=result.text,
        language=result.language,
        language_probability=round(result.language_probability, 4),
        duration_seconds=round(result.duration, 3),
        segments=[
            SegmentOut(
                id=s.id,
                start=s.start,
                end=s.end,
                text=s.text.strip(),
                avg_logprob=s.avg_logprob,
                words=(
                    [
                        WordOut(word=w.word, start=w.start, end=w.end, probability=w.probability)
                        for w in s.words or []
                    ]
                    if word_timestamps
                    else None
                ),
            )
            for s in result.segments
        ],
    )
