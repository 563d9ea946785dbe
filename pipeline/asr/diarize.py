"""Two voices on one channel: who spoke when (mono recordings), and which voice is the agent.

The built-in diarizer needs no downloaded model: speech regions (VAD) are cut into short
windows, each described by the mean and spread of its log-mel spectrum (voice timbre and
pitch range), and clustered into two voices with scikit-learn. A stronger diarizer (pyannote,
say) plugs in as ``diarizer = "module:function"``: a function ``(samples, sample_rate) ->
[(start_s, end_s, speaker_label), ...]``.

Which voice is the agent is decided from what is said (greetings, offers of help, company
phrases), with the first speaker as the tie-breaker; the call's metadata can override it
(``agent_speaker``: ``A`` is the voice heard first, ``B`` the other).
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from faster_whisper.feature_extractor import FeatureExtractor
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from ..classify.normalize import normalize
from .audio import SAMPLE_RATE
from .transcribe import Region

WINDOW_S = 1.0
HOP_FRAMES_PER_S = 100  # log-mel frames per second (10 ms hop)
AGENT_PHRASES = (
    "u spreekt met",
    "je spreekt met",
    "spreekt u mee",
    "waarmee kan ik",
    "hoe kan ik u helpen",
    "kan ik u helpen",
    "wat kan ik voor u doen",
    "klantenservice",
    "bedankt voor het wachten",
    "bedankt voor uw geduld",
    "ik kijk het even na",
    "ik zoek het even op",
    "uw klantnummer",
    "je klantnummer",
    "kan ik nog ergens mee helpen",
    "nog een fijne dag",
    "how can i help",
    "how may i help",
    "youre speaking with",
    "you are speaking with",
    "thank you for calling",
    "thanks for calling",
    "thank you for holding",
    "let me check",
    "let me have a look",
    "your account number",
    "anything else i can help",
    "customer service",
)

Diarizer = Callable[[np.ndarray, int], Sequence[tuple[float, float, str]]]


@dataclass
class Voice:
    """Speech regions of one voice, labelled A (heard first) or B."""

    label: str
    regions: list[Region]


def builtin_diarizer(samples: np.ndarray, regions: Sequence[Region]) -> list[tuple[float, float, str]]:
    """Windows of speech clustered into two voices by timbre (cepstrum) and pitch.

    Loudness is left out on purpose (the first cepstral coefficient): one party is often louder.
    Windows shorter than a second take the voice of the nearest cluster centre; a window whose
    two neighbours agree with each other but not with it takes their voice.
    """
    windows: list[tuple[float, float]] = []
    for r in regions:
        cuts = [float(t) for t in np.arange(r.start, r.end, WINDOW_S)] + [r.end]
        if len(cuts) > 2 and cuts[-1] - cuts[-2] < 0.3:
            del cuts[-2]  # a sliver at the end joins the window before it
        windows += list(itertools.pairwise(cuts))
    if len(windows) < 2:
        return [(s, e, "0") for s, e in windows]
    mel = FeatureExtractor(feature_size=80)(samples, padding=0)  # (80, frames), log-mel
    cepstra = _dct_matrix(mel.shape[0])[1:14] @ mel  # timbre without overall loudness
    features = []
    for start, end in windows:
        first = int(start * HOP_FRAMES_PER_S)
        part = cepstra[:, first : max(int(end * HOP_FRAMES_PER_S), first + 1)]
        pitch = _pitch(samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)])
        features.append(np.concatenate([part.mean(axis=1), part.std(axis=1), [3 * pitch]]))
    x = StandardScaler().fit_transform(np.array(features))
    full = np.array([e - s >= 1.0 for s, e in windows])
    fit_on = x[full] if full.sum() >= 2 else x
    model = KMeans(n_clusters=2, n_init=10, random_state=0).fit(fit_on)
    labels = model.predict(x)
    for i in range(1, len(labels) - 1):
        if labels[i - 1] == labels[i + 1] != labels[i]:
            labels[i] = labels[i - 1]
    return [(s, e, str(label)) for (s, e), label in zip(windows, labels, strict=True)]


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)
    return np.cos(np.pi / n * (k[None, :] + 0.5) * k[:, None])


def _pitch(part: np.ndarray, frame: int = 640) -> float:
    """Median log fundamental frequency (50-400 Hz) over the voiced 40 ms frames; 0 when none."""
    if len(part) < frame:
        return 0.0
    frames = part[: len(part) // frame * frame].reshape(-1, frame).astype(np.float64)
    frames -= frames.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(frames, n=2 * frame)
    corr = np.fft.irfft(np.abs(spectrum) ** 2)[:, :frame]
    lo, hi = SAMPLE_RATE // 400, SAMPLE_RATE // 50
    energy = corr[:, :1] + 1e-9
    peak = corr[:, lo:hi].argmax(axis=1) + lo
    strength = corr[np.arange(len(corr)), peak] / energy[:, 0]
    voiced = strength > 0.3
    return float(np.median(np.log(SAMPLE_RATE / peak[voiced]))) if voiced.any() else 0.0


def load_diarizer(spec: str) -> Diarizer | None:
    """None for the built-in one; otherwise the user's ``module:function``."""
    if spec == "builtin":
        return None
    module, _, name = spec.partition(":")
    if not module or not name:
        raise ValueError(f"diarizer {spec!r}: must be 'builtin' or 'module:function'")
    function: Diarizer = getattr(importlib.import_module(module), name)
    return function


def voices(samples: np.ndarray, regions: Sequence[Region], diarizer: Diarizer | None) -> list[Voice]:
    """Speaker turns of a mono recording: consecutive windows of one voice joined, A heard first."""
    pieces = sorted(diarizer(samples, SAMPLE_RATE) if diarizer else builtin_diarizer(samples, regions))
    order: dict[str, str] = {}
    by_voice: dict[str, list[Region]] = {}
    previous = None
    for start, end, raw in pieces:
        label = order.setdefault(raw, "AB"[len(order)] if len(order) < 2 else "B")
        spans = by_voice.setdefault(label, [])
        if spans and spans[-1].end >= start - 0.05 and previous == raw:
            spans[-1].end = max(spans[-1].end, end)
        else:
            spans.append(Region(start, end))
        previous = raw
    return [Voice(label, spans) for label, spans in sorted(by_voice.items())]


def agent_score(text: str, extra_phrases: Sequence[str] = ()) -> int:
    """How much a voice's words sound like a contact-centre agent."""
    norm = f" {normalize(text)} "
    return sum(norm.count(f" {normalize(p)} ") for p in (*AGENT_PHRASES, *extra_phrases) if normalize(p))


def pick_agent(texts: dict[str, str], extra_phrases: Sequence[str] = ()) -> tuple[str, str]:
    """The voice label that is the agent, and how that was decided."""
    scores = {label: agent_score(text, extra_phrases) for label, text in texts.items()}
    best = max(scores.values(), default=0)
    leaders = [label for label, score in scores.items() if score == best]
    if best > 0 and len(leaders) == 1:
        return leaders[0], "diarization+text"
    return "A", "diarization+first-speaker"
