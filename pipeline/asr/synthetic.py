"""Synthetic faster-whisper models: CTranslate2 Whisper folders built with numpy, no torch, no hub.

Each folder holds what ``faster_whisper.WhisperModel(folder, local_files_only=True)`` reads:
``model.bin``, ``config.json`` and ``vocabulary.json`` (written by CTranslate2's ``WhisperSpec``),
``tokenizer.json`` (a byte-level BPE generated in code, with Whisper's special tokens at Whisper's
ids) and ``preprocessor_config.json`` (the number of mel bins). ``synthetic_model.json`` records
how the folder was built.

* :func:`build_random_model`: random weights in a real Whisper shape (:data:`SIZES`), for tests
  of the loading path and for benchmarks. The compute per encoder window and per decoded token is
  the real one, but the text is random and so are its length and timestamps (which decide how far
  faster-whisper seeks), so compare encoder time and time per token rather than real-time factors.
* :func:`build_fixed_sentence_model`: a small model whose weights are set by hand so that it says
  one sentence whatever the audio, for end-to-end assertions (audio -> text -> labels).

How the fixed-sentence model works. Every decoder sub-layer (self-attention, cross-attention,
feed-forward) has a zero output projection and the token embeddings are zero, so the residual
stream at decoder position ``p`` is the position embedding alone; the final layer norm leaves it
as it is (orthogonal zero-mean keys of unit variance). The output projection row of the token
wanted after position ``p`` is a multiple of that key, so the model reads a script by position:
``<|startoftranscript|>`` -> ``<|nl|>`` -> ``<|transcribe|>`` -> ``<|0.00|>`` -> the sentence's
tokens -> ``<|2.00|>`` -> ``<|endoftext|>``. Keying on the position rather than on the previous
token makes repeated tokens harmless, and the tokens in the prompt do not matter (a forced
``language`` or ``<|notimestamps|>`` at position 3 read the same script). Positions past the
script all predict ``<|endoftext|>``.

For word timestamps, the encoder is made (almost) deaf: its output is its own position code, and
the cross-attention of one alignment head is aimed from each text position at a frame between 0
and the end time, so the words come out spread over the segment in proportion to their tokens.

Limits of the fixed-sentence model: the script is keyed on absolute positions, so the prompt must
be the plain start sequence (``<|startoftranscript|><|lang|><|transcribe|>``, optionally followed
by ``<|notimestamps|>``). An ``initial_prompt`` or ``hotwords`` shift the script: the sentence
comes out with its start cut off. With ``condition_on_previous_text=True`` the windows after the
first one with text get the previous text in their prompt and say nothing. So a long recording
(over 30 s after VAD) says the sentence once per 30-s window with
``condition_on_previous_text=False``, and only once in all with True. The segment always ends at
``end_time``, even past the end of the audio. The sentence holds at most :data:`MAX_TEXT_TOKENS`
tokens (about 400 characters) and none of the symbols faster-whisper suppresses
(``" # ( ) * / : ; < = > @ [ ] ^ _ { | } ~`` ...).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

# Part of every cached model's name: bump it when a builder's output changes.
BUILDER_VERSION = 1

SAMPLE_RATE = 16000
ENCODER_FRAMES = 1500  # 30 s of audio after the stride-2 convolution
DECODER_POSITIONS = 448
TIME_PRECISION = 0.02  # seconds per timestamp token and per encoder frame
N_TIMESTAMPS = 1501  # <|0.00|> .. <|30.00|>
N_TEXT_TOKENS = 50257  # ids 0..50256; 50256 is "" (see _text_vocabulary)
QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int16", "float16", "float32")
_FIXED_N_LANGUAGES = 99
# Whisper decodes at most 224 tokens per window (faster-whisper via CTranslate2 as well); the
# sentence shares them with <|0.00|> and the closing timestamp.
MAX_TEXT_TOKENS = 222

# Whisper's language tokens, in Whisper's order (<|en|> is 50259); v3 adds <|yue|>.
_WHISPER_LANGUAGES = """
en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th
ur hr bg lt la mi ml cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw gl mr
pa si km sn yo so af oc ka be tg sd gu am yi lo uz fo ht ps tk nn mt sa lb my bo tl mg as tt
haw ln ha ba jw su yue
"""
LANGUAGES: tuple[str, ...] = tuple(_WHISPER_LANGUAGES.split())
TASK_TOKENS = ("<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>")


@dataclass(frozen=True)
class WhisperShape:
    """The dimensions of a Whisper model (the feed-forward layer is 4 x ``d_model``, as in Whisper)."""

    d_model: int
    encoder_layers: int
    decoder_layers: int
    heads: int
    n_mels: int = 80
    vocab_size: int = 51865
    """51865 (99 languages, v1/v2 layout) or 51866 (v3, adds <|yue|>)."""

    @property
    def ffn_dim(self) -> int:
        return 4 * self.d_model

    @property
    def n_languages(self) -> int:
        return self.vocab_size - 51865 + 99


SIZES: dict[str, WhisperShape] = {
    "tiny-test": WhisperShape(d_model=64, encoder_layers=2, decoder_layers=2, heads=4),
    "small": WhisperShape(d_model=768, encoder_layers=12, decoder_layers=12, heads=12),
    "large-v3": WhisperShape(
        d_model=1280, encoder_layers=32, decoder_layers=32, heads=20, n_mels=128, vocab_size=51866
    ),
}


def build_random_model(folder: str | Path, size: str = "tiny-test", seed: int = 0, quantization: str = "int8") -> Path:
    """Write a Whisper model with random weights in the shape ``SIZES[size]`` into ``folder``.

    The output projection is the token embedding, as in Whisper. ``quantization`` is the
    weight type stored in ``model.bin`` (CTranslate2 converts to the compute type on load).
    """
    if size not in SIZES:
        raise ValueError(f"size {size!r}: unknown; known sizes: {', '.join(SIZES)}")
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"quantization {quantization!r}: must be one of {', '.join(QUANTIZATIONS)}")
    shape = SIZES[size]
    spec = _random_spec(shape, np.random.default_rng(seed))
    # The last half of the decoder layers, all heads: CTranslate2's converter default.
    alignment_heads = [
        (layer, head) for layer in range(shape.decoder_layers // 2, shape.decoder_layers) for head in range(shape.heads)
    ]
    meta = {"kind": "random", "size": size, "seed": seed, "quantization": quantization, "shape": asdict(shape)}
    return _save(spec, folder, shape, alignment_heads, quantization, meta)


def build_fixed_sentence_model(
    folder: str | Path, sentence: str, language: str = "nl", seed: int = 0, end_time: float = 2.0
) -> Path:
    """Write a small model into ``folder`` that answers every audio with ``sentence``.

    Decoding (greedy or beam search, any temperature) yields ``<|0.00|>``, the tokens of
    ``" " + sentence``, ``<|end_time|>`` and ``<|endoftext|>``; language detection answers
    ``language``; the no-speech probability is about 0. See the module docstring for how it
    works and for its limits. Raises ValueError for a sentence faster-whisper could never say.
    """
    text = sentence.strip()
    if not text:
        raise ValueError("sentence: must contain text")
    languages = LANGUAGES[:_FIXED_N_LANGUAGES]
    if language not in languages:
        raise ValueError(f"language {language!r}: must be one of {', '.join(languages)}")
    end_index = round(end_time / TIME_PRECISION)
    if not 0 < end_index < N_TIMESTAMPS:
        raise ValueError(f"end_time {end_time!r}: must be between 0.02 and 30.0 seconds")
    text_tokens = _speakable_tokens(_FIXED_N_LANGUAGES, text)
    if len(text_tokens) > MAX_TEXT_TOKENS:
        raise ValueError(f"sentence: {len(text_tokens)} tokens; at most {MAX_TEXT_TOKENS} fit in one window")
    ids = _special_ids(_FIXED_N_LANGUAGES)
    # The script: the model predicts script[p + 1] at decoder position p.
    script = [
        ids["<|startoftranscript|>"],
        ids[f"<|{language}|>"],
        ids["<|transcribe|>"],
        ids["timestamp_begin"],
        *text_tokens,
        ids["timestamp_begin"] + end_index,
        ids["<|endoftext|>"],
    ]
    # One orthogonal key per predicting position, and d_model > keys (they must have zero mean).
    d_model = max(128, 64 * math.ceil(len(script) / 64))
    shape = WhisperShape(d_model=d_model, encoder_layers=1, decoder_layers=1, heads=4)
    spec = _fixed_sentence_spec(shape, script, end_index, np.random.default_rng(seed))
    meta = {
        "kind": "fixed_sentence",
        "sentence": text,
        "language": language,
        "seed": seed,
        "end_time": end_index * TIME_PRECISION,
        "tokens": text_tokens,
        "shape": asdict(shape),
    }
    return _save(spec, folder, shape, [(0, 0)], "int8", meta)


def ensure_model(cache_dir: str | Path, kind: str, **kw: Any) -> Path:
    """Build a model once into ``cache_dir/<name>`` and return that folder on every later call.

    ``kind`` is ``"random"`` (keywords of :func:`build_random_model`) or ``"fixed_sentence"``
    (keywords of :func:`build_fixed_sentence_model`). The name holds a hash of the kind, all
    arguments (defaults included) and :data:`BUILDER_VERSION`. The model is built in a temporary
    folder and renamed into place, so a half-built folder is never used; when two processes
    build the same model at once, the first rename wins and the other copy is discarded.
    """
    builders: dict[str, Callable[..., Path]] = {
        "random": build_random_model,
        "fixed_sentence": build_fixed_sentence_model,
    }
    if kind not in builders:
        raise ValueError(f"kind {kind!r}: must be one of {', '.join(builders)}")
    builder = builders[kind]
    bound = inspect.signature(builder).bind("", **kw)  # TypeError for a keyword the builder lacks
    bound.apply_defaults()
    arguments = {name: value for name, value in bound.arguments.items() if name != "folder"}
    identity = json.dumps({"kind": kind, "version": BUILDER_VERSION, **arguments}, sort_keys=True, default=str)
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:12]
    label = arguments["size"] if kind == "random" else arguments["language"]
    target = Path(cache_dir) / f"{kind.replace('_', '-')}-{label}-{digest}"
    if (target / "model.bin").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        builder(staging, **arguments)
        staging.chmod(0o755)  # mkdtemp makes it private to this user
        try:
            os.rename(staging, target)
        except OSError:
            if not (target / "model.bin").is_file():
                raise
            log.debug("%s: built concurrently by another process; using that copy", target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("built synthetic Whisper model %s", target)
    return target


# --- The tokenizer ---------------------------------------------------------------------------

_SPACE = "Ġ"  # the byte-level symbol of " "


@lru_cache(maxsize=1)
def _byte_symbols() -> tuple[str, ...]:
    """GPT-2's byte-level alphabet in GPT-2's id order, so " " (Ġ) has id 220 as in Whisper."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    others = [b for b in range(256) if b not in printable]
    return tuple([chr(b) for b in printable] + [chr(256 + i) for i in range(len(others))])


