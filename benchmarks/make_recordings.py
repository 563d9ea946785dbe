"""Small, realistic call recordings for tests, samples and the transcription benchmark.

Two synthetic voices (espeak-ng: a high female agent, a low male customer) read short Dutch and
English customer-service dialogues. Each party goes on its own channel (stereo, as most contact-centre
recorders store calls) or both are mixed (mono). The true timeline of every turn is returned and can
be written beside the recording in a JSON sidecar, so tests can compare what the pipeline finds with
what was said and when.

Importable (``from benchmarks.make_recordings import render_call, write_audio, ...``) and a command
line::

    python benchmarks/make_recordings.py OUT_DIR [--calls 6] [--lang mix] [--layout mix] [--seed 0]
    python benchmarks/make_recordings.py OUT_DIR --calls 20 --minutes 5 --formats pcm_s16le mp3:44100

Needs Debian's ``espeak-ng`` (``apt-get install espeak-ng``) and PyAV (a dependency of faster-whisper).
Everything is deterministic for a seed: the same command writes the same files.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import logging
import shutil
import subprocess
import sys
import time
import wave
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import av
import numpy as np

log = logging.getLogger(__name__)

LANGS = ("nl", "en")
SPEAKERS = ("agent", "customer")
LAYOUTS = ("stereo", "mono")
CHANNELS = ("left", "right")
INSTALL_HINT = "install Debian's espeak-ng (apt-get install espeak-ng)"


def _check(name: str, value: object, allowed: tuple[Any, ...], what: str = "") -> None:
    if value not in allowed:
        prefix = f"{what} {name}" if what else name
        raise ValueError(f"{prefix}: {value!r} is not one of {', '.join(map(str, allowed))}")


def _layout_name(channels: int) -> str:
    return {1: "mono", 2: "stereo"}[channels]


# --------------------------------------------------------------------------------------------
# Voices
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voice:
    """How espeak-ng speaks for one party."""

    variant: str
    """espeak-ng voice variant appended to the language (``nl+f3``)."""
    pitch: int
    """``-p``: 0..99; the agent's median F0 is about 250 Hz, the customer's about 85 Hz."""
    speed: int
    """``-s``: words per minute."""
    peak: float
    """Peak level of every utterance (linear, full scale 1.0)."""


# Far apart in pitch, speed and level so a spectral-feature clustering diarizer separates them
# (2-means on 1 s MFCC means splits them perfectly); not so far apart that either sounds broken.
VOICES = {
    "agent": Voice(variant="f3", pitch=75, speed=175, peak=0.5),
    "customer": Voice(variant="m3", pitch=20, speed=150, peak=0.4),
}


def ensure_espeak() -> str:
    """Return the path of the espeak-ng executable, or raise RuntimeError saying how to install it."""
    path = shutil.which("espeak-ng")
    if path is None:
        raise RuntimeError(f"espeak-ng not found on PATH: {INSTALL_HINT}")
    return path


def speak(text: str, lang: str = "nl", voice: str = "agent", sample_rate: int = 16000) -> np.ndarray:
    """Synthesise ``text`` with espeak-ng: float32 mono samples in [-1, 1] at ``sample_rate``.

    Leading and trailing silence is trimmed, so the clip's first and last samples are the true
    start and end of speech. Results are cached (a copy is returned each time).
    """
    _check("lang", lang, LANGS)
    _check("voice", voice, SPEAKERS)
    if not text.strip():
        raise ValueError("text: must not be empty")
    if sample_rate <= 0:
        raise ValueError(f"sample_rate: must be positive (got {sample_rate!r})")
    return _speak_cached(text, lang, voice, sample_rate).copy()


@functools.lru_cache(maxsize=4096)
def _speak_cached(text: str, lang: str, voice: str, sample_rate: int) -> np.ndarray:
    spec = VOICES[voice]
    cmd = [ensure_espeak(), "-b", "1", "-v", f"{lang}+{spec.variant}", "-p", str(spec.pitch), "-s", str(spec.speed)]
    # Text on stdin (never as an argument) so a line starting with "-" cannot become an option.
    proc = subprocess.run([*cmd, "--stdout"], input=text.encode("utf-8"), capture_output=True, check=False)
    if proc.returncode != 0 or not proc.stdout:
        raise RuntimeError(
            f"espeak-ng failed (exit {proc.returncode}) on {text!r}: {proc.stderr.decode(errors='replace')}"
        )
    samples, rate = _parse_wav(proc.stdout)
    samples = _trim(samples, rate)
    samples = resample(samples[None, :], rate, sample_rate)[0]
    peak = float(np.max(np.abs(samples))) or 1.0
    out = (samples * (spec.peak / peak)).astype(np.float32)
    out.setflags(write=False)
    return out


def _parse_wav(data: bytes) -> tuple[np.ndarray, int]:
    # espeak-ng streams its WAV to stdout, so the header announces 2**31 frames; wave reads what is there.
    with wave.open(io.BytesIO(data)) as wav:
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise RuntimeError(f"espeak-ng wrote {wav.getnchannels()} channel(s) of {wav.getsampwidth() * 8}-bit audio")
        rate = wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    raw = raw[: len(raw) - len(raw) % 2]
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0, rate


def _trim(samples: np.ndarray, rate: int, floor_db: float = -40.0, pad_s: float = 0.01) -> np.ndarray:
    """Cut the silence espeak-ng puts around an utterance (5 ms frames quieter than the floor)."""
    hop = max(1, int(rate * 0.005))
    n = len(samples) // hop
    if n == 0:
        return samples
    frames = samples[: n * hop].reshape(n, hop)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    loud = np.flatnonzero(rms > rms.max() * 10 ** (floor_db / 20))
    pad = int(rate * pad_s)
    return samples[max(0, loud[0] * hop - pad) : min(len(samples), (loud[-1] + 1) * hop + pad)]


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample float32 audio of shape (channels, n) with FFmpeg's swresample (PyAV)."""
    audio = np.ascontiguousarray(audio, dtype=np.float32)
    if from_rate == to_rate:
        return audio
    layout = _layout_name(audio.shape[0])
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=to_rate)
    frame = av.AudioFrame.from_ndarray(audio, format="fltp", layout=layout)
    frame.rate = from_rate
    frames = [*resampler.resample(frame), *resampler.resample(None)]
    out = np.concatenate([f.to_ndarray() for f in frames], axis=1) if frames else np.zeros((audio.shape[0], 0))
    # swresample may be a sample or two off the exact ratio; make lengths exact for timelines.
    want = round(audio.shape[1] * to_rate / from_rate)
    if out.shape[1] < want:
        out = np.pad(out, ((0, 0), (0, want - out.shape[1])))
    return np.ascontiguousarray(out[:, :want], dtype=np.float32)


