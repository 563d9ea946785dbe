-- view: outcome_trend
-- One row per day, team, queue and language: the dosing outcomes of the agent turns judged
-- that day, and how many escalated calls ended calmer. Sum the counts over any grouping and
-- recompute the rates from them.
-- columns:
--   day               DATE      UTC day
--   team              VARCHAR   team
--   queue             VARCHAR   queue
--   language          VARCHAR   language
--   calls             BIGINT    calls
--   judged_turns      HUGEINT   agent turns judged
--   appropriate       HUGEINT   outcome count
--   missed_empathy    HUGEINT   outcome count
--   over_empathy      HUGEINT   outcome count
--   missing_boundary  HUGEINT   outcome count
--   dismissive        HUGEINT   outcome count
--   dosing_score      DOUBLE    appropriate / judged_turns
--   escalated_calls   BIGINT    calls whose customer was ever above neutral
--   deescalated_calls BIGINT    of those, calls that ended calmer than their peak
--   deescalation_rate DOUBLE    deescalated_calls / escalated_calls
CREATE OR REPLACE VIEW outcome_trend AS
SELECT
    call_date                                   AS day,
    team,
    queue,
    language,
    count(*)                                    AS calls,
    sum(judged_turns)                           AS judged_turns,
    sum(appropriate)                            AS appropriate,
    sum(missed_empathy)                         AS missed_empathy,
    sum(over_empathy)                           AS over_empathy,
    sum(missing_boundary)                       AS missing_boundary,
    sum(dismissive)                             AS dismissive,
    sum(appropriate) / nullif(sum(judged_turns), 0) AS dosing_score,
    count(deescalated)                          AS escalated_calls,
    count(*) FILTER (WHERE deescalated)         AS deescalated_calls,
    count(*) FILTER (WHERE deescalated) / nullif(count(deescalated), 0) AS deescalation_rate
FROM call_metrics
GROUP BY call_date, team, queue, language;
