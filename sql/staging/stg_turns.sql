-- view: stg_turns
-- One row per turn: the turns table renamed and cast for the marts (nothing computed).
-- columns:
--   call_id        VARCHAR    the call the turn belongs to
--   turn_index     INTEGER    0-based position on the call's timeline
--   speaker        VARCHAR    agent | customer
--   start_s        DOUBLE     start, seconds from the call start
--   end_s          DOUBLE     end, seconds from the call start
--   text           VARCHAR    redacted text (NULL once purged)
--   customer_state VARCHAR    customer turns: neutral | frustrated | aggressive
--   agent_mode     VARCHAR    agent turns: boundary | dismissive | commiseration | empathic | solution | other
--   tags           VARCHAR[]  agent turns: behaviour tags
--   proba          JSON       label -> probability
--   outcome        VARCHAR    agent turns: dosing outcome (NULL when not judged)
--   explanation    VARCHAR    one line naming the turns the outcome rests on
--   context_turn   INTEGER    turn_index of the customer turn the agent turn was judged against
--   policy_rule    VARCHAR    the policy rule that matched
CREATE OR REPLACE VIEW stg_turns AS
SELECT
    call_id,
    CAST(turn_index AS INTEGER)   AS turn_index,
    speaker,
    CAST(start_s AS DOUBLE)       AS start_s,
    CAST(end_s AS DOUBLE)         AS end_s,
    text,
    customer_state,
    agent_mode,
    tags,
    CAST(proba AS JSON)           AS proba,
    outcome,
    explanation,
    CAST(context_turn AS INTEGER) AS context_turn,
    policy_rule
FROM turns;