# --------------------------------------------------------------------------------------------
# Dialogues
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    speaker: str
    """``agent`` or ``customer``."""
    text: str


@dataclass(frozen=True)
class CallScript:
    """One customer-service dialogue and the routing metadata a recorder would store with it."""

    name: str
    lang: str
    team: str
    queue: str
    turns: tuple[Turn, ...]
    sector: str = ""

    def __post_init__(self) -> None:
        _check("lang", self.lang, LANGS)
        for turn in self.turns:
            _check("speaker", turn.speaker, SPEAKERS)


def _script(meta: tuple[str, str, str, str, str], *lines: str) -> CallScript:
    """``meta`` is (name, lang, sector, team, queue); lines alternate agent, customer, agent, ..."""
    name, lang, sector, team, queue = meta
    turns = tuple(Turn(SPEAKERS[i % 2], text) for i, text in enumerate(lines))
    return CallScript(name=name, lang=lang, team=team, queue=queue, turns=turns, sector=sector)


# Written for this project. Customers range from calm to worried, frustrated and abusive; agents
# answer with empathy, a solution, or a boundary, which is what the product measures.
SCRIPTS: tuple[CallScript, ...] = (
    _script(
        ("nl-energy-bill", "nl", "energy", "billing", "nl-billing"),
        "Goedemiddag, u spreekt met Sanne van Stroomlijn Energie. Waarmee kan ik u helpen?",
        "Mijn termijnbedrag is ineens verdubbeld en niemand heeft mij iets laten weten.",
        "Dat is schrikken, dat begrijp ik goed. Ik kijk direct even met u mee.",
        "Graag, want zo kan ik het echt niet betalen.",
        "Ik zie dat uw meterstand verkeerd is ingelezen. Ik zet het bedrag terug naar vijfenzeventig euro per maand.",
        "Gelukkig. Dank u wel.",
        "Graag gedaan. U krijgt vandaag nog een bevestiging per mail.",
    ),
    _script(
        ("nl-mobile-blocked", "nl", "telecom", "mobile", "nl-mobile"),
        "Goedemorgen, met Daan van Belnet. Wat kan ik voor u doen?",
        "Jullie hebben mijn nummer geblokkeerd, stelletje oplichters!",
        "Ik hoor dat u boos bent en ik wil u helpen, maar ik vraag u mij niet uit te schelden.",
        "Ja, sorry. Maar ik moet wel bereikbaar zijn voor mijn werk.",
        "Dat begrijp ik. Er staat nog een factuur open. Als u die nu betaalt, werkt uw nummer binnen een uur weer.",
        "Goed, dan doe ik dat meteen.",
    ),
    _script(
        ("nl-parcel-late", "nl", "delivery", "logistics", "nl-delivery"),
        "Goedendag, klantenservice van Pakketpunt, u spreekt met Lotte.",
        "Hallo, ik wacht op een pakket en de status staat al twee dagen stil.",
        "Mag ik het ordernummer van u?",
        "Dat is vier acht twee zeven negen.",
        "Dank u. Het pakket ligt in ons sorteercentrum en wordt morgen tussen tien en twee bezorgd.",
        "Prima, dan ben ik thuis. Bedankt.",
    ),
    _script(
        ("nl-health-claim", "nl", "health insurance", "claims", "nl-claims"),
        "Goedemiddag, Zorgzaam Verzekeringen, met Mark.",
        "Ik heb een rekening van het ziekenhuis gekregen van bijna tweeduizend euro en ik slaap er niet meer van.",
        "Wat naar dat u zich daar zo'n zorgen over maakt. Laten we samen kijken wat er vergoed wordt.",
        "Dank u, ik weet echt niet waar ik moet beginnen.",
        "Dit valt onder uw basisverzekering. U betaalt alleen uw eigen risico, de rest regelen wij met het ziekenhuis.",
        "Wat een opluchting.",
        "Ik stuur u een overzicht, zodat u het rustig kunt nalezen.",
    ),
    _script(
        ("nl-be-internet-outage", "nl", "internet", "support", "be-internet"),
        "Dag, je spreekt met Jana van Netlink. Wat kan ik voor je doen?",
        "Mijn internet valt al een week elke avond uit. Ik word er zot van.",
        "Amai, een week al, dat is echt vervelend. Ik doe meteen een test op je lijn.",
        "Ik heb de modem al drie keer herstart, hoor.",
        "Ik zie storingen op je lijn. Ik plan een technieker in voor donderdagvoormiddag.",
        "Oké, dat past. Merci.",
    ),
    _script(
        ("nl-train-fine", "nl", "public transport", "travel", "nl-travel"),
        "Goedemorgen, klantenservice van Spoorlijn, met Ahmed.",
        "Ik heb een boete gekregen terwijl de kaartautomaat kapot was.",
        "Dat is zuur, zeker als u gewoon wilde betalen. Heeft u een foto of een storingsmelding?",
        "Ja, ik heb een foto van het scherm gemaakt.",
        "Dan kunt u bezwaar maken met het formulier op onze site. Met die foto wordt de boete meestal kwijtgescholden.",
        "Oké, dat ga ik vanavond doen.",
    ),
    _script(
        ("nl-municipal-waste", "nl", "municipality", "public services", "nl-gemeente"),
        "Gemeente Lindendal, goedemiddag, u spreekt met Eva.",
        "Goedemiddag, mijn grijze container is vanochtend niet geleegd.",
        "Vervelend. Ik heb een melding gemaakt, de container wordt morgen alsnog opgehaald.",
        "Fijn, dank u.",
    ),
    _script(
        ("nl-bank-fraud", "nl", "banking", "payments", "nl-payments"),
        "Goedemiddag, Rijnbank, met Thomas. Waarmee kan ik u helpen?",
        "Er is driehonderd euro van mijn rekening verdwenen en jullie doen helemaal niets!",
        "Dat is heel schrikken. Ik blokkeer nu eerst uw pas, zodat er niets meer af kan.",
        "Dat had gisteren al moeten gebeuren, waardeloze bank!",
        "Ik begrijp dat u boos bent, maar ik wil wel op een normale toon praten. Ik zet nu een terugboeking in gang.",
        "Goed. Hoe lang duurt dat?",
        "Binnen vijf werkdagen staat het geld weer op uw rekening.",
    ),
    _script(
        ("en-energy-meter", "en", "energy", "billing", "en-billing"),
        "Good morning, you're speaking with Grace at Brightgrid Energy. How can I help?",
        "My monthly payment went up to two hundred euros without any warning.",
        "I'm sorry, that must have been a nasty surprise. Let me look at your account.",
        "Please do, because I can't afford that.",
        "Your last meter reading was estimated too high. I've corrected it and your payment goes back to ninety euros.",
        "Thank you, that's a relief.",
    ),
    _script(
        ("en-airline-baggage", "en", "airline", "baggage", "en-baggage"),
        "Hello, Skyway baggage services, this is Priya speaking.",
        "My suitcase didn't arrive and my medication is in it. I'm really worried.",
        "I understand, that's stressful. Let's find it right away. Do you have your baggage tag number?",
        "Yes, it's K L four five six seven eight.",
        "Your bag is at the airport and will reach your hotel tonight. We'll also pay for a replacement prescription.",
        "Oh, thank you so much.",
    ),
    _script(
        ("en-broadband-abuse", "en", "internet", "support", "en-support"),
        "Good afternoon, Fibrenet support, James speaking.",
        "This is the fourth time I'm calling. You people are completely useless!",
        "I can hear how fed up you are. I do want to help, but please don't speak to me like that.",
        "Fine. The connection still drops every evening.",
        "I can see errors on your line. An engineer will come on Thursday morning and I've credited this month's fee.",
        "Okay. Thursday works.",
    ),
    _script(
        ("en-car-claim", "en", "insurance", "claims", "en-claims"),
        "Good morning, Harbour Insurance claims, this is Tom.",
        "Hi, someone reversed into my car in a car park and I'd like to make a claim.",
        "Of course. Do you have the other driver's details?",
        "Yes, I have their name and registration number.",
        "Great. I've opened the claim and you'll get an email with a link to upload photos of the damage.",
        "Perfect, thanks.",
    ),
    _script(
        ("en-webshop-refund", "en", "retail", "orders", "en-orders"),
        "Hi, thanks for calling Northwind Shop, this is Mia.",
        "I returned a jacket three weeks ago and I still haven't got my money back.",
        "Three weeks is far too long, I'm sorry about that. Let me check where it is.",
        "I just want the refund, honestly.",
        "The return arrived but wasn't processed. I've issued the refund now, you'll see it within two working days.",
    ),
    _script(
        ("en-bank-card-abroad", "en", "banking", "cards", "en-cards"),
        "Good evening, Meridian Bank card services, this is Leo.",
        "I'm abroad and my card has been declined everywhere. I can't even pay for my hotel.",
        "That's a horrible position to be in. I'll sort this out for you now.",
        "Please, I'm standing at the reception desk.",
        "The card was blocked by our fraud check. I've unblocked it, so you can try again straight away.",
        "It worked. Thank you.",
        "You're welcome. Have a safe trip.",
    ),
    _script(
        ("en-housing-heating", "en", "housing", "repairs", "en-repairs"),
        "Hello, Greenfield Housing repairs, Sarah speaking.",
        "My heating has been broken for five days and I have a baby at home.",
        "Five days with a baby in the cold, I'm so sorry. I'm marking this as urgent.",
        "Someone promised to come on Monday and nobody showed up.",
        "That shouldn't have happened. An engineer will come tomorrow morning, and we'll drop off two heaters today.",
        "Thank you. Finally.",
    ),
)

