"""One call through the middle of the flow: redact, classify, judge, measure. Pure, no I/O."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .classify import TurnClassifier
from .metrics import call_metrics
from .policy import Policy, PolicyTurn, judge_call
from .records import AgentLabel, Call, CallAnalysis, CustomerLabel, LabelledTurn, Source, Turn
from .redact import redact


def analyze_call(call: Call, source: Source, classifier: TurnClassifier, policy: Policy) -> CallAnalysis:
    """Label every turn of ``call``, judge its agent turns and compute the call metrics."""
    return analyze_calls([(call, source)], classifier, policy)[0]


def analyze_calls(
    items: Sequence[tuple[Call, Source]], classifier: TurnClassifier, policy: Policy
) -> list[CallAnalysis]:
    """:func:`analyze_call` for many calls, with one classifier pass over all their turns."""
    redacted = [tuple(dataclasses.replace(t, text=redact(t.text)) for t in call.turns) for call, _ in items]
    where = {
        role: [(c, i) for c, turns in enumerate(redacted) for i, t in enumerate(turns) if t.speaker == role]
        for role in ("customer", "agent")
    }
    customer_labels = classifier.label_customer([redacted[c][i].text for c, i in where["customer"]])
    agent_labels = classifier.label_agent([redacted[c][i].text for c, i in where["agent"]])
    per_call_customer: list[dict[int, CustomerLabel]] = [{} for _ in items]
    per_call_agent: list[dict[int, AgentLabel]] = [{} for _ in items]
    for (c, i), label in zip(where["customer"], customer_labels, strict=True):
        per_call_customer[c][i] = label
    for (c, i), agent_label in zip(where["agent"], agent_labels, strict=True):
        per_call_agent[c][i] = agent_label
    return [
        _judge_and_measure(call, source, turns, customer, agent, classifier.version, policy)
        for (call, source), turns, customer, agent in zip(
            items, redacted, per_call_customer, per_call_agent, strict=True
        )
    ]


def _judge_and_measure(
    call: Call,
    source: Source,
    turns: tuple[Turn, ...],
    customer_labels: dict[int, CustomerLabel],
    agent_labels: dict[int, AgentLabel],
    model_version: str,
    policy: Policy,
) -> CallAnalysis:
    states = {i: label.state for i, label in customer_labels.items()}
    tags = {i: frozenset(label.tags) for i, label in agent_labels.items()}
    result = judge_call(
        [PolicyTurn(i, t.speaker, t.start, states.get(i), tags.get(i, frozenset())) for i, t in enumerate(turns)],
        policy,
    )
    labelled = tuple(
        LabelledTurn(
            index=i,
            turn=t,
            customer=customer_labels.get(i),
            agent=agent_labels.get(i),
            judgement=result.judgements.get(i),
        )
        for i, t in enumerate(turns)
    )
    return CallAnalysis(
        call=dataclasses.replace(call, turns=turns),
        source=source,
        turns=labelled,
        metrics=call_metrics(turns, states, tags, result.judgements, result.episodes),
        model_version=model_version,
        policy_version=policy.version,
    )


def analysis_report(analysis: CallAnalysis) -> dict[str, object]:
    """The JSON report of ``empathy-dial analyze``: turns with labels and verdicts, then metrics."""
    call = analysis.call
    turns = []
    for lt in analysis.turns:
        row: dict[str, object] = {
            "turn_index": lt.index,
            "speaker": lt.turn.speaker,
            "start": lt.turn.start,
            "end": lt.turn.end,
            "text": lt.turn.text,
        }
        if lt.customer:
            row.update(customer_state=lt.customer.state, proba=lt.customer.proba)
        if lt.agent:
            row.update(agent_mode=lt.agent.mode, tags=list(lt.agent.tags), proba=lt.agent.proba)
        if lt.judgement:
            row.update(outcome=lt.judgement.outcome, explanation=lt.judgement.explanation)
        turns.append(row)
    return {
        "call_id": call.call_id,
        "started_at": call.started_at,
        "agent_id": call.agent_id,
        "team": call.team,
        "queue": call.queue,
        "language": call.language,
        "source": analysis.source.path,
        "model_version": analysis.model_version,
        "policy_version": analysis.policy_version,
        "turns": turns,
        "metrics": analysis.metrics,
    }