@lru_cache(maxsize=1)
def _merges() -> tuple[tuple[str, str], ...]:
    """50,000 merges of two byte symbols: a space before anything, then ASCII pairs, then the rest.

    " -" and " '" must be single tokens: faster-whisper suppresses the first token of each, which
    would otherwise be the space itself.
    """
    symbols = _byte_symbols()
    ascii_symbols = [chr(c) for c in range(ord("!"), ord("~") + 1)]
    pairs: dict[tuple[str, str], None] = {}
    for pair in (
        *((_SPACE, b) for b in symbols),
        *((a, b) for a in ascii_symbols for b in ascii_symbols),
        *((a, b) for a in symbols for b in symbols),
    ):
        pairs.setdefault(pair, None)
        if len(pairs) == N_TEXT_TOKENS - 1 - len(symbols):
            break
    return tuple(pairs)


def _text_vocabulary() -> list[str]:
    """Ids 0..50256: the byte symbols, the merged pairs, and "" at 50256.

    CTranslate2 >= 4.7 treats a model as multilingual only if its vocabulary holds "".
    """
    return [*_byte_symbols(), *(a + b for a, b in _merges()), ""]


def _special_tokens(n_languages: int) -> list[str]:
    return [
        "<|endoftext|>",
        "<|startoftranscript|>",
        *(f"<|{code}|>" for code in LANGUAGES[:n_languages]),
        *TASK_TOKENS,
        "<|notimestamps|>",
    ]


