-- Migration 1: the raw tables written by the loader (the foundation's schema). Written with
-- IF NOT EXISTS, so a warehouse created before migrations were recorded upgrades in place.
-- Times are UTC.

CREATE TABLE IF NOT EXISTS calls (
    call_id        VARCHAR PRIMARY KEY,  -- from the transcript
    started_at     TIMESTAMP,            -- call start, UTC; NULL when the transcript has none
    agent_id       VARCHAR,
    team           VARCHAR,
    queue          VARCHAR,
    language       VARCHAR,              -- nl, en, ...
    duration_s     DOUBLE,               -- end of the last turn, seconds
    source         VARCHAR,              -- file it came from (file.jsonl:LINE for JSON lines)
    source_sha256  VARCHAR,              -- hash of that file or line
    model_version  VARCHAR,              -- classifier that labelled the turns
    policy_version VARCHAR,              -- dosing policy that judged them
    loaded_at      TIMESTAMP,
    extra          VARCHAR               -- unknown transcript fields, kept as JSON text
);

CREATE TABLE IF NOT EXISTS turns (
    call_id        VARCHAR NOT NULL,
    turn_index     INTEGER NOT NULL,     -- 0-based position on the call's timeline
    speaker        VARCHAR NOT NULL,     -- agent | customer
    start_s        DOUBLE NOT NULL,
    end_s          DOUBLE NOT NULL,
    text           VARCHAR NOT NULL,     -- after PII redaction
    customer_state VARCHAR,              -- customer turns: neutral | frustrated | aggressive
    agent_mode     VARCHAR,              -- agent turns: boundary | dismissive | commiseration | empathic | solution | other
    tags           VARCHAR[],            -- agent turns: behaviour tags
    proba          VARCHAR,              -- JSON object label -> probability
    outcome        VARCHAR,              -- agent turns: dosing outcome, NULL when not judged
    explanation    VARCHAR,              -- one line naming the turns the outcome rests on
    context_turn   INTEGER,              -- the customer turn the agent turn was judged against
    policy_rule    VARCHAR,              -- name of the policy rule that matched
    extra          VARCHAR,              -- unknown turn fields from the transcript, as JSON text
    PRIMARY KEY (call_id, turn_index)
);

-- Call metrics as computed by pipeline.metrics (one definition, in Python); exposed through
-- the call_metrics view.
CREATE TABLE IF NOT EXISTS call_facts (
    call_id               VARCHAR PRIMARY KEY,
    duration_s            DOUBLE,
    n_turns               INTEGER,
    agent_turns           INTEGER,
    customer_turns        INTEGER,
    judged_turns          INTEGER,
    appropriate           INTEGER,
    dosing_score          DOUBLE,
    empathy_opportunities INTEGER,
    empathy_hits          INTEGER,
    empathy_hit_rate      DOUBLE,
    missed_empathy        INTEGER,
    over_empathy          INTEGER,
    missing_boundary      INTEGER,
    dismissive            INTEGER,
    aggression_turns      INTEGER,
    aggression_episodes   INTEGER,
    first_aggression_at_s DOUBLE,
    boundary_set          BOOLEAN,
    episodes_with_boundary INTEGER,
    seconds_to_boundary   DOUBLE,
    peak_customer_state   VARCHAR,
    final_customer_state  VARCHAR,
    deescalated           BOOLEAN,
    agent_talk_share      DOUBLE,
    customer_talk_share   DOUBLE,
    silence_share         DOUBLE,
    longest_silence_s     DOUBLE,
    overlap_count         INTEGER,   -- turns that start before the other party stopped (interruptions)
    turns_per_minute      DOUBLE
);

-- Inputs that could not be loaded. One row per source: a re-run updates it, a later
-- successful load of the same source removes it.
CREATE TABLE IF NOT EXISTS quarantine (
    source        VARCHAR PRIMARY KEY,
    reason        VARCHAR NOT NULL,       -- names the file, the field and the rule
    stage         VARCHAR NOT NULL,       -- ingest | parse | transcribe | analyze
    "at"          TIMESTAMP NOT NULL,     -- a reserved word in DuckDB: quote it in queries
    source_sha256 VARCHAR
);

-- One row per run of the job (command line or DAG).
CREATE TABLE IF NOT EXISTS runs (
    run_id       VARCHAR PRIMARY KEY,
    started_at   TIMESTAMP,
    finished_at  TIMESTAMP,
    inputs       INTEGER,   -- calls and files seen
    loaded       INTEGER,   -- calls written
    skipped      INTEGER,   -- calls already loaded with the same content and model
    quarantined  INTEGER,
    exit_code    INTEGER
);