# Neutral customer/agent exchanges used to lengthen a call for benchmarks (see ``fit_script``).
FILLERS: dict[str, tuple[tuple[str, str], ...]] = {
    "nl": (
        ("Kunt u ook zien wanneer de volgende factuur komt?", "Ja, die staat gepland voor de eerste van de maand."),
        ("Is mijn e-mailadres nog goed bij jullie?", "Ik zie een adres op uw naam. Ik lees het even voor."),
        ("Moet ik nog iets opsturen?", "Nee, dat is niet nodig. Ik heb alles wat ik nodig heb."),
        ("Hoe kan ik dit de volgende keer zelf regelen?", "Dat kan in de app, onder het kopje mijn gegevens."),
        ("Krijg ik daar nog een bevestiging van?", "Zeker, u ontvangt binnen een uur een e-mail."),
        ("Ik wil ook nog mijn telefoonnummer wijzigen.", "Dat doe ik meteen voor u. Wat is het nieuwe nummer?"),
        ("Het is nul zes, twaalf, vierendertig, zesenvijftig, achtenzeventig.", "Dank u, ik heb het aangepast."),
        ("Zijn er nog kosten aan verbonden?", "Nee, hier zijn geen kosten aan verbonden."),
    ),
    "en": (
        ("Can you also tell me when the next bill is due?", "Yes, it's scheduled for the first of the month."),
        ("Do you still have the right email address for me?", "I have one on file. Let me read it back to check."),
        ("Do I need to send you anything?", "No, there's no need. I have everything I need."),
        ("How can I do this myself next time?", "You can do it in the app, under my details."),
        ("Will I get a confirmation?", "Yes, you'll receive an email within the hour."),
        ("I'd also like to change my phone number.", "I can do that now. What's the new number?"),
        ("It's oh seven nine, one two three, four five six.", "Thank you, that's updated."),
        ("Is there a charge for that?", "No, there's no charge for that."),
    ),
}


