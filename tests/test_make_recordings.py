"""The test-recording generator: every format decodes to the right length and layout, each party lands
on its own channel, sidecars carry the truth, and the special files are what quarantine tests expect.

Needs Debian's espeak-ng; without it these tests fail (CI installs it) with the install hint.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import av
import faster_whisper
import numpy as np
import pytest

from benchmarks import make_recordings as mr
from benchmarks.make_recordings import (
    CODECS,
    CallScript,
    Turn,
    ensure_espeak,
    fit_script,
    generate,
    render_call,
    speak,
    write_audio,
    write_corrupt,
    write_empty,
    write_long,
    write_one_silent_channel,
    write_sidecar,
    write_silence,
)

ROOT = Path(__file__).resolve().parent.parent
SR = 16000
SHORT = CallScript(
    name="test-short",
    lang="nl",
    team="billing",
    queue="nl-billing",
    turns=(
        Turn("agent", "Goedemorgen, waarmee kan ik u helpen?"),
        Turn("customer", "Mijn factuur klopt niet."),
        Turn("agent", "Dat spijt me. Ik zoek het voor u uit."),
        Turn("customer", "Dank u wel."),
    ),
)


@pytest.fixture(scope="module", autouse=True)
def espeak() -> str:
    # Fails (never skips) with "install Debian's espeak-ng (apt-get install espeak-ng)".
    return ensure_espeak()


def db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(x, dtype=np.float64)) + 1e-12))


def span(turn: dict, rate: int = SR) -> slice:
    return slice(int(turn["start"] * rate), int(turn["end"] * rate))


def channels_of(path) -> tuple[int, int]:
    with av.open(str(path)) as container:
        ctx = container.streams.audio[0].codec_context
        return ctx.channels, ctx.sample_rate


def f0(x: np.ndarray, rate: int = SR) -> float:
    """Median pitch of the loud 40 ms frames (autocorrelation), in Hz."""
    n = int(0.04 * rate)
    pitches = []
    for i in range(0, len(x) - n, n // 2):
        frame = x[i : i + n]
        if np.sqrt(np.mean(frame**2)) < 0.02:
            continue
        ac = np.correlate(frame, frame, "full")[n - 1 :]
        lo, hi = rate // 400, rate // 60
        pitches.append(rate / (lo + int(np.argmax(ac[lo:hi]))))
    return float(np.median(pitches))


# --- espeak and voices ---------------------------------------------------------------------------


def test_missing_espeak_names_the_debian_package(monkeypatch):
    monkeypatch.setattr(mr.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match=r"install Debian's espeak-ng \(apt-get install espeak-ng\)"):
        ensure_espeak()


def test_speak_returns_trimmed_float_mono():
    clip = speak("Goedemorgen, waarmee kan ik u helpen?", "nl", "agent", SR)
    assert clip.dtype == np.float32 and clip.ndim == 1
    assert 1.0 < len(clip) / SR < 4.0
    assert np.max(np.abs(clip)) <= 1.0
    # espeak-ng's own leading and trailing silence is cut: no quiet stretch at either end.
    assert db(clip[: SR // 20]) > -50 and db(clip[-SR // 20 :]) > -60
    clip[:] = 0  # a copy: the cache is not touched
    assert np.any(speak("Goedemorgen, waarmee kan ik u helpen?", "nl", "agent", SR))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_agent_and_customer_voices_differ_clearly(lang):
    text = "Goedemorgen, waarmee kan ik u helpen?" if lang == "nl" else "Good morning, how can I help you?"
    agent, customer = f0(speak(text, lang, "agent")), f0(speak(text, lang, "customer"))
    assert agent > 180 and customer < 120, (agent, customer)


def test_speak_rejects_unknown_values_naming_the_allowed_ones():
    with pytest.raises(ValueError, match="lang: 'de' is not one of nl, en"):
        speak("Hallo", "de")
    with pytest.raises(ValueError, match="voice: 'bot' is not one of agent, customer"):
        speak("Hallo", "nl", "bot")


# --- rendering a call ----------------------------------------------------------------------------


@pytest.mark.parametrize("agent_channel", ["left", "right"])
def test_stereo_puts_each_party_on_its_own_channel(agent_channel):
    audio, timeline = render_call(SHORT, layout="stereo", agent_channel=agent_channel)
    assert audio.shape[0] == 2 and audio.dtype == np.float32
    agent_row = 0 if agent_channel == "left" else 1
    for turn in timeline:
        own = agent_row if turn["speaker"] == "agent" else 1 - agent_row
        assert db(audio[own, span(turn)]) > -35
        assert db(audio[1 - own, span(turn)]) < -65  # the other line carries only its noise floor


def test_timeline_is_the_truth():
    audio, timeline = render_call(SHORT, gap_s=0.5, lead_s=0.7, tail_s=0.3, noise_dbfs=None)
    assert [t["speaker"] for t in timeline] == ["agent", "customer", "agent", "customer"]
    assert [t["text"] for t in timeline] == [t.text for t in SHORT.turns]
    assert timeline[0]["start"] == pytest.approx(0.7, abs=0.001)
    for prev, nxt in itertools.pairwise(timeline):
        assert nxt["start"] - prev["end"] == pytest.approx(0.5, abs=0.002)
    assert audio.shape[1] / SR == pytest.approx(timeline[-1]["end"] + 0.3, abs=0.001)
    mixed = audio.sum(axis=0)
    assert not np.any(mixed[: int(0.7 * SR) - 1])  # digital silence before the first word
    for turn in timeline:
        # Times are rounded to the millisecond.
        assert len(speak(turn["text"], "nl", turn["speaker"])) / SR == pytest.approx(
            turn["end"] - turn["start"], abs=0.002
        )


def test_mono_mixes_both_parties():
    audio, timeline = render_call(SHORT, layout="mono")
    assert audio.shape[0] == 1
    for turn in timeline:
        assert db(audio[0, span(turn)]) > -35


def test_overlap_starts_the_next_turn_before_the_previous_ends():
    audio, timeline = render_call(SHORT, overlap_at=1, overlap_s=0.5)
    first, second = timeline[0], timeline[1]
    assert second["start"] == pytest.approx(first["end"] - 0.5, abs=0.002)
    both = slice(int(second["start"] * SR), int(first["end"] * SR))
    assert db(audio[0, both]) > -40 and db(audio[1, both]) > -40  # both talk at once
    assert timeline[2]["start"] > second["end"]  # the call goes on after the interruption
    with pytest.raises(ValueError, match="only the other party can interrupt"):
        render_call([("agent", "Hallo."), ("agent", "Bent u daar?")], "nl", overlap_at=1)
    with pytest.raises(ValueError, match="overlap_at: turn 0 has no previous turn"):
        render_call(SHORT, overlap_at=0)


def test_duration_pads_with_silence_and_fit_script_fills_a_long_call():
    script = fit_script(SHORT, 30.0)
    assert len(script.turns) > len(SHORT.turns)
    speakers = [t.speaker for t in script.turns]
    assert all(a != b for a, b in itertools.pairwise(speakers))  # still alternating
    audio, timeline = render_call(script, duration_s=30.0)
    assert audio.shape[1] == 30 * SR and timeline[-1]["end"] <= 30.0
    with pytest.raises(ValueError, match="duration_s"):
        render_call(SHORT, duration_s=1.0)


# --- every format round-trips through faster-whisper's decoder -----------------------------------

FORMATS = [
    ("pcm_s16le", 16000),
    ("pcm_s16le", 8000),
    ("pcm_s16le", 44100),
    ("pcm_s24le", 48000),
    ("pcm_s32le", 16000),
    ("pcm_u8", 16000),
    ("pcm_mulaw", 16000),  # written at 8 kHz
    ("pcm_alaw", 8000),
    ("mp3", 16000),
    ("mp3", 44100),
    ("opus", 48000),
    ("opus", 44100),  # written at 48 kHz
    ("flac", 44100),
    ("aac", 16000),
    ("aac", 48000),
]


@pytest.mark.parametrize("layout", ["stereo", "mono"])
@pytest.mark.parametrize(("codec", "rate"), FORMATS, ids=[f"{c}-{r}" for c, r in FORMATS])
def test_format_round_trips(tmp_path, codec, rate, layout):
    audio, timeline = render_call(SHORT, layout=layout, agent_channel="right", sample_rate=rate)
    path = tmp_path / f"call{CODECS[codec].suffixes[0]}"
    written = write_audio(audio, rate, path, codec)
    expected_rate = 8000 if codec in ("pcm_mulaw", "pcm_alaw") else (48000 if codec == "opus" else rate)
    assert written.sample_rate == expected_rate
    assert channels_of(path) == (audio.shape[0], expected_rate)
    seconds = audio.shape[1] / rate
    assert written.duration_s == pytest.approx(seconds, abs=0.001)
    if layout == "stereo":
        left, right = faster_whisper.decode_audio(str(path), sampling_rate=SR, split_stereo=True)
        assert len(left) == len(right)
        assert len(left) / SR == pytest.approx(seconds, abs=0.1)
        for turn in timeline:
            agent_side, customer_side = (right, left) if turn["speaker"] == "agent" else (left, right)
            assert db(agent_side[span(turn)]) > -35
            # 96 kbit/s Opus and 128 kbit/s AAC keep the channels apart: no crosstalk worth a VAD.
            assert db(customer_side[span(turn)]) < db(agent_side[span(turn)]) - 30
    else:
        mono = faster_whisper.decode_audio(str(path), sampling_rate=SR)
        assert mono.ndim == 1
        assert len(mono) / SR == pytest.approx(seconds, abs=0.1)
        for turn in timeline:
            assert db(mono[span(turn)]) > -35


def test_write_audio_rejects_a_wrong_codec_or_suffix(tmp_path):
    audio = np.zeros((1, SR), dtype=np.float32)
    with pytest.raises(ValueError, match="codec: 'vorbis' is not one of pcm_s16le"):
        write_audio(audio, SR, tmp_path / "x.ogg", "vorbis")
    with pytest.raises(ValueError, match=r"suffix '.wav' does not fit codec mp3 \(allowed: .mp3\)"):
        write_audio(audio, SR, tmp_path / "x.wav", "mp3")
    with pytest.raises(ValueError, match="cannot pick a codec"):
        write_audio(audio, SR, tmp_path / "x.aiff")
    assert not list(tmp_path.iterdir())  # nothing half-written


# --- special files for quarantine tests ----------------------------------------------------------


def test_empty_file_is_zero_bytes_and_does_not_decode(tmp_path):
    path = write_empty(tmp_path / "empty.wav")
    assert path.stat().st_size == 0
    with pytest.raises(av.error.FFmpegError):
        faster_whisper.decode_audio(str(path))


@pytest.mark.parametrize("layout", ["stereo", "mono"])
def test_silence_has_no_energy(tmp_path, layout):
    written = write_silence(tmp_path / "silence.wav", 3.0, layout)
    assert channels_of(written.path)[0] == (2 if layout == "stereo" else 1)
    samples = faster_whisper.decode_audio(str(written.path), sampling_rate=SR)
    assert len(samples) / SR == pytest.approx(3.0, abs=0.1)
    assert np.max(np.abs(samples)) < 1e-4


def test_one_silent_channel(tmp_path):
    written, heard = write_one_silent_channel(tmp_path / "dead.wav", SHORT, silent="customer")
    left, right = faster_whisper.decode_audio(str(written.path), sampling_rate=SR, split_stereo=True)
    assert np.max(np.abs(right)) < 1e-4
    assert {t["speaker"] for t in heard} == {"agent"}
    assert all(db(left[span(t)]) > -35 for t in heard)


@pytest.mark.parametrize("name", ["corrupt.wav", "corrupt.mp3"])
def test_corrupt_file_fails_to_decode(tmp_path, name):
    path = write_corrupt(tmp_path / name)
    assert path.stat().st_size > 0
    with pytest.raises(av.error.FFmpegError):
        faster_whisper.decode_audio(str(path))


def test_long_file_lasts_exactly_the_requested_time(tmp_path):
    written, timeline = write_long(tmp_path / "long.flac", 20.0, SHORT)
    samples = faster_whisper.decode_audio(str(written.path), sampling_rate=SR)
    assert len(samples) / SR == pytest.approx(20.0, abs=0.1)
    assert len(timeline) > len(SHORT.turns) and timeline[-1]["end"] <= 20.0


# --- sidecars, batches and the command line ------------------------------------------------------


def test_write_sidecar_next_to_the_recording(tmp_path):
    path = write_sidecar(tmp_path / "call.wav", {"call_id": "c-1", "expected_turns": []})
    assert path == tmp_path / "call.wav.meta.json"
    assert json.loads(path.read_text(encoding="utf-8")) == {"call_id": "c-1", "expected_turns": []}
    with pytest.raises(ValueError, match="'call_id' is required"):
        write_sidecar(tmp_path / "call.wav", {"agent_id": "a-1"})


def test_generate_writes_calls_with_true_sidecars(tmp_path):
    calls = generate(tmp_path, calls=4, formats=[("pcm_s16le", SR), ("opus", SR)], seed=7)
    assert len(calls) == 4
    assert {c.metadata["language"] for c in calls} == {"nl", "en"}
    assert {c.metadata["layout"] for c in calls} == {"stereo", "mono"}
    for call in calls:
        meta = json.loads(call.sidecar.read_text(encoding="utf-8"))
        assert call.sidecar == call.audio.path.with_name(call.audio.path.name + ".meta.json")
        for key in ("call_id", "agent_id", "team", "queue", "started_at", "agent_channel", "language"):
            assert key in meta
        stamp = meta["started_at"].replace("-", "").replace(":", "")
        assert call.audio.path.stem == f"{stamp}_{meta['agent_id']}_{meta['queue']}_{meta['call_id']}"
        assert 4 <= len(meta["expected_turns"]) <= 8
        stereo = meta["layout"] == "stereo"
        assert (meta["agent_channel"] in ("left", "right")) if stereo else meta["agent_channel"] is None
        decoded = faster_whisper.decode_audio(str(call.audio.path), sampling_rate=SR, split_stereo=stereo)
        if stereo:
            agent, customer = decoded if meta["agent_channel"] == "left" else decoded[::-1]
            turn = next(t for t in meta["expected_turns"] if t["speaker"] == "customer")
            assert db(customer[span(turn)]) > db(agent[span(turn)]) + 30
        else:
            assert len(decoded) / SR == pytest.approx(meta["duration_s"], abs=0.1)


def test_generate_is_deterministic_for_a_seed(tmp_path):
    formats = [("opus", SR), ("mp3", SR), ("pcm_s16le", SR)]
    first = generate(tmp_path / "a", calls=3, formats=formats, seed=3)
    second = generate(tmp_path / "b", calls=3, formats=formats, seed=3)
    other = generate(tmp_path / "c", calls=3, formats=formats, seed=4)
    for a, b in zip(first, second, strict=True):
        assert a.audio.path.name == b.audio.path.name
        assert a.audio.path.read_bytes() == b.audio.path.read_bytes()
        assert a.sidecar.read_text() == b.sidecar.read_text()
    assert [c.audio.path.name for c in first] != [c.audio.path.name for c in other]


def test_command_line(tmp_path):
    out = tmp_path / "calls"
    script = str(ROOT / "benchmarks" / "make_recordings.py")
    args = ["--calls", "2", "--lang", "en", "--formats", "flac", "pcm_alaw", "--layout", "mono", "--minutes", "0.5"]
    proc = subprocess.run(
        [sys.executable, script, str(out), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    audio = sorted(p for p in out.iterdir() if not p.name.endswith(".meta.json"))
    assert sorted(p.suffix for p in audio) == [".flac", ".wav"]
    for path in audio:
        meta = json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))
        assert meta["language"] == "en" and meta["layout"] == "mono"
        assert len(faster_whisper.decode_audio(str(path))) / SR == pytest.approx(30.0, abs=0.1)
    bad = subprocess.run(
        [sys.executable, script, str(out), "--formats", "wma"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and "format: 'wma' is not one of" in bad.stderr