def _timestamp_tokens() -> list[str]:
    return [f"<|{i * TIME_PRECISION:.2f}|>" for i in range(N_TIMESTAMPS)]


def _vocabulary(n_languages: int) -> list[str]:
    return [*_text_vocabulary(), *_special_tokens(n_languages), *_timestamp_tokens()]


def _special_ids(n_languages: int) -> dict[str, int]:
    ids = {token: N_TEXT_TOKENS + i for i, token in enumerate(_special_tokens(n_languages))}
    ids["timestamp_begin"] = N_TEXT_TOKENS + len(ids)
    return ids


@lru_cache(maxsize=2)
def _tokenizer_json(n_languages: int) -> str:
    """tokenizer.json as faster-whisper reads it (built once per process: about 0.1 s)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    vocabulary = {token: i for i, token in enumerate(_text_vocabulary())}
    tokenizer = Tokenizer(models.BPE(vocab=vocabulary, merges=list(_merges())))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in _special_tokens(n_languages)])
    tokenizer.add_tokens([AddedToken(t, special=False, normalized=False) for t in _timestamp_tokens()])
    if tokenizer.get_vocab_size() != len(_vocabulary(n_languages)):
        raise AssertionError("tokenizer and vocabulary disagree")  # a bug in this module
    return str(tokenizer.to_str())


@lru_cache(maxsize=2)
def _tokenizer(n_languages: int) -> Any:
    from tokenizers import Tokenizer

    return Tokenizer.from_str(_tokenizer_json(n_languages))


def _encode(n_languages: int, text: str) -> list[int]:
    ids = list(_tokenizer(n_languages).encode(text, add_special_tokens=False).ids)
    if _decode(n_languages, ids) != text:
        raise AssertionError(f"tokenizer does not round-trip {text!r}")  # a bug in this module
    return ids


def _speakable_tokens(n_languages: int, text: str) -> list[int]:
    """The tokens of ``" " + text``, avoiding those faster-whisper suppresses by default.

    A suppressed pair such as " -" is spelled as its two byte symbols instead; a suppressed
    single symbol (``:``, ``(``, ...) cannot be said, as with a real Whisper model. A bare
    leading space is dropped: faster-whisper suppresses it as the first token without timestamps.
    """
    suppressed = set(_non_speech_tokens(n_languages))
    symbol_ids = {symbol: i for i, symbol in enumerate(_byte_symbols())}
    vocabulary = _text_vocabulary()
    tokens: list[int] = []
    for token in _encode(n_languages, " " + text):
        if token in suppressed and token >= len(symbol_ids):
            tokens.extend(symbol_ids[symbol] for symbol in vocabulary[token])
        else:
            tokens.append(token)
    if tokens[0] == symbol_ids[_SPACE]:
        tokens = tokens[1:]
    unsayable = sorted({_decode(n_languages, [t]) for t in tokens if t in suppressed})
    if unsayable:
        raise ValueError(
            f"sentence {text!r}: faster-whisper never emits {', '.join(map(repr, unsayable))}; leave these out"
        )
    return tokens


def _decode(n_languages: int, ids: list[int]) -> str:
    return str(_tokenizer(n_languages).decode(ids))


@lru_cache(maxsize=2)
def _non_speech_tokens(n_languages: int) -> tuple[int, ...]:
    """The tokens faster-whisper suppresses by default (suppress_tokens=[-1]), from its own code."""
    from faster_whisper.tokenizer import Tokenizer as WhisperTokenizer

    whisper_tokenizer = WhisperTokenizer(_tokenizer(n_languages), True, task="transcribe", language="en")
    return tuple(int(t) for t in whisper_tokenizer.non_speech_tokens)


# --- The weights -----------------------------------------------------------------------------

_LOGIT_MARGIN = 30.0  # logit of the scripted token; every other token is near 0
_ALIGN_SHARPNESS = 6.0  # cross-attention logit at the aimed frame (wide enough for the median filter)


def _configure(spec: Any, shape: WhisperShape, alignment_heads: list[tuple[int, int]]) -> None:
    """config.json: what CTranslate2's converter writes for Whisper."""
    ids = _special_ids(shape.n_languages)
    spec.config.suppress_ids = list(_non_speech_tokens(shape.n_languages))
    spec.config.suppress_ids_begin = [_byte_symbols().index(_SPACE), ids["<|endoftext|>"]]
    spec.config.lang_ids = [ids[f"<|{code}|>"] for code in LANGUAGES[: shape.n_languages]]
    spec.config.alignment_heads = alignment_heads


def _random_spec(
    shape: WhisperShape, rng: np.random.Generator, std: float = 0.02, vocabulary_weights: bool = True
) -> Any:
    """A WhisperSpec with every weight set: N(0, std) matrices, zero biases, unit layer norms.

    ``vocabulary_weights=False`` leaves the token embedding and the output projection to the caller.
    """
    from ctranslate2.specs.whisper_spec import WhisperSpec

    d, ffn = shape.d_model, shape.ffn_dim

    def normal(*dims: int) -> np.ndarray:
        return rng.standard_normal(dims, dtype=np.float32) * np.float32(std)

    def linear(spec: Any, rows: int, cols: int) -> None:
        spec.weight = normal(rows, cols)
        spec.bias = np.zeros(rows, np.float32)

    def norm(spec: Any) -> None:
        spec.gamma = np.ones(d, np.float32)
        spec.beta = np.zeros(d, np.float32)

    def attention(spec: Any, cross: bool) -> None:
        norm(spec.layer_norm)
        if cross:
            linear(spec.linear[0], d, d)  # queries
            linear(spec.linear[1], 2 * d, d)  # keys and values of the encoder output
            linear(spec.linear[2], d, d)
        else:
            linear(spec.linear[0], 3 * d, d)  # queries, keys, values
            linear(spec.linear[1], d, d)

    def feed_forward(spec: Any) -> None:
        norm(spec.layer_norm)
        linear(spec.linear_0, ffn, d)
        linear(spec.linear_1, d, ffn)

    spec = WhisperSpec(shape.encoder_layers, shape.heads, shape.decoder_layers, shape.heads)
    encoder = spec.encoder
    encoder.conv1.weight = normal(d, shape.n_mels, 3)
    encoder.conv1.bias = np.zeros(d, np.float32)
    encoder.conv2.weight = normal(d, d, 3)
    encoder.conv2.bias = np.zeros(d, np.float32)
    encoder.position_encodings.encodings = _sinusoids(ENCODER_FRAMES, d)
    norm(encoder.layer_norm)
    for layer in encoder.layer:
        attention(layer.self_attention, cross=False)
        feed_forward(layer.ffn)
    decoder = spec.decoder
    if vocabulary_weights:
        # Tied, as in Whisper: CTranslate2 stores one copy and aliases the other.
        decoder.embeddings.weight = decoder.projection.weight = normal(shape.vocab_size, d)
    decoder.position_encodings.encodings = normal(DECODER_POSITIONS, d)
    norm(decoder.layer_norm)
    for layer in decoder.layer:
        attention(layer.self_attention, cross=False)
        attention(layer.attention, cross=True)
        feed_forward(layer.ffn)
    return spec


def _sinusoids(length: int, channels: int, max_timescale: float = 10000.0) -> np.ndarray:
    """Whisper's fixed encoder position encodings."""
    increment = np.log(max_timescale) / (channels // 2 - 1)
    inverse = np.exp(-increment * np.arange(channels // 2))
    scaled = np.arange(length)[:, None] * inverse[None, :]
    return np.concatenate([np.sin(scaled), np.cos(scaled)], axis=1).astype(np.float32)


def _zero_output(spec: Any) -> None:
    spec.weight = np.zeros_like(spec.weight)
    spec.bias = np.zeros_like(spec.bias)


def _orthogonal_keys(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` orthogonal vectors of dimension ``d`` (n < d), each with zero mean and unit variance.

    A layer norm (gamma 1, beta 0) maps each of them to itself.
    """
    basis = rng.standard_normal((d, n))
    basis -= basis.mean(axis=0)
    q, _ = np.linalg.qr(basis)
    return np.asarray(q.T * np.sqrt(d))


def _frame_code(shape: WhisperShape, end_index: int) -> np.ndarray:
    """The encoder output wanted at each frame: a bump code of the frame time, zero mean per frame.

    Dims [0, h) hold Gaussian bumps centred evenly over frames [0, end_index] (h = the head size),
    dims [h, 2h) their negatives, the rest a fixed +-1 carrier that keeps the layer norm's scale
    nearly constant.
    """
    d, h = shape.d_model, shape.d_model // shape.heads
    centres = np.linspace(0.0, end_index, h)
    width = max(4.0, end_index / (h - 1))
    frames = np.arange(ENCODER_FRAMES, dtype=np.float64)[:, None]
    bumps = np.exp(-0.5 * ((frames - centres[None, :]) / width) ** 2)
    carrier = np.tile(np.array([1.0, -1.0]), (d - 2 * h) // 2)
    code = np.concatenate([bumps, -bumps, np.broadcast_to(carrier, (ENCODER_FRAMES, d - 2 * h))], axis=1)
    return code.astype(np.float32)


def _fixed_sentence_spec(shape: WhisperShape, script: list[int], end_index: int, rng: np.random.Generator) -> Any:
    """The weights of the fixed-sentence model (see the module docstring)."""
    d = shape.d_model
    n_keys = len(script) - 1  # positions 0 .. len(script) - 2 predict the next token of the script
    spec = _random_spec(shape, rng, vocabulary_weights=False)
    code = _frame_code(shape, end_index)
    encoder = spec.encoder
    encoder.conv1.weight *= np.float32(1e-3)  # the audio barely reaches the encoder output
    encoder.conv2.weight *= np.float32(1e-3)
    encoder.position_encodings.encodings = code
    for layer in encoder.layer:
        _zero_output(layer.self_attention.linear[1])
        _zero_output(layer.ffn.linear_1)

    keys = _orthogonal_keys(n_keys, d, rng)
    decoder = spec.decoder
    decoder.embeddings.weight = np.zeros((shape.vocab_size, d), np.float32)
    positions = np.minimum(np.arange(DECODER_POSITIONS), n_keys - 1)  # past the script: <|endoftext|>
    decoder.position_encodings.encodings = keys[positions].astype(np.float32)
    for layer in decoder.layer:
        _zero_output(layer.self_attention.linear[1])
        _zero_output(layer.attention.linear[2])
        _zero_output(layer.ffn.linear_1)
    projection = np.zeros((shape.vocab_size, d), np.float64)
    for position, token in enumerate(script[1:]):
        projection[token] += _LOGIT_MARGIN * keys[position] / d
    # With <|notimestamps|> in the prompt the closing timestamp is suppressed: end the text there.
    projection[script[-1]] += 0.5 * _LOGIT_MARGIN * keys[n_keys - 2] / d
    decoder.projection.weight = projection.astype(np.float32)
    _aim_alignment_head(spec, shape, code, keys, n_text=len(script) - 6, end_index=end_index)
    return spec


def _aim_alignment_head(
    spec: Any, shape: WhisperShape, code: np.ndarray, keys: np.ndarray, n_text: int, end_index: int
) -> None:
    """Aim head 0 of the first decoder layer's cross-attention at a frame per text position.

    faster-whisper aligns text token ``j`` with the row of the position that predicts it
    (position 3 + j; the last row predicts the end). That row looks at frame
    ``end_index * j / n_text``, so words get times in proportion to their tokens.
    """
    d, h = shape.d_model, shape.d_model // shape.heads
    cross = spec.decoder.layer[0].attention
    cross.linear[1].weight[:h] = np.eye(h, d, dtype=np.float32)  # head 0's keys: the bumps of the code
    cross.linear[1].bias[:h] = 0.0
    queries = np.zeros((h, d), np.float64)
    for j in range(n_text + 1):
        # The bumps of the two centres around the target frame, linearly interpolated.
        where = (h - 1) * j / n_text
        left = min(int(where), h - 2)
        queries[left] += (left + 1 - where) * keys[3 + j] / d
        queries[left + 1] += (where - left) * keys[3 + j] / d
    # After the encoder's layer norm a bump peaks at 1/std; CTranslate2 divides scores by sqrt(h).
    std = float(np.sqrt(np.mean(code.astype(np.float64) ** 2, axis=1)).mean())
    queries *= _ALIGN_SHARPNESS * math.sqrt(h) * std
    cross.linear[0].weight[:h] = queries.astype(np.float32)
    cross.linear[0].bias[:h] = 0.0


def _save(
    spec: Any,
    folder: str | Path,
    shape: WhisperShape,
    alignment_heads: list[tuple[int, int]],
    quantization: str,
    meta: dict[str, Any],
) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    spec.register_vocabulary(_vocabulary(shape.n_languages))
    _configure(spec, shape, alignment_heads)
    spec.validate()
    spec.optimize(quantization=quantization)
    spec.save(str(folder))
    (folder / "tokenizer.json").write_text(_tokenizer_json(shape.n_languages), encoding="utf-8")
    preprocessor = json.dumps(_preprocessor_config(shape), indent=2)
    (folder / "preprocessor_config.json").write_text(preprocessor, encoding="utf-8")
    record = {**meta, "builder_version": BUILDER_VERSION, "libraries": _library_versions()}
    (folder / "synthetic_model.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    return folder


def _preprocessor_config(shape: WhisperShape) -> dict[str, Any]:
    return {
        "chunk_length": 30,
        "feature_extractor_type": "WhisperFeatureExtractor",
        "feature_size": shape.n_mels,
        "hop_length": 160,
        "n_fft": 400,
        "n_samples": 30 * SAMPLE_RATE,
        "nb_max_frames": 2 * ENCODER_FRAMES,
        "padding_side": "right",
        "padding_value": 0.0,
        "processor_class": "WhisperProcessor",
        "return_attention_mask": False,
        "sampling_rate": SAMPLE_RATE,
    }


def _library_versions() -> dict[str, str]:
    import ctranslate2
    import tokenizers

    return {"ctranslate2": ctranslate2.__version__, "tokenizers": tokenizers.__version__, "numpy": np.__version__}