def scripts(lang: str | None = None) -> tuple[CallScript, ...]:
    """The built-in dialogues, all of them or those of one language."""
    if lang is not None:
        _check("lang", lang, LANGS)
    return tuple(s for s in SCRIPTS if lang is None or s.lang == lang)


# --------------------------------------------------------------------------------------------
# Rendering a call
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallLayout:
    """Where each turn lands: sample offsets and the total length, before any audio is mixed."""

    starts: tuple[int, ...]
    lengths: tuple[int, ...]
    total: int


def _as_turns(turns: CallScript | Sequence[Turn | tuple[str, str]]) -> tuple[Turn, ...]:
    items = turns.turns if isinstance(turns, CallScript) else turns
    out = tuple(t if isinstance(t, Turn) else Turn(*t) for t in items)
    for turn in out:
        _check("speaker", turn.speaker, SPEAKERS)
    if not out:
        raise ValueError("turns: a call needs at least one turn")
    return out


def _overlap_set(overlap_at: int | Iterable[int] | None, turns: tuple[Turn, ...]) -> frozenset[int]:
    if overlap_at is None:
        return frozenset()
    indices = frozenset([overlap_at] if isinstance(overlap_at, int) else overlap_at)
    for i in sorted(indices):
        if not 1 <= i < len(turns):
            raise ValueError(f"overlap_at: turn {i} has no previous turn to interrupt (allowed: 1..{len(turns) - 1})")
        if turns[i].speaker == turns[i - 1].speaker:
            raise ValueError(
                f"overlap_at: turns {i - 1} and {i} are both {turns[i].speaker}; only the other party can interrupt"
            )
    return indices


def _place(
    lengths: Sequence[int],
    sample_rate: int,
    gap_s: float,
    overlaps: frozenset[int],
    overlap_s: float,
    lead_s: float,
    tail_s: float,
) -> CallLayout:
    gap, overlap = round(gap_s * sample_rate), round(overlap_s * sample_rate)
    starts: list[int] = []
    cursor = round(lead_s * sample_rate)
    for i, length in enumerate(lengths):
        if i in overlaps:
            prev_start, prev_len = starts[-1], lengths[i - 1]
            # Interrupt before the previous turn ends, but never before it has said most of its piece.
            start = prev_start + prev_len - min(overlap, int(prev_len * 0.8))
        else:
            start = cursor
        starts.append(start)
        cursor = max(cursor, start + length + gap)
    end = max(s + n for s, n in zip(starts, lengths, strict=True))
    return CallLayout(tuple(starts), tuple(lengths), end + round(tail_s * sample_rate))


