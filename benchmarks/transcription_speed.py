"""Transcription stage speed: audio seconds per wall-clock second, the stage against plain faster-whisper.

Both sides get the same files, the same loaded model and the same decoding settings:
- direct: ``faster_whisper.decode_audio(split_stereo=True)`` and ``WhisperModel.transcribe`` per
  channel (or ``BatchedInferencePipeline.transcribe``), segments consumed;
- stage: ``pipeline.asr.recording.transcribe_recording`` (metadata, loudness checks, speech
  regions per channel, crosstalk guard, recognition, words to regions, turns).
The stage's overhead is (stage time / direct time) - 1; the target is at most 5 %.

Without a real model (none can be downloaded here) a model of Whisper-small's shape with random
weights is built (``pipeline.asr.synthetic``): the compute per window is representative, the
text is not; random weights make every window decode to the token limit, so a real model on
real speech usually decodes fewer tokens per window. Greedy decoding at one temperature is used
for both sides (--beam-size to change), so that the random model's garbage does not trigger the
temperature fallback six times over.

    .venv/bin/python benchmarks/transcription_speed.py --calls 4 --minutes 1 --size small
    .venv/bin/python benchmarks/transcription_speed.py --model /models/faster-whisper-large-v3 --device cuda
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faster_whisper import BatchedInferencePipeline, decode_audio

from benchmarks.make_recordings import generate
from pipeline.asr.audio import RecordingError
from pipeline.asr.metadata import recording_metadata
from pipeline.asr.recording import recording_source, transcribe_recording
from pipeline.asr.settings import AsrSettings, load_settings
from pipeline.asr.synthetic import ensure_model
from pipeline.asr.transcribe import decode_options, load_model


def direct(files: list[Path], settings: AsrSettings) -> float:
    """Plain faster-whisper over both channels of every file, with the stage's decoding options."""
    model = load_model(settings)
    pipeline = BatchedInferencePipeline(model) if settings.mode == "batched" else None
    began = time.perf_counter()
    for path in files:
        # the language the stage would use: the recording's metadata, else the setting, else detected
        language = recording_metadata(path, settings.name_pattern)[0].get("language") or settings.language
        for channel in decode_audio(str(path), sampling_rate=16000, split_stereo=True):
            options = decode_options(settings, language)
            segments, info = (
                pipeline.transcribe(channel, **options) if pipeline else model.transcribe(channel, **options)
            )
            list(segments)
            language = language or info.language
    return time.perf_counter() - began


def stage(files: list[Path], settings: AsrSettings) -> float:
    began = time.perf_counter()
    for path in files:
        _, meta, origin = recording_source(path, settings)
        try:
            transcribe_recording(path, meta, origin, settings)
        except RecordingError as exc:  # random weights may say nothing usable: the work was still done
            print(f"  ({exc})", file=sys.stderr)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=1.0, help="length of each generated stereo call")
    parser.add_argument("--model", default=None, help="a real faster-whisper model name or folder")
    parser.add_argument("--size", default="small", help="random model shape when no --model (small, large-v3)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--compute-type", default=None)
    parser.add_argument("--beam-size", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=2, help="runs per side; the fastest counts")
    parser.add_argument("--modes", nargs="+", default=["sequential", "batched"], choices=["sequential", "batched"])
    parser.add_argument("--work", type=Path, default=Path("var/bench/transcription"))
    args = parser.parse_args()

    audio_dir = args.work / f"calls-{args.calls}x{args.minutes:g}min"
    if not audio_dir.exists():
        generate(audio_dir, calls=args.calls, minutes=args.minutes, layout="stereo", formats=[("pcm_s16le", 16000)])
    files = sorted(p for p in audio_dir.iterdir() if p.suffix == ".wav")
    audio_s = sum(len(decode_audio(str(p))) / 16000 for p in files)
    model = args.model or str(ensure_model(args.work / "models", "random", size=args.size))
    results: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}",
        "model": args.model or f"random weights, Whisper-{args.size} shape",
        "device": args.device,
        "files": len(files),
        "audio_s": round(audio_s, 1),
    }
    for mode in args.modes:
        settings = load_settings(
            None,
            model=model,
            device=args.device,
            compute_type=args.compute_type,
            beam_size=args.beam_size,
            temperature=[0.0],
            mode=mode,
            batch_size=args.batch_size,
        )
        load_model(settings)  # loaded once, outside the timings
        direct_s = min(direct(files, settings) for _ in range(args.repeat))
        stage_s = min(stage(files, settings) for _ in range(args.repeat))
        results[mode] = {
            "direct_s": round(direct_s, 2),
            "stage_s": round(stage_s, 2),
            "direct_audio_s_per_s": round(audio_s / direct_s, 2),
            "stage_audio_s_per_s": round(audio_s / stage_s, 2),
            "overhead_pct": round(100 * (stage_s / direct_s - 1), 1),
        }
        print(mode, json.dumps(results[mode]), flush=True)
    if len(args.modes) == 2:
        results["batched_speedup"] = round(results["sequential"]["stage_s"] / results["batched"]["stage_s"], 2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
