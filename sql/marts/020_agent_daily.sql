-- view: agent_daily
-- One row per agent and day: the call metrics rolled up, and the aggression the agent absorbed
-- that day (a wellbeing signal for team leads). Rates are recomputed from the summed counts,
-- never averaged over calls.
-- columns:
--   agent_id               VARCHAR   the agent
--   day                    DATE      UTC day
--   team                   VARCHAR   the agent's team that day
--   calls                  BIGINT    calls taken
--   talk_time_s            DOUBLE    summed call duration, seconds
--   judged_turns           HUGEINT   agent turns judged by the policy
--   appropriate            HUGEINT   judged turns with outcome appropriate
--   dosing_score           DOUBLE    appropriate / judged_turns
--   empathy_opportunities  HUGEINT   answers to frustrated customer turns
--   empathy_hits           HUGEINT   opportunities answered with empathy
--   empathy_hit_rate       DOUBLE    empathy_hits / empathy_opportunities
--   missed_empathy         HUGEINT   outcome count
--   over_empathy           HUGEINT   outcome count
--   missing_boundary       HUGEINT   outcome count
--   dismissive             HUGEINT   outcome count
--   aggression_turns       HUGEINT   aggressive customer turns absorbed
--   aggression_episodes    HUGEINT   aggressive episodes
--   calls_with_aggression  BIGINT    calls with at least one aggressive turn
--   episodes_with_boundary HUGEINT   aggressive episodes in which a boundary was set
--   deescalated_calls      BIGINT    escalated calls that ended calmer than their peak
--   escalated_calls        BIGINT    calls whose customer was ever above neutral
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