def render_call(
    turns: CallScript | Sequence[Turn | tuple[str, str]],
    lang: str | None = None,
    layout: str = "stereo",
    agent_channel: str = "left",
    gap_s: float = 0.4,
    overlap_at: int | Iterable[int] | None = None,
    sample_rate: int = 16000,
    *,
    overlap_s: float = 0.6,
    lead_s: float = 0.5,
    tail_s: float = 0.5,
    duration_s: float | None = None,
    noise_dbfs: float | None = -70.0,
    seed: int = 0,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Speak a dialogue and mix it into a call: ``(audio, timeline)``.

    ``audio`` is float32 of shape (2, n) for ``layout="stereo"`` (the agent on ``agent_channel``, the
    customer on the other) or (1, n) for ``"mono"`` (both mixed). ``timeline`` lists every turn as
    ``{"speaker", "start", "end", "text"}`` with the true times in seconds (to the millisecond).

    ``gap_s`` is the pause between turns; the turns named by ``overlap_at`` (indices) start
    ``overlap_s`` before the previous turn ends, an interruption. ``lead_s``/``tail_s`` add silence
    before the first and after the last word; ``duration_s`` pads the end with silence to exactly
    that length (ValueError if the speech is longer). ``noise_dbfs`` adds a faint, seeded noise floor
    on every channel, as a real line has (None: digital silence between turns).
    """
    items = _as_turns(turns)
    if lang is None:
        if not isinstance(turns, CallScript):
            raise ValueError("lang: required unless turns is a CallScript (allowed: nl, en)")
        lang = turns.lang
    _check("lang", lang, LANGS)
    _check("layout", layout, LAYOUTS)
    _check("agent_channel", agent_channel, CHANNELS)
    if sample_rate <= 0:
        raise ValueError(f"sample_rate: must be positive (got {sample_rate!r})")
    for name, value in (("gap_s", gap_s), ("overlap_s", overlap_s), ("lead_s", lead_s), ("tail_s", tail_s)):
        if value < 0:
            raise ValueError(f"{name}: must not be negative (got {value!r})")
    overlaps = _overlap_set(overlap_at, items)

    clips = _speak_all(items, lang, sample_rate)
    placed = _place([len(c) for c in clips], sample_rate, gap_s, overlaps, overlap_s, lead_s, tail_s)
    total = placed.total
    if duration_s is not None:
        want = round(duration_s * sample_rate)
        if want < total:
            raise ValueError(f"duration_s: the call needs {total / sample_rate:.2f} s, more than {duration_s} s")
        total = want

    agent_row = 0 if agent_channel == "left" else 1
    audio = np.zeros((2, total), dtype=np.float32)
    timeline = []
    for turn, clip, start in zip(items, clips, placed.starts, strict=True):
        row = agent_row if turn.speaker == "agent" else 1 - agent_row
        audio[row, start : start + len(clip)] += clip
        timeline.append(
            {
                "speaker": turn.speaker,
                "start": round(start / sample_rate, 3),
                "end": round((start + len(clip)) / sample_rate, 3),
                "text": turn.text,
            }
        )
    if layout == "mono":
        audio = audio.sum(axis=0, keepdims=True)
    if noise_dbfs is not None:
        rng = np.random.default_rng(seed)
        audio += (rng.standard_normal(audio.shape) * 10 ** (noise_dbfs / 20)).astype(np.float32)
    np.clip(audio, -1.0, 1.0, out=audio)
    return audio, timeline


def _speak_all(turns: Sequence[Turn], lang: str, sample_rate: int) -> list[np.ndarray]:
    # espeak-ng is single-threaded and starts fast; a few processes at once keep a call well under 1 s.
    todo = sorted({(t.text, t.speaker) for t in turns})
    with ThreadPoolExecutor(max_workers=8) as pool:
        done = dict(zip(todo, pool.map(lambda k: _speak_cached(k[0], lang, k[1], sample_rate), todo), strict=True))
    return [done[(t.text, t.speaker)] for t in turns]


def fit_script(
    script: CallScript,
    seconds: float,
    *,
    gap_s: float = 0.4,
    lead_s: float = 0.5,
    tail_s: float = 0.5,
    sample_rate: int = 16000,
) -> CallScript:
    """The script lengthened (or shortened) to the most turns that still fit in ``seconds``.

    Longer calls get neutral question/answer exchanges (``FILLERS``) inserted before the closing
    turns, cycling through them as often as needed; a call that is already too long loses turns from
    the end. Render the result with ``duration_s=seconds`` to pad it to exactly that length.
    """

    def length(turns: Sequence[Turn]) -> float:
        clips = _speak_all(turns, script.lang, sample_rate)
        return _place([len(c) for c in clips], sample_rate, gap_s, frozenset(), 0.0, lead_s, tail_s).total / sample_rate

    turns = list(script.turns)
    while len(turns) > 1 and length(turns) > seconds:
        turns.pop()
    if length(turns) > seconds:
        raise ValueError(f"seconds: even one turn of {script.name!r} is longer than {seconds} s")
    # Insert after the last agent turn that a customer turn follows, keeping the parties alternating.
    at = next(
        (k for k in range(len(turns) - 1, 0, -1) if turns[k - 1].speaker == "agent" and turns[k].speaker == "customer"),
        len(turns),
    )
    fillers = FILLERS[script.lang]
    i = 0
    while True:
        question, answer = fillers[i % len(fillers)]
        candidate = [*turns[:at], Turn("customer", question), Turn("agent", answer), *turns[at:]]
        if length(candidate) > seconds:
            break
        turns, at, i = candidate, at + 2, i + 1
    return replace(script, turns=tuple(turns))


# --------------------------------------------------------------------------------------------
# Writing files
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Codec:
    """How one kind of file is written with PyAV."""

    encoder: str
    container: str
    suffixes: tuple[str, ...]
    rates: tuple[int, ...] | None = None
    """Sample rates the encoder takes; None: any. Other rates are resampled to the nearest higher one."""
    bit_rate: int | None = None
    """Per channel, lossy codecs only."""


MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
CODECS: dict[str, Codec] = {
    "pcm_s16le": Codec("pcm_s16le", "wav", (".wav",)),
    "pcm_s24le": Codec("pcm_s24le", "wav", (".wav",)),
    "pcm_s32le": Codec("pcm_s32le", "wav", (".wav",)),
    "pcm_u8": Codec("pcm_u8", "wav", (".wav",)),
    # G.711 is telephony: always 8 kHz.
    "pcm_mulaw": Codec("pcm_mulaw", "wav", (".wav",), rates=(8000,)),
    "pcm_alaw": Codec("pcm_alaw", "wav", (".wav",), rates=(8000,)),
    "mp3": Codec("libmp3lame", "mp3", (".mp3",), rates=MP3_RATES, bit_rate=64000),
    # At 48 kbit/s per channel (96 kbit/s stereo) Opus keeps the channels apart; low-bitrate joint
    # stereo leaks about -26 dB of one party into the other's channel.
    "opus": Codec("libopus", "ogg", (".ogg", ".opus"), rates=(8000, 12000, 16000, 24000, 48000), bit_rate=48000),
    "flac": Codec("flac", "flac", (".flac",)),
    "aac": Codec("aac", "ipod", (".m4a",), bit_rate=64000),
}
DEFAULT_CODEC = {".wav": "pcm_s16le", ".mp3": "mp3", ".ogg": "opus", ".opus": "opus", ".flac": "flac", ".m4a": "aac"}


@dataclass(frozen=True)
class AudioFile:
    """A recording as written: the rate and length are those in the file (after any resampling)."""

    path: Path
    codec: str
    sample_rate: int
    channels: int
    duration_s: float


def write_audio(audio: np.ndarray, sample_rate: int, path: str | Path, codec: str | None = None) -> AudioFile:
    """Encode float audio of shape (channels, n) or (n,) into ``path`` with PyAV.

    ``codec`` is a key of ``CODECS`` (pcm_s16le, pcm_s24le, pcm_s32le, pcm_u8, pcm_mulaw, pcm_alaw,
    mp3, opus, flac, aac); None picks it from the suffix (.wav 16-bit PCM, .mp3, .ogg/.opus, .flac,
    .m4a). Audio is resampled when the codec cannot store ``sample_rate`` (G.711 always 8 kHz, Opus
    44.1 kHz as 48 kHz). The file is written whole or not at all.
    """
    path = Path(path)
    if codec is None:
        _check("suffix", path.suffix.lower(), tuple(DEFAULT_CODEC), what=f"{path}: cannot pick a codec from the")
        codec = DEFAULT_CODEC[path.suffix.lower()]
    _check("codec", codec, tuple(CODECS))
    spec = CODECS[codec]
    if path.suffix.lower() not in spec.suffixes:
        allowed = ", ".join(spec.suffixes)
        raise ValueError(f"{path}: suffix {path.suffix!r} does not fit codec {codec} (allowed: {allowed})")
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[None, :]
    if audio.ndim != 2 or audio.shape[0] not in (1, 2):
        raise ValueError(f"audio: must have shape (n,), (1, n) or (2, n) (got {audio.shape})")
    rate = _codec_rate(spec, sample_rate)
    audio = np.clip(resample(audio, sample_rate, rate), -1.0, 1.0)
    channels, n = audio.shape
    layout = _layout_name(channels)

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        # bitexact: no random Ogg serial number, no encoder version tag; the same call, the same bytes.
        with av.open(str(tmp), "w", format=spec.container, options={"fflags": "+bitexact"}) as container:
            stream = container.add_stream(spec.encoder, rate=rate, layout=layout)
            assert isinstance(stream, av.audio.stream.AudioStream)  # for type checkers: an audio encoder
            if spec.bit_rate:
                stream.bit_rate = spec.bit_rate * channels
            chunk = rate  # one second per frame; PyAV re-buffers to the encoder's frame size
            for offset in range(0, n, chunk):
                frame = av.AudioFrame.from_ndarray(
                    np.ascontiguousarray(audio[:, offset : offset + chunk]), format="fltp", layout=layout
                )
                frame.rate, frame.pts = rate, offset
                container.mux(stream.encode(frame))
            container.mux(stream.encode(None))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    log.debug("wrote %s (%s, %d Hz, %d ch, %.2f s)", path, codec, rate, channels, n / rate)
    return AudioFile(path=path, codec=codec, sample_rate=rate, channels=channels, duration_s=n / rate)


def _codec_rate(spec: Codec, rate: int) -> int:
    if spec.rates is None or rate in spec.rates:
        return rate
    return min((r for r in spec.rates if r >= rate), default=max(spec.rates))


def sidecar_path(recording: str | Path) -> Path:
    """Where a recording's metadata lives: ``call.wav`` -> ``call.wav.meta.json`` in the same folder.

    The product reads this sidecar (``pipeline.asr.metadata``); ``.meta.json`` files are never
    taken for transcripts.
    """
    path = Path(recording)
    return path.with_name(path.name + ".meta.json")


def write_sidecar(path: str | Path, metadata: dict[str, Any]) -> Path:
    """Write ``metadata`` as the JSON sidecar of the recording at ``path``; return the sidecar's path.

    The generator writes ``call_id``, ``agent_id``, ``team``, ``queue``, ``started_at``,
    ``agent_channel`` (None for mono), ``language`` and, for tests, the true timeline under
    ``expected_turns``; any other keys are kept.
    """
    if not metadata.get("call_id"):
        raise ValueError(f"{path}: metadata field 'call_id' is required")
    out = sidecar_path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out


# --------------------------------------------------------------------------------------------
# Special files for quarantine and guard tests
# --------------------------------------------------------------------------------------------


def write_empty(path: str | Path) -> Path:
    """A 0-byte file (a recorder that crashed before writing anything)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def write_silence(
    path: str | Path, seconds: float = 5.0, layout: str = "stereo", sample_rate: int = 16000, codec: str | None = None
) -> AudioFile:
    """Digital silence of ``seconds`` (a line that connected but nobody spoke)."""
    _check("layout", layout, LAYOUTS)
    audio = np.zeros((2 if layout == "stereo" else 1, round(seconds * sample_rate)), dtype=np.float32)
    return write_audio(audio, sample_rate, path, codec)


def write_one_silent_channel(
    path: str | Path,
    script: CallScript | None = None,
    silent: str = "customer",
    agent_channel: str = "left",
    sample_rate: int = 16000,
    codec: str | None = None,
) -> tuple[AudioFile, list[dict[str, Any]]]:
    """A stereo call in which one party's channel recorded nothing (a dead microphone or trunk).

    Returns the file and the timeline of the party that can be heard.
    """
    _check("silent", silent, SPEAKERS)
    script = script or scripts("nl")[0]
    audio, timeline = render_call(script, layout="stereo", agent_channel=agent_channel, sample_rate=sample_rate)
    agent_row = 0 if agent_channel == "left" else 1
    audio[agent_row if silent == "agent" else 1 - agent_row] = 0.0
    heard = [t for t in timeline if t["speaker"] != silent]
    return write_audio(audio, sample_rate, path, codec), heard


def write_corrupt(path: str | Path, size: int = 4096, seed: int = 0) -> Path:
    """Bytes no decoder accepts, under an audio name (.wav, .mp3, ...): a truncated upload or wrong file.

    The bytes never contain 0xFF, so no MPEG frame sync can be found in them, and carry no known
    container signature: FFmpeg refuses a .wav, .mp3, .ogg or .m4a name ("Invalid data found").
    Under a .flac name FFmpeg opens it anyway and decodes 0 samples without an error, so a reader
    must also treat "no samples" as undecodable.
    """
    rng = np.random.default_rng(seed)
    data = b"NOT AUDIO " + rng.integers(0, 0xFF, size=max(0, size - 10), dtype=np.uint8).tobytes()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:size])
    return path


