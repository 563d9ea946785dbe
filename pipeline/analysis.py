"""One call through the middle of the flow: redact, classify, judge, measure. Pure, no I/O."""

from __future__ import annotations

import dataclasses

from .classify import TurnClassifier
from .metrics import call_metrics
from .policy import Policy, PolicyTurn, judge_call
from .records import AgentLabel, Call, CallAnalysis, CustomerLabel, LabelledTurn, Source
from .redact import redact


def analyze_call(call: Call, source: Source, classifier: TurnClassifier, policy: Policy) -> CallAnalysis:
    """Label every turn of ``call``, judge its agent turns and compute the call metrics."""
    turns = tuple(dataclasses.replace(t, text=redact(t.text)) for t in call.turns)
    customer_idx = [i for i, t in enumerate(turns) if t.speaker == "customer"]
    agent_idx = [i for i, t in enumerate(turns) if t.speaker == "agent"]
    customer_labels: dict[int, CustomerLabel] = dict(
        zip(customer_idx, classifier.label_customer([turns[i].text for i in customer_idx]), strict=True)
    )
    agent_labels: dict[int, AgentLabel] = dict(
        zip(agent_idx, classifier.label_agent([turns[i].text for i in agent_idx]), strict=True)
    )
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
    metrics = call_metrics(turns, states, tags, result.judgements, result.episodes)
    return CallAnalysis(
        call=dataclasses.replace(call, turns=turns),
        source=source,
        turns=labelled,
        metrics=metrics,
        model_version=classifier.version,
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
