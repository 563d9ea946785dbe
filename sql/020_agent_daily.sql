-- agent_daily: one row per agent and day, the call metrics rolled up, and the aggression the
-- agent absorbed that day (a wellbeing signal for team leads).
-- Rates are recomputed from the summed counts, never averaged over calls.
CREATE OR REPLACE VIEW agent_daily AS
SELECT
    agent_id,
    call_date                                   AS day,
    any_value(team)                             AS team,
    count(*)                                    AS calls,
    sum(duration_s)                             AS talk_time_s,
    sum(judged_turns)                           AS judged_turns,
    sum(appropriate)                            AS appropriate,
    sum(appropriate) / nullif(sum(judged_turns), 0)             AS dosing_score,
    sum(empathy_opportunities)                  AS empathy_opportunities,
    sum(empathy_hits)                           AS empathy_hits,
    sum(empathy_hits) / nullif(sum(empathy_opportunities), 0)   AS empathy_hit_rate,
    sum(missed_empathy)                         AS missed_empathy,
    sum(over_empathy)                           AS over_empathy,
    sum(missing_boundary)                       AS missing_boundary,
    sum(dismissive)                             AS dismissive,
    sum(aggression_turns)                       AS aggression_turns,
    sum(aggression_episodes)                    AS aggression_episodes,
    count(*) FILTER (WHERE aggression_turns > 0) AS calls_with_aggression,
    sum(episodes_with_boundary)                 AS episodes_with_boundary,
    count(*) FILTER (WHERE deescalated)          AS deescalated_calls,
    count(deescalated)                          AS escalated_calls
FROM call_metrics
GROUP BY agent_id, call_date;