def write_long(
    path: str | Path,
    seconds: float = 20.0,
    script: CallScript | None = None,
    layout: str = "stereo",
    sample_rate: int = 16000,
    codec: str | None = None,
) -> tuple[AudioFile, list[dict[str, Any]]]:
    """A call of exactly ``seconds`` (turns added to fill it, then trailing silence), for duration limits."""
    script = fit_script(script or scripts("nl")[0], seconds, sample_rate=sample_rate)
    audio, timeline = render_call(script, layout=layout, sample_rate=sample_rate, duration_s=seconds)
    return write_audio(audio, sample_rate, path, codec), timeline


# --------------------------------------------------------------------------------------------
# A batch of calls (the command line)
# --------------------------------------------------------------------------------------------

# (codec, sample rate): telephony 8 kHz G.711, wide-band 16 kHz, and music-grade 44.1/48 kHz.
DEFAULT_FORMATS: tuple[tuple[str, int], ...] = (
    ("pcm_s16le", 16000),
    ("mp3", 44100),
    ("opus", 48000),
    ("pcm_mulaw", 8000),
    ("flac", 16000),
    ("aac", 48000),
)


@dataclass(frozen=True)
class GeneratedCall:
    audio: AudioFile
    sidecar: Path
    metadata: dict[str, Any] = field(repr=False)


