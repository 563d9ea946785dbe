-- view: team_weekly
-- One row per team and ISO week (weeks start on Monday): the call metrics rolled up.
-- Rates are recomputed from the summed counts.
-- columns:
--   team                   VARCHAR   the team
--   week                   DATE      Monday of the week (UTC)
--   calls                  BIGINT    calls taken
--   agents                 BIGINT    agents who took calls
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
--   aggression_turns       HUGEINT   aggressive customer turns
--   aggression_episodes    HUGEINT   aggressive episodes
--   calls_with_aggression  BIGINT    calls with at least one aggressive turn
--   episodes_with_boundary HUGEINT   aggressive episodes in which a boundary was set
--   boundary_rate          DOUBLE    episodes_with_boundary / aggression_episodes
--   escalated_calls        BIGINT    calls whose customer was ever above neutral
--   deescalated_calls      BIGINT    of those, calls that ended calmer than their peak
--   deescalation_rate      DOUBLE    deescalated_calls / escalated_calls
CREATE OR REPLACE VIEW team_weekly AS
SELECT
    team,
    CAST(date_trunc('week', call_date) AS DATE)  AS week,
    count(*)                                     AS calls,
    count(DISTINCT agent_id)                     AS agents,
    sum(duration_s)                              AS talk_time_s,
    sum(judged_turns)                            AS judged_turns,
    sum(appropriate)                             AS appropriate,
    sum(appropriate) / nullif(sum(judged_turns), 0)              AS dosing_score,
    sum(empathy_opportunities)                   AS empathy_opportunities,
    sum(empathy_hits)                            AS empathy_hits,
    sum(empathy_hits) / nullif(sum(empathy_opportunities), 0)    AS empathy_hit_rate,
    sum(missed_empathy)                          AS missed_empathy,
    sum(over_empathy)                            AS over_empathy,
    sum(missing_boundary)                        AS missing_boundary,
    sum(dismissive)                              AS dismissive,
    sum(aggression_turns)                        AS aggression_turns,
    sum(aggression_episodes)                     AS aggression_episodes,
    count(*) FILTER (WHERE aggression_turns > 0) AS calls_with_aggression,
    sum(episodes_with_boundary)                  AS episodes_with_boundary,
    sum(episodes_with_boundary) / nullif(sum(aggression_episodes), 0) AS boundary_rate,
    count(deescalated)                           AS escalated_calls,
    count(*) FILTER (WHERE deescalated)          AS deescalated_calls,
    count(*) FILTER (WHERE deescalated) / nullif(count(deescalated), 0) AS deescalation_rate
FROM call_metrics
GROUP BY team, week;
