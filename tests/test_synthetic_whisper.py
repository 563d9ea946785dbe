"""The synthetic Whisper models, loaded and run by the real faster-whisper (no hub, no torch)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from faster_whisper import BatchedInferencePipeline, WhisperModel

from pipeline.asr import synthetic

SR = 16000
SENTENCE = "goedemorgen u spreekt met de klantenservice"


def noise_bursts(seconds: float, seed: int = 0) -> np.ndarray:
    """White-noise bursts of 0.3 s every 0.5 s."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    gate = (t % 0.5) < 0.3
    return (0.1 * rng.standard_normal(t.size) * gate).astype(np.float32)


def tone(seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def voiced(seconds: float, seed: int = 0) -> np.ndarray:
    """Speech-like sound Silero VAD accepts: a gliding harmonic voice, syllable rhythm, pauses."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    phase = 2 * np.pi * np.cumsum(140 + 30 * np.sin(2 * np.pi * 0.7 * t)) / SR
    voice = sum(np.sin(k * phase) / k for k in range(1, 15))
    envelope = (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t)) ** 2 * (np.sin(2 * np.pi * 0.25 * t) > -0.3)
    return (0.2 * voice * envelope + 0.01 * rng.standard_normal(t.size)).astype(np.float32)


def load(folder: Path) -> WhisperModel:
    return WhisperModel(str(folder), device="cpu", compute_type="int8", local_files_only=True)


def text_of(segments) -> str:
    return "".join(segment.text for segment in segments).strip()


@pytest.fixture(scope="module")
def random_folder(tmp_path_factory) -> Path:
    return synthetic.build_random_model(tmp_path_factory.mktemp("random") / "model", "tiny-test", seed=0)


@pytest.fixture(scope="module")
def fixed_folder(tmp_path_factory) -> Path:
    return synthetic.build_fixed_sentence_model(tmp_path_factory.mktemp("fixed") / "model", SENTENCE, language="nl")


@pytest.fixture(scope="module")
def fixed_model(fixed_folder: Path) -> WhisperModel:
    return load(fixed_folder)


def test_folder_holds_what_faster_whisper_reads(random_folder: Path):
    names = {p.name for p in random_folder.iterdir()}
    assert {"model.bin", "config.json", "vocabulary.json", "tokenizer.json", "preprocessor_config.json"} <= names
    vocabulary = json.loads((random_folder / "vocabulary.json").read_text(encoding="utf-8"))
    assert len(vocabulary) == 51865
    assert vocabulary[220] == "Ġ" and vocabulary[50256] == ""
    assert vocabulary[50257:50260] == ["<|endoftext|>", "<|startoftranscript|>", "<|en|>"]
    assert vocabulary[50271] == "<|nl|>" and vocabulary[50363] == "<|notimestamps|>"
    assert vocabulary[50364] == "<|0.00|>" and vocabulary[-1] == "<|30.00|>"
    config = json.loads((random_folder / "config.json").read_text(encoding="utf-8"))
    assert len(config["lang_ids"]) == 99 and 50271 in config["lang_ids"]
    assert config["suppress_ids_begin"] == [220, 50257]
    assert config["alignment_heads"] == [[1, h] for h in range(4)]
    assert json.loads((random_folder / "preprocessor_config.json").read_text(encoding="utf-8"))["feature_size"] == 80


def test_random_model_loads_and_transcribes(random_folder: Path):
    model = load(random_folder)
    assert model.model.is_multilingual and model.model.n_mels == 80
    segments, info = model.transcribe(noise_bursts(3.0), beam_size=1, temperature=0.0, vad_filter=False)
    segments = list(segments)  # random text, but decoding must run to the end
    assert info.duration == pytest.approx(3.0)
    assert info.language in model.supported_languages
    assert all(isinstance(s.text, str) for s in segments)


def test_builders_are_deterministic_for_a_seed(tmp_path: Path, random_folder: Path, fixed_folder: Path):
    again = synthetic.build_random_model(tmp_path / "random", "tiny-test", seed=0)
    other = synthetic.build_random_model(tmp_path / "other", "tiny-test", seed=1)
    fixed = synthetic.build_fixed_sentence_model(tmp_path / "fixed", SENTENCE, language="nl")
    assert (again / "model.bin").read_bytes() == (random_folder / "model.bin").read_bytes()
    assert (other / "model.bin").read_bytes() != (random_folder / "model.bin").read_bytes()
    assert (fixed / "model.bin").read_bytes() == (fixed_folder / "model.bin").read_bytes()


@pytest.mark.parametrize(
    ("audio", "language"),
    [(noise_bursts(5.0), None), (tone(2.0), None), (np.zeros(10 * SR, np.float32), "nl"), (voiced(8.0), "nl")],
    ids=["noise-5s", "tone-2s", "silence-10s", "voiced-8s"],
)
def test_fixed_sentence_model_says_its_sentence(fixed_model: WhisperModel, audio: np.ndarray, language: str | None):
    segments, info = fixed_model.transcribe(audio, beam_size=1, temperature=0.0, language=language, vad_filter=False)
    segments = list(segments)
    assert text_of(segments) == SENTENCE
    assert info.language == "nl"
    assert len(segments) == 1 and segments[0].start == 0.0 and segments[0].end == pytest.approx(2.0)
    assert segments[0].no_speech_prob < 0.01 and segments[0].avg_logprob > -0.1


def test_fixed_sentence_model_with_production_settings(fixed_model: WhisperModel):
    """Beam search, temperature fallback, word timestamps, VAD and the hallucination guard."""
    segments, info = fixed_model.transcribe(
        voiced(8.0),
        beam_size=5,
        word_timestamps=True,
        vad_filter=True,
        condition_on_previous_text=False,
        hallucination_silence_threshold=2.0,
    )
    segments = list(segments)
    assert text_of(segments) == SENTENCE and info.language == "nl"
    words = [w for s in segments for w in s.words or []]
    assert "".join(w.word for w in words).strip() == SENTENCE
    assert [w.word.strip() for w in words] == SENTENCE.split()
    starts = [w.start for w in words]
    assert starts == sorted(starts) and words[0].start < 0.5 and 1.0 < words[-1].end <= 2.0
    assert all(w.end > w.start and w.probability > 0.9 for w in words)


def test_fixed_sentence_model_says_it_once_per_window(fixed_model: WhisperModel):
    audio = noise_bursts(40.0)
    segments, _ = fixed_model.transcribe(audio, beam_size=1, temperature=0.0, condition_on_previous_text=False)
    assert [(s.start, s.text.strip()) for s in segments] == [(0.0, SENTENCE), (30.0, SENTENCE)]
    segments, _ = fixed_model.transcribe(audio, beam_size=1, temperature=0.0, condition_on_previous_text=True)
    assert [s.text.strip() for s in segments] == [SENTENCE]  # the later window's prompt shifts the script


def test_fixed_sentence_model_in_batched_pipeline(fixed_model: WhisperModel):
    pipeline = BatchedInferencePipeline(fixed_model)
    segments, info = pipeline.transcribe(noise_bursts(6.0), batch_size=4, vad_filter=False)
    assert text_of(segments) == SENTENCE and info.language == "nl"
    segments, _ = pipeline.transcribe(voiced(8.0), batch_size=4, beam_size=1, temperature=0.0)  # VAD on
    assert text_of(segments) == SENTENCE
    segments, _ = pipeline.transcribe(np.zeros(5 * SR, np.float32), batch_size=4)  # VAD finds no speech
    assert list(segments) == []


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("Goedemorgen, waarmee kan ik u helpen?", "en"),
        ("'t Is al de derde keer - belachelijk!", "de"),
        ("aa aa aa", "fr"),
    ],
)
def test_other_sentences_and_languages(tmp_path: Path, sentence: str, language: str):
    model = load(synthetic.build_fixed_sentence_model(tmp_path / "m", sentence, language=language, seed=3))
    segments, info = model.transcribe(tone(3.0), beam_size=1, temperature=0.0)
    assert text_of(segments) == sentence and info.language == language
    segments, _ = model.transcribe(tone(3.0), beam_size=1, temperature=0.0, without_timestamps=True)
    assert text_of(segments) == sentence


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sentence": "tijd: nu"}, "never emits ':'"),
        ({"sentence": "  "}, "must contain text"),
        ({"sentence": "hallo", "language": "xx"}, "must be one of en, zh"),
        ({"sentence": "hallo", "end_time": 31.0}, "end_time"),
    ],
)
def test_fixed_sentence_model_rejects_bad_arguments(tmp_path: Path, kwargs: dict, message: str):
    with pytest.raises(ValueError, match=message):
        synthetic.build_fixed_sentence_model(tmp_path / "m", **kwargs)


def test_random_model_rejects_unknown_size(tmp_path: Path):
    with pytest.raises(ValueError, match="known sizes: tiny-test, small, large-v3"):
        synthetic.build_random_model(tmp_path / "m", "huge")


def test_ensure_model_builds_once_and_reuses(tmp_path: Path):
    first = synthetic.ensure_model(tmp_path, "fixed_sentence", sentence="hallo daar")
    stamp = (first / "model.bin").stat().st_mtime_ns
    again = synthetic.ensure_model(tmp_path, "fixed_sentence", sentence="hallo daar", language="nl")  # the default
    assert again == first and (again / "model.bin").stat().st_mtime_ns == stamp
    other = synthetic.ensure_model(tmp_path, "fixed_sentence", sentence="tot ziens")
    assert other != first
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, other.name])  # no staging leftovers
    segments, _ = load(first).transcribe(tone(2.0), beam_size=1, temperature=0.0)
    assert text_of(segments) == "hallo daar"
    with pytest.raises(ValueError, match="must be one of random, fixed_sentence"):
        synthetic.ensure_model(tmp_path, "trained")
    with pytest.raises(TypeError):
        synthetic.ensure_model(tmp_path, "random", colour="red")
