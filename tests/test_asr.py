"""Recordings to turns with the real faster-whisper on real audio files.

Models are built by the tests (``pipeline.asr.synthetic``): one that always says a known Dutch
sentence (end-to-end assertions) and a tiny random one. Audio is spoken by espeak-ng
(``benchmarks/make_recordings.py``): the agent a high voice, the customer a low one.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from benchmarks.make_recordings import (
    CallScript,
    Turn,
    render_call,
    resample,
    write_audio,
    write_corrupt,
    write_empty,
    write_long,
    write_one_silent_channel,
    write_sidecar,
    write_silence,
)
from pipeline.asr.audio import RecordingError, load_recording
from pipeline.asr.diarize import pick_agent, voices
from pipeline.asr.metadata import recording_metadata
from pipeline.asr.recording import channel_regions, recording_source, transcribe_recording
from pipeline.asr.settings import DEFAULT_NAME_PATTERN, AsrSettings, AsrSettingsError, load_settings
from pipeline.asr.transcribe import AsrModelError, Region, load_model, speech_regions
from pipeline.asr.turns import Piece, merge_turns
from pipeline.cli import main
from tests.conftest import SENTENCE, query

SR = 16000
DIALOGUE = CallScript(
    name="asr-test",
    lang="nl",
    team="billing",
    queue="nl-billing",
    turns=(
        Turn("agent", "Goedemorgen, u spreekt met Sanne van de klantenservice."),
        Turn("customer", "Ja hallo, mijn rekening is veel te hoog deze maand."),
        Turn("agent", "Dat is vervelend. Ik kijk het meteen voor u na."),
        Turn("customer", "Graag, want ik snap er niks van."),
    ),
)


@pytest.fixture(scope="session")
def models(whisper_models) -> dict[str, Path]:
    return whisper_models


def fast(model: Path, **kw) -> AsrSettings:
    """Greedy decoding: a random model with default settings retries at six temperatures."""
    return load_settings(None, model=str(model), device="cpu", beam_size=1, temperature=[0.0], **kw)


@pytest.fixture(scope="session")
def stereo_call(tmp_path_factory) -> tuple[np.ndarray, list[dict]]:
    return render_call(DIALOGUE, layout="stereo", agent_channel="right", gap_s=1.0, sample_rate=SR)


@pytest.fixture(scope="session")
def mono_call() -> tuple[np.ndarray, list[dict]]:
    return render_call(DIALOGUE, layout="mono", gap_s=0.4, sample_rate=SR)


def transcribe(path: Path, settings: AsrSettings):
    _source, meta, origin = recording_source(path, settings)
    return transcribe_recording(path, meta, origin, settings)


def test_stereo_recording_becomes_judgeable_turns(models, stereo_call, tmp_path: Path):
    audio, timeline = stereo_call
    path = write_audio(audio, SR, tmp_path / "call.wav", "pcm_s16le").path
    write_sidecar(path, {"call_id": "rec-1", "agent_id": "a-021", "team": "billing", "agent_channel": "right"})
    call = transcribe(path, fast(models["fixed"]))
    assert (call.call_id, call.agent_id, call.team) == ("rec-1", "a-021", "billing")
    assert call.language == "nl"  # detected: the model answers <|nl|>
    first = call.turns[0]
    assert (first.speaker, first.text) == ("agent", SENTENCE)
    assert first.extra["role_source"] == "channel (metadata)" and first.extra["audio_origin"] == "channel:right"
    assert 0 < first.extra["confidence"] <= 1
    assert abs(first.start - timeline[0]["start"]) < 0.3
    assert [t.speaker for t in call.turns][:2] == ["agent", "customer"]
    assert all(0 <= t.start <= t.end <= call.extra["asr"]["audio_s"] for t in call.turns)
    assert call.extra["asr"]["layout"] == "stereo" and call.extra["asr"]["compute_type"] == "int8"


def test_speech_regions_of_each_channel_follow_the_true_turns(stereo_call):
    audio, timeline = stereo_call
    agent, customer = audio[1], audio[0]  # agent on the right
    for samples, other, speaker in ((agent, customer, "agent"), (customer, agent, "customer")):
        regions = channel_regions(samples, other, AsrSettings())
        truth = [t for t in timeline if t["speaker"] == speaker]
        assert len(regions) == len(truth)
        for region, turn in zip(regions, truth, strict=True):
            assert abs(region.start - turn["start"]) < 0.3 and abs(region.end - turn["end"]) < 0.3


def test_crosstalk_from_the_other_channel_is_not_speech(stereo_call):
    audio, timeline = stereo_call
    agent, customer = audio[1].copy(), audio[0]
    agent += 0.05 * customer  # the customer leaks into the agent's channel at -26 dB
    regions = channel_regions(agent, customer, AsrSettings())
    assert len(regions) == sum(t["speaker"] == "agent" for t in timeline)
    assert len(speech_regions(agent, AsrSettings())) > len(regions)  # VAD alone hears the leak


@pytest.mark.parametrize(
    ("codec", "rate", "suffix"),
    [
        ("pcm_s16le", 8000, ".wav"),
        ("pcm_s24le", 16000, ".wav"),
        ("pcm_s32le", 48000, ".wav"),
        ("pcm_u8", 8000, ".wav"),
        ("pcm_mulaw", 8000, ".wav"),
        ("pcm_alaw", 8000, ".wav"),
        ("mp3", 44100, ".mp3"),
        ("opus", 48000, ".ogg"),
        ("flac", 16000, ".flac"),
        ("aac", 48000, ".m4a"),
    ],
)
def test_every_recorder_format_is_transcribed(models, stereo_call, tmp_path: Path, codec: str, rate: int, suffix: str):
    audio, _ = stereo_call

    path = write_audio(resample(audio, SR, rate), rate, tmp_path / f"call{suffix}", codec).path
    recording = load_recording(path, 3600, -55)
    assert recording.stereo and abs(recording.duration_s - audio.shape[1] / SR) < 0.15
    call = transcribe(path, fast(models["fixed"], agent_channel="right"))
    assert call.turns[0].speaker == "agent" and call.turns[0].text == SENTENCE
    assert call.turns[0].extra["role_source"] == "channel (configuration)"


def test_mono_voices_are_separated_and_the_agent_is_found_by_what_is_said(models, mono_call, tmp_path: Path):
    audio, timeline = mono_call
    samples = audio[0]
    found = voices(samples, speech_regions(samples, replace(AsrSettings(), min_silence_ms=250)), None)
    assert [v.label for v in found] == ["A", "B"]

    def voice_at(t: float) -> str:
        return next(v.label for v in found for r in v.regions if r.start <= t <= r.end)

    labels = [voice_at((turn["start"] + turn["end"]) / 2) for turn in timeline]
    assert labels == ["A", "B", "A", "B"]  # the agent spoke first
    assert pick_agent({"A": "goedemorgen u spreekt met sanne", "B": "mijn rekening is te hoog"}) == (
        "A",
        "diarization+text",
    )
    assert pick_agent({"A": "hallo met jan", "B": "thank you for calling how can i help"})[0] == "B"

    path = write_audio(audio, SR, tmp_path / "mono.mp3", "mp3").path
    call = transcribe(path, fast(models["fixed"]))
    assert call.extra["asr"]["layout"] == "mono"
    assert call.turns[0].speaker == "agent" and call.turns[0].text == SENTENCE
    assert call.turns[0].extra["role_source"] == "diarization+text"
    write_sidecar(path, {"call_id": "mono-1", "agent_speaker": "B"})  # a team lead overrides a wrong role
    overridden = transcribe(path, fast(models["fixed"]))
    assert overridden.turns[0].speaker == "customer"
    assert overridden.turns[0].extra["role_source"] == "configuration (agent_speaker)"


@pytest.mark.parametrize(
    ("make", "field", "rule"),
    [
        (lambda d: write_empty(d / "empty.wav"), "file", "is empty"),
        (lambda d: write_corrupt(d / "garbage.mp3"), "audio", "cannot be decoded"),
        (lambda d: write_corrupt(d / "garbage.flac"), "audio", "decodes to no samples"),
        (lambda d: write_silence(d / "silence.wav", 3.0).path, "audio", "silence only"),
        (lambda d: write_one_silent_channel(d / "one.wav", DIALOGUE)[0].path, "channel right", "is silent"),
        (lambda d: write_long(d / "long.flac", 30.0)[0].path, "duration", "30 s is longer than the maximum of 25 s"),
    ],
)
def test_unusable_recordings_are_refused_with_the_rule(tmp_path: Path, make, field: str, rule: str):
    path = make(tmp_path)
    with pytest.raises(RecordingError) as caught:
        load_recording(Path(path), max_duration_s=25, silence_dbfs=-55)
    message = str(caught.value)
    assert message.startswith(str(path)) and f"field '{field}'" in message and rule in message


def test_metadata_from_sidecar_manifest_or_file_name(tmp_path: Path):
    named = tmp_path / "20261102T091403Z_a-017_nl-billing_000123.wav"
    meta, origin, _ = recording_metadata(named, DEFAULT_NAME_PATTERN)
    assert origin == "file name"
    assert meta == {
        "started_at": "2026-11-02T09:14:03Z",
        "agent_id": "a-017",
        "queue": "nl-billing",
        "call_id": "000123",
    }
    (tmp_path / "manifest.csv").write_text(
        "file,call_id,agent_id,team,agent_channel,language\nother.wav,m-9,a-5,retention,right,en\n", encoding="utf-8"
    )
    meta, origin, _ = recording_metadata(tmp_path / "other.wav", DEFAULT_NAME_PATTERN)
    assert origin == "manifest manifest.csv" and meta["call_id"] == "m-9" and meta["agent_channel"] == "right"
    assert recording_metadata(tmp_path / "plain.wav", DEFAULT_NAME_PATTERN)[0] == {"call_id": "plain"}
    write_sidecar(tmp_path / "bad.wav", {"call_id": "b-1", "agent_channel": "middle"})
    with pytest.raises(RecordingError, match=r"bad.wav.meta.json: field 'agent_channel': must be left or right"):
        recording_metadata(tmp_path / "bad.wav", DEFAULT_NAME_PATTERN)


def test_turns_join_short_same_speaker_gaps_and_record_interruptions():
    def piece(speaker: str, start: float, end: float, text: str) -> Piece:
        return Piece(speaker, Region(start, end, [" " + text], [-0.1]), "channel (configuration)", "channel:left")

    turns = merge_turns(
        [
            piece("agent", 0.0, 2.0, "goedemorgen"),
            piece("agent", 2.5, 4.0, "waarmee kan ik helpen"),  # 0.5 s later: the same turn
            piece("customer", 3.6, 6.0, "mijn internet doet het niet"),  # starts before the agent ends
            piece("agent", 8.0, 9.0, "dat spijt me"),
            piece("customer", 9.5, 10.0, ""),  # a cough: no words, no turn
        ],
        join_gap_s=1.0,
    )
    assert [(t.speaker, t.text) for t in turns] == [
        ("agent", "goedemorgen waarmee kan ik helpen"),
        ("customer", "mijn internet doet het niet"),
        ("agent", "dat spijt me"),
    ]
    assert turns[1].extra["overlap_s"] == pytest.approx(0.4) and turns[1].extra["interrupts"] == "agent"
    assert turns[2].extra["silence_before_s"] == pytest.approx(2.0)
    assert turns[0].extra["confidence"] == pytest.approx(np.exp(-0.1), abs=1e-3)


def test_batched_pipeline_transcribes_the_same_call(models, stereo_call, tmp_path: Path):
    audio, _ = stereo_call
    path = write_audio(audio, SR, tmp_path / "call.flac", "flac").path
    call = transcribe(path, fast(models["fixed"], agent_channel="right", mode="batched", batch_size=4))
    assert call.turns[0].speaker == "agent" and call.turns[0].text == SENTENCE
    assert call.extra["asr"]["mode"] == "batched"


def test_a_random_model_of_whisper_shape_runs_through(models, stereo_call, tmp_path: Path):
    audio, _ = stereo_call
    path = write_audio(audio, SR, tmp_path / "call.wav").path
    try:
        call = transcribe(path, fast(models["random"], agent_channel="right"))
    except RecordingError as exc:  # random weights may recognise no words at all: refused, not crashed
        assert "no words recognised" in str(exc) or "no speech" in str(exc)
    else:
        assert all(t.speaker in ("agent", "customer") for t in call.turns)


def test_a_missing_model_says_what_to_do(tmp_path: Path):
    with pytest.raises(AsrModelError, match=r"has no model\.bin"):
        load_model(fast(tmp_path / "nothing-here"))
    offline = load_settings(None, model="large-v3", device="cpu", local_files_only=True, download_root=str(tmp_path))
    with pytest.raises(AsrModelError, match=r"could not be loaded.*download it on a connected machine.*--asr-model"):
        load_model(offline)
    with pytest.raises(AsrModelError, match="could not be loaded"):  # remembered: not retried per recording
        load_model(offline)


def test_bad_settings_name_the_field(tmp_path: Path):
    config = tmp_path / "asr.toml"
    config.write_text('[asr]\nmodel = "small"\ndevice = "tpu"\n', encoding="utf-8")
    with pytest.raises(AsrSettingsError, match=r"asr.toml: field 'device': must be one of cpu, cuda, auto"):
        load_settings(config)
    config.write_text('[asr]\nbeam_size = "five"\n', encoding="utf-8")
    with pytest.raises(AsrSettingsError, match=r"field 'beam_size': must be int \(got 'five'\)"):
        load_settings(config)
    config.write_text("[asr]\nbeam = 3\n", encoding="utf-8")
    with pytest.raises(AsrSettingsError, match=r"field 'beam': unknown setting"):
        load_settings(config)


def test_run_takes_folders_that_mix_recordings_and_transcripts(models, stereo_call, tmp_path: Path, capsys):
    inbox = tmp_path / "inbox"
    audio, _ = stereo_call
    for n, codec, suffix in ((1, "pcm_mulaw", ".wav"), (2, "opus", ".ogg")):
        path = write_audio(audio, SR, inbox / f"rec-{n}{suffix}", codec).path
        write_sidecar(path, {"call_id": f"rec-{n}", "agent_id": "a-031", "agent_channel": "right", "language": "nl"})
    write_corrupt(inbox / "broken.mp3")
    write_empty(inbox / "empty.wav")
    samples = sorted((Path(__file__).parents[1] / "samples" / "calls").glob("*.call.json"))[:2]
    for sample in samples:
        shutil.copy(sample, inbox / sample.name)
    config = tmp_path / "asr.toml"
    config.write_text(f'[asr]\nmodel = "{models["fixed"]}"\ndevice = "cpu"\nbeam_size = 1\ntemperature = [0.0]\n')
    wh = tmp_path / "wh.duckdb"
    args = ["run", str(inbox), "--warehouse", str(wh), "--asr-config", str(config), "--json", "--no-progress"]
    assert main(args) == 3
    report = json.loads(capsys.readouterr().out)
    assert (report["inputs"], report["loaded"]) == (6, 4)
    assert list(report["timings"])[:2] == ["transcribe", "analyse"]
    assert sorted((q["stage"], Path(q["source"]).name) for q in report["quarantined"]) == [
        ("transcribe", "broken.mp3"),
        ("transcribe", "empty.wav"),
    ]
    [row] = query(
        wh,
        "SELECT c.language, c.agent_id, t.speaker, t.text, t.customer_state, t.agent_mode, t.extra "
        "FROM calls c JOIN turns t USING (call_id) WHERE call_id = 'rec-1' ORDER BY t.turn_index LIMIT 1",
    )
    first = query(wh, "SELECT count(*), sum(duration_s) FROM calls")
    assert row[:4] == ("nl", "a-031", "agent", SENTENCE) and row[5] is not None
    assert json.loads(row[6])["role_source"] == "channel (metadata)"

    assert main(args) == 3  # the two broken files are still broken; nothing else changes
    again = json.loads(capsys.readouterr().out)
    assert (again["loaded"], again["skipped"]) == (0, 4)  # the recordings were not transcribed again
    assert query(wh, "SELECT count(*), sum(duration_s) FROM calls") == first


def test_the_example_settings_file_documents_the_defaults():
    example = Path(__file__).parents[1] / "infra" / "asr.example.toml"
    assert load_settings(example) == AsrSettings()