def parse_format(text: str) -> tuple[str, int]:
    """``codec`` or ``codec:RATE`` (``mp3:44100``); the rate defaults to 16 kHz (8 kHz for G.711)."""
    codec, _, rate = text.partition(":")
    _check("format", codec, tuple(CODECS))
    if rate:
        if not rate.isdigit() or int(rate) <= 0:
            raise ValueError(f"format {text!r}: the rate after ':' must be a positive integer in Hz")
        return codec, int(rate)
    return codec, _codec_rate(CODECS[codec], 16000)


def generate(
    out_dir: str | Path,
    calls: int = 6,
    lang: str = "mix",
    formats: Sequence[tuple[str, int]] = DEFAULT_FORMATS,
    layout: str = "mix",
    seed: int = 0,
    minutes: float | None = None,
) -> list[GeneratedCall]:
    """Write ``calls`` recordings with sidecars into ``out_dir``; the same arguments write the same files.

    Languages, layouts and formats go round in turn (``mix``); the dialogue, agent, start time, agent
    channel, pauses and an occasional interruption are drawn from ``seed``. With ``minutes`` every
    call is lengthened to exactly that long. Files are named like the recorder convention the
    pipeline falls back on: ``20261102T091403Z_a-017_nl-billing_000123.wav``.
    """
    _check("lang", lang, (*LANGS, "mix"))
    _check("layout", layout, (*LAYOUTS, "mix"))
    if calls < 0:
        raise ValueError(f"calls: must not be negative (got {calls})")
    if not formats:
        raise ValueError("formats: name at least one")
    rng = np.random.default_rng(seed)
    langs = LANGS if lang == "mix" else (lang,)
    layouts = LAYOUTS if layout == "mix" else (layout,)
    pools = {code: list(scripts(code)) for code in langs}
    for pool in pools.values():
        rng.shuffle(pool)
    base = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    out_dir = Path(out_dir)
    written = []
    for i in range(calls):
        code = langs[i % len(langs)]
        pool = pools[code]
        script = pool[(i // len(langs)) % len(pool)]
        codec, rate = formats[i % len(formats)]
        # Shift the layouts each round of formats, so every format is written both ways.
        call_layout = layouts[(i + i // len(formats)) % len(layouts)]
        agent_channel = CHANNELS[int(rng.integers(2))]
        gap_s = round(float(rng.uniform(0.3, 0.9)), 2)
        if minutes:
            script = fit_script(script, minutes * 60, gap_s=gap_s, sample_rate=rate)
        # Every third call has the customer cut in on the agent.
        interrupt = [k for k in range(1, len(script.turns)) if script.turns[k].speaker == "customer"]
        overlap_at = int(rng.choice(interrupt)) if i % 3 == 2 and interrupt else None
        started = base + timedelta(days=int(rng.integers(0, 14)), seconds=int(rng.integers(0, 10 * 3600)))
        agent_id = f"a-{int(rng.integers(1, 60)):03d}"
        call_id = f"{seed:03d}{i:05d}"
        audio, timeline = render_call(
            script,
            layout=call_layout,
            agent_channel=agent_channel,
            gap_s=gap_s,
            overlap_at=overlap_at,
            sample_rate=rate,
            duration_s=minutes * 60 if minutes else None,
            seed=seed * 100_003 + i,
        )
        suffix = CODECS[codec].suffixes[0]
        name = f"{started:%Y%m%dT%H%M%SZ}_{agent_id}_{script.queue}_{call_id}{suffix}"
        written_audio = write_audio(audio, rate, out_dir / name, codec)
        metadata = {
            "call_id": call_id,
            "agent_id": agent_id,
            "team": script.team,
            "queue": script.queue,
            "started_at": f"{started:%Y-%m-%dT%H:%M:%SZ}",
            "agent_channel": agent_channel if call_layout == "stereo" else None,
            "language": script.lang,
            "layout": call_layout,
            "codec": codec,
            "sample_rate": written_audio.sample_rate,
            "duration_s": round(written_audio.duration_s, 3),
            "script": script.name,
            "sector": script.sector,
            "expected_turns": timeline,
        }
        written.append(GeneratedCall(written_audio, write_sidecar(written_audio.path, metadata), metadata))
    return written


def write_specials(out_dir: str | Path, seed: int = 0) -> list[Path]:
    """The files a quarantine test needs, in ``out_dir``: empty, silent, one dead channel, corrupt, 20 s long."""
    out_dir = Path(out_dir)
    paths = [
        write_empty(out_dir / "empty.wav"),
        write_silence(out_dir / "silence.wav", 5.0).path,
        write_one_silent_channel(out_dir / "customer_channel_silent.wav")[0].path,
        write_corrupt(out_dir / "corrupt.wav", seed=seed),
        write_corrupt(out_dir / "corrupt.mp3", seed=seed + 1),
    ]
    long_file, timeline = write_long(out_dir / "long_20s.wav", 20.0)
    script = scripts("nl")[0]
    meta = {
        "call_id": "long-20s",
        "agent_id": "a-001",
        "team": script.team,
        "queue": script.queue,
        "started_at": "2026-11-02T08:00:00Z",
        "agent_channel": "left",
        "language": "nl",
        "expected_turns": timeline,
    }
    return [*paths, long_file.path, write_sidecar(long_file.path, meta)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="make_recordings.py")
    parser.add_argument("out_dir", type=Path, help="folder for the recordings and their .json sidecars")
    parser.add_argument("--calls", type=int, default=6, help="number of calls (default 6)")
    parser.add_argument("--lang", choices=(*LANGS, "mix"), default="mix")
    parser.add_argument(
        "--formats",
        nargs="+",
        metavar="CODEC[:RATE]",
        help=f"codecs to go round ({', '.join(CODECS)}), optionally with a rate: mp3:44100 "
        "(default: pcm_s16le:16000 mp3:44100 opus:48000 pcm_mulaw:8000 flac:16000 aac:48000)",
    )
    parser.add_argument("--layout", choices=(*LAYOUTS, "mix"), default="mix")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--minutes", type=float, help="make every call exactly this long (benchmarks)")
    parser.add_argument("--specials", action="store_true", help="also write empty, silent, corrupt and 20 s files")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        ensure_espeak()
        formats = [parse_format(f) for f in args.formats] if args.formats else DEFAULT_FORMATS
        began = time.perf_counter()
        calls = generate(args.out_dir, args.calls, args.lang, formats, args.layout, args.seed, args.minutes)
        specials = write_specials(args.out_dir / "specials", args.seed) if args.specials else []
    except (RuntimeError, ValueError) as exc:
        print(f"make_recordings: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - began
    for call in calls:
        a = call.audio
        print(f"{a.path}  {a.codec} {a.sample_rate} Hz {a.channels} ch {a.duration_s:.1f} s")
    for path in specials:
        print(path)
    total = sum(c.audio.duration_s for c in calls)
    print(f"{len(calls)} calls, {total / 60:.1f} min of audio, in {elapsed:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
