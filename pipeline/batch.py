"""A batch of inputs through the flow: read, analyse, and hand rows to the warehouse.

The command line and the Airflow DAG call these same functions; the DAG only splits the
inputs into batches and stages each batch's rows as Parquet between its tasks.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from .analysis import analyze_call, analyze_calls
from .asr.settings import AsrSettings
from .classify import TurnClassifier
from .ingest import is_audio, unsupported_reason
from .policy import Policy
from .records import Call, CallAnalysis, Quarantined, Source
from .transcripts import duplicate_call_id, read_transcripts

log = logging.getLogger(__name__)


@dataclass
class BatchResult:
    analyses: list[CallAnalysis] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    skipped: int = 0
    inputs: int = 0


def analyze_inputs(
    files: Sequence[Path],
    classifier: TurnClassifier,
    policy: Policy,
    skip_hashes: set[str] | frozenset[str] = frozenset(),
    progress: bool | None = None,
    asr: AsrSettings | None = None,
) -> BatchResult:
    """Analyse every call in ``files``; bad inputs become quarantine records, never errors.

    Recordings are transcribed first (``asr`` settings, defaults when None). A call whose
    content hash is in ``skip_hashes`` (already loaded with the same model and policy) is
    counted as skipped and neither transcribed nor analysed again.
    """
    result = BatchResult()
    seen: dict[str, Source] = {}
    pending: list[tuple[Call, Source]] = []
    show = sys.stderr.isatty() if progress is None else progress
    for path in tqdm(files, desc="calls", unit="file", disable=not show):
        reason = unsupported_reason(path)
        if reason is not None:
            result.inputs += 1
            stage = "transcribe" if is_audio(path) and path.exists() else "ingest"
            log.warning("quarantined %s: %s", path, reason)
            result.quarantined.append(Quarantined(str(path), stage, reason))
            continue
        items = (
            _transcribe(path, asr or AsrSettings(), skip_hashes)
            if is_audio(path)
            else read_transcripts(path, skip_hashes)
        )
        for source, item in items:
            result.inputs += 1
            if isinstance(item, Quarantined):
                log.warning("quarantined %s: %s", source, item.reason)
                result.quarantined.append(item)
                continue
            if item is None:  # unchanged since its last load: not even transcribed or parsed
                log.info("%s unchanged since its last load, skipped", source)
                result.skipped += 1
                continue
            if item.call_id in seen:
                reason = duplicate_call_id(source, item.call_id, seen[item.call_id])
                log.warning("call_id=%s quarantined: %s", item.call_id, reason)
                result.quarantined.append(Quarantined(source.path, "validate", reason, source.sha256))
                continue
            seen[item.call_id] = source
            if source.sha256 in skip_hashes:
                log.info("call_id=%s unchanged since its last load, skipped", item.call_id)
                result.skipped += 1
                continue
            pending.append((item, source))
    result.analyses, failed = _analyze(pending, classifier, policy)
    result.quarantined += failed
    return result


def _transcribe(
    path: Path, asr: AsrSettings, skip_hashes: set[str] | frozenset[str]
) -> list[tuple[Source, Call | Quarantined | None]]:
    """A recording as a call (None: unchanged since its last load), or a quarantine record."""
    # Speech recognition is imported only when a run has recordings (it is heavy to import).
    from .asr.audio import RecordingError
    from .asr.recording import recording_source, transcribe_recording
    from .asr.transcribe import AsrModelError

    source = Source(str(path), "")
    try:
        source, meta, origin = recording_source(path, asr)
        if source.sha256 in skip_hashes:
            return [(source, None)]
        return [(source, transcribe_recording(path, meta, origin, asr))]
    except (RecordingError, AsrModelError) as exc:
        return [(source, Quarantined(str(path), "transcribe", str(exc), source.sha256))]
    except Exception as exc:  # one recording the decoder or model chokes on must not stop the batch
        log.exception("%s: transcription failed", path)
        return [(source, Quarantined(str(path), "transcribe", f"{path}: transcription failed: {exc!r}", source.sha256))]


def _analyze(
    pending: list[tuple[Call, Source]], classifier: TurnClassifier, policy: Policy
) -> tuple[list[CallAnalysis], list[Quarantined]]:
    """All calls in one classifier pass; if that fails, call by call, so one bad call costs only itself."""
    try:
        return analyze_calls(pending, classifier, policy), []
    except Exception:
        log.warning("batch analysis failed; retrying call by call to isolate the cause", exc_info=True)
    analyses, failed = [], []
    for call, source in pending:
        try:
            analyses.append(analyze_call(call, source, classifier, policy))
        except Exception as exc:  # one broken call must never stop the batch
            log.exception("call_id=%s analysis failed", call.call_id)
            failed.append(Quarantined(source.path, "analyze", f"{source}: analysis failed: {exc!r}", source.sha256))
    return analyses, failed
