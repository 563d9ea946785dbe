"""The ``empathy-dial`` command line (INTERFACES.md section 2)."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import itertools
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import duckdb

from . import __version__, retention, warehouse
from .analysis import analysis_report, analyze_call
from .asr.settings import CHANNELS, CONFIG_ENV, DEVICES, MODEL_ENV, load_settings
from .classify import DEFAULT_CLASSIFIER, TurnClassifier, load_classifier
from .classify.pinning import ModelLoadError
from .jobs import EXIT_FAILED, EXIT_OK, EXIT_QUARANTINED, JobOptions, run
from .policy import Policy, PolicyError
from .publish import PublishError, reader_path
from .records import Quarantined
from .summary import format_run
from .transcripts import read_transcripts

log = logging.getLogger("pipeline")
ROLES = ("agent", "customer")
CLASSIFIER_HELP = "model (trained, pinned in models/pinned.toml; default), cues (rule-based), or an artifact folder"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args))
    except (
        PolicyError,
        ModelLoadError,
        warehouse.WarehouseError,
        PublishError,
        duckdb.Error,
        ValueError,
        OSError,
    ) as exc:
        print(f"empathy-dial: error: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="empathy-dial", description="Do agents dose empathy right?")
    p.add_argument("--version", action="version", version=f"empathy-dial {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log every step to stderr")
    sub = p.add_subparsers(dest="command", required=True)

    def models(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("--policy", help="dosing policy TOML file (default: $EMPATHY_DIAL_POLICY or the packaged one)")
        cmd.add_argument("--classifier", default=DEFAULT_CLASSIFIER, help=CLASSIFIER_HELP)

    r = sub.add_parser("run", help="transcribe and analyse calls into the warehouse (the nightly job)")
    r.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders of recordings and transcripts")
    r.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help=f"DuckDB file (default: ${warehouse.WAREHOUSE_ENV} or {warehouse.DEFAULT_WAREHOUSE})",
    )
    r.add_argument("--json", action="store_true", help="print the run report as JSON instead of a summary")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    r.add_argument(
        "--workers", type=int, default=None, metavar="N", help="processes analysing transcripts (default: CPU cores)"
    )
    r.add_argument("--force", action="store_true", help="re-analyse calls already loaded unchanged (after an upgrade)")
    r.add_argument(
        "--asr-model",
        default=None,
        metavar="NAME_OR_DIR",
        help=f"faster-whisper model name or local CTranslate2 folder (default: ${MODEL_ENV} or large-v3)",
    )
    r.add_argument("--asr-config", default=None, metavar="FILE", help=f"speech settings TOML (${CONFIG_ENV})")
    r.add_argument("--asr-device", choices=DEVICES, default=None, help="cpu, cuda or auto (default auto)")
    r.add_argument("--asr-batched", action="store_true", default=None, help="BatchedInferencePipeline (throughput)")
    r.add_argument("--language", default=None, help="fixed call language (nl, en); default: detected per call")
    r.add_argument("--agent-channel", choices=CHANNELS, default=None, help="stereo channel of the agent (default left)")
    models(r)
    r.set_defaults(func=_run)

    s = sub.add_parser("score", help="label turns: JSON lines in, JSON lines out")
    s.add_argument("--input", default="-", help="file of JSON lines, or - for stdin (default)")
    s.add_argument("--output", default="-", help="file to write, or - for stdout (default)")
    s.add_argument("--classifier", default=DEFAULT_CLASSIFIER, help=CLASSIFIER_HELP)
    s.set_defaults(func=_score)

    a = sub.add_parser("analyze", help="print one JSON report for a call transcript")
    a.add_argument("file", type=Path, metavar="FILE.call.json")
    models(a)
    a.set_defaults(func=_analyze)

    t = sub.add_parser("train", help="train the classifiers; promote them only if not worse than the pinned ones")
    t.add_argument("--corpus", type=Path, nargs="*", help="labelled JSON lines (default: models/data/corpus/*.jsonl)")
    t.add_argument("--out", type=Path, default=None, help="artifacts folder (default: models/artifacts)")
    t.add_argument("--version", default=None, help="artifact version (default: tfidf-lr-DATE-DATAHASH)")
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--warehouse", type=Path, default=None, help="also learn from the feedback table of this warehouse")
    t.add_argument("--no-promote", action="store_true", help="never change models/pinned.toml")
    t.add_argument("--max-train", type=int, default=None, help="use at most N training turns per role (quick runs)")
    t.add_argument(
        "--no-refit",
        action="store_true",
        help="keep the agent models fitted on the train split alone (default: refit on train + dev after tuning)",
    )
    t.add_argument(
        "--holdout-tolerance",
        type=_f1_drop,
        default=None,
        metavar="F1",
        help="promote only if no label loses more than this F1 on models/data/holdout/ (default 0.03; 1 turns it off)",
    )
    t.set_defaults(func=_train)

    e = sub.add_parser("evaluate", help="measure a classifier on labelled turns (score format plus gold fields)")
    e.add_argument("--data", type=Path, required=True, help="JSON lines with customer_state or tags/agent_mode")
    e.add_argument("--classifier", default=DEFAULT_CLASSIFIER, help=CLASSIFIER_HELP)
    e.add_argument("--format", choices=("md", "json"), default="md")
    e.set_defaults(func=_evaluate)

    pg = sub.add_parser("purge", help="retention: delete transcript text and audio references older than N days")
    pg.add_argument("--warehouse", type=Path, default=None)
    pg.add_argument(
        "--older-than-days",
        type=int,
        default=None,
        metavar="N",
        help=f"keep N days (default: ${retention.RETENTION_ENV} or {retention.DEFAULT_RETENTION_DAYS})",
    )
    pg.add_argument("--dry-run", action="store_true", help="only count what would be purged")
    pg.add_argument("--json", action="store_true", help="print the report as JSON")
    pg.set_defaults(func=_purge)

    q = sub.add_parser("query", help="run a read-only SQL query on the warehouse and print the result")
    q.add_argument("sql")
    q.add_argument("--warehouse", type=Path, default=None)
    q.set_defaults(func=_query)

    d = sub.add_parser("dashboard", help="serve the quality manager's dashboard on 127.0.0.1 (read-only)")
    d.add_argument("--warehouse", type=Path, default=None, help="warehouse whose published snapshot is shown")
    d.add_argument("--port", type=int, default=8501, help="port on 127.0.0.1 (default 8501)")
    d.set_defaults(func=_dashboard)
    return p


def _run(args: argparse.Namespace) -> int:
    options = JobOptions(
        warehouse=args.warehouse or warehouse.default_path(),
        classifier=args.classifier,
        policy=args.policy,
        progress=False if args.no_progress else None,
        force=args.force,
        workers=args.workers,
        asr=load_settings(
            args.asr_config,
            model=args.asr_model,
            device=args.asr_device,
            mode="batched" if args.asr_batched else None,
            language=args.language,
            agent_channel=args.agent_channel,
        ),
    )
    report = run(args.inputs, options)
    print(json.dumps(report.as_dict(), indent=2, default=str) if args.json else format_run(report))
    return report.exit_code


SCORE_CHUNK = 2_000


def _score(args: argparse.Namespace) -> int:
    classifier = load_classifier(args.classifier)
    errors = 0
    with _open_in(args.input) as src, _open_out(args.output) as out:
        numbered = ((n, line) for n, line in enumerate(src, start=1) if line.strip())
        while chunk := list(itertools.islice(numbered, SCORE_CHUNK)):
            results, rejected = _score_chunk(chunk, args.input, classifier)
            errors += rejected
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
    if errors:
        print(f"empathy-dial score: {errors} line(s) rejected, see the 'error' field", file=sys.stderr)
    return EXIT_QUARANTINED if errors else EXIT_OK


def _score_chunk(
    chunk: list[tuple[int, str]], name: str, classifier: TurnClassifier
) -> tuple[list[dict[str, Any]], int]:
    """Score a chunk of lines with one classifier pass per role; results keep the input order."""
    results: list[dict[str, Any]] = []
    by_role: dict[str, list[tuple[dict[str, Any], str]]] = {role: [] for role in ROLES}
    rejected = 0
    for number, line in chunk:
        record, problem = _score_record(line, f"{name}:{number}")
        result: dict[str, Any] = {"id": record.get("id")}
        if problem:
            rejected += 1
            result["error"] = problem
        else:
            by_role[record["role"]].append((result, record["text"]))
        results.append(result)
    customers = classifier.label_customer([text for _, text in by_role["customer"]])
    for (result, _), c in zip(by_role["customer"], customers, strict=True):
        result.update(customer_state=c.state, proba=c.proba, model_version=classifier.version)
    agents = classifier.label_agent([text for _, text in by_role["agent"]])
    for (result, _), a in zip(by_role["agent"], agents, strict=True):
        result.update(agent_mode=a.mode, tags=list(a.tags), proba=a.proba, model_version=classifier.version)
    return results, rejected


def _score_record(line: str, where: str) -> tuple[dict[str, Any], str | None]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {}, f"{where}: must be a JSON object ({exc})"
    if not isinstance(record, dict):
        return {}, f"{where}: must be a JSON object"
    if record.get("role") not in ROLES:
        return record, f"{where}: field 'role': must be one of {', '.join(ROLES)} (got {record.get('role')!r})"
    if not isinstance(record.get("text"), str):
        return record, f"{where}: field 'text': is required and must be a string"
    return record, None


def _analyze(args: argparse.Namespace) -> int:
    classifier = load_classifier(args.classifier)
    policy = Policy.load(args.policy)
    reports, failed = [], False
    for source, item in read_transcripts(args.file):
        if isinstance(item, Quarantined) or item is None:  # None: skipped, which analyze never asks for
            print(f"empathy-dial analyze: {item.reason if item else source}", file=sys.stderr)
            failed = True
            continue
        reports.append(analysis_report(analyze_call(item, source, classifier, policy)))
    if not reports:
        return EXIT_FAILED
    if len(reports) == 1 and not args.file.name.lower().endswith(".jsonl"):
        print(json.dumps(reports[0], indent=2, ensure_ascii=False, default=str))
    else:
        for report in reports:
            print(json.dumps(report, ensure_ascii=False, default=str))
    return EXIT_QUARANTINED if failed else EXIT_OK


def _f1_drop(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"an F1 drop between 0 and 1 is needed, got {text!r}")
    return value


def _train(args: argparse.Namespace) -> int:
    from .modeling.train import TrainOptions, train

    defaults = TrainOptions()
    options = TrainOptions(
        corpus=tuple(args.corpus) if args.corpus else defaults.corpus,
        out_dir=args.out or defaults.out_dir,
        version=args.version,
        seed=args.seed,
        warehouse=args.warehouse or (warehouse.default_path() if warehouse.default_path().exists() else None),
        promote=not args.no_promote,
        max_train=args.max_train,
        refit=not args.no_refit,
        holdout_tolerance=defaults.holdout_tolerance if args.holdout_tolerance is None else args.holdout_tolerance,
    )
    result = train(options)
    print(json.dumps(result, indent=2))
    return EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    from .modeling.corpus import read_examples
    from .modeling.evaluate import evaluate, report_markdown

    report = evaluate(load_classifier(args.classifier), read_examples([args.data]))
    print(json.dumps(report, indent=2) if args.format == "json" else report_markdown(report))
    return EXIT_OK


def _purge(args: argparse.Namespace) -> int:
    path = args.warehouse or warehouse.default_path()
    if not path.exists():
        print(f"empathy-dial purge: warehouse {path} does not exist", file=sys.stderr)
        return EXIT_FAILED
    report = retention.purge(path, args.older_than_days, dry_run=args.dry_run)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), default=str))
    else:
        verb = "would purge" if report.dry_run else "purged"
        print(
            f"empathy-dial purge: {verb} the text of {report.calls} calls ({report.turns} turns) that started "
            f"before {report.cutoff:%Y-%m-%d %H:%M} UTC and {report.recordings} recording references; "
            "labels and metrics are kept"
        )
    return EXIT_OK


def _query(args: argparse.Namespace) -> int:
    path = args.warehouse or warehouse.default_path()
    if not path.exists():
        print(f"empathy-dial query: warehouse {path} does not exist; run `empathy-dial run` first", file=sys.stderr)
        return EXIT_FAILED
    con = warehouse.connect(reader_path(path), read_only=True)  # the published snapshot: never blocks a load
    try:
        con.sql(args.sql).show(max_width=200, max_rows=200)
    finally:
        con.close()
    return EXIT_OK


def _dashboard(args: argparse.Namespace) -> int:
    from .dashboard.launch import DashboardError, serve

    try:
        serve(args.warehouse or warehouse.default_path(), args.port)  # replaces this process
    except DashboardError as exc:
        print(f"empathy-dial dashboard: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


@contextlib.contextmanager
def _open_in(name: str) -> Iterator[IO[str]]:
    if name == "-":
        yield sys.stdin
    else:
        with open(name, encoding="utf-8") as f:
            yield f


@contextlib.contextmanager
def _open_out(name: str) -> Iterator[IO[str]]:
    if name == "-":
        yield sys.stdout
    else:
        with open(name, "w", encoding="utf-8") as f:
            yield f


if __name__ == "__main__":
    sys.exit(main())
