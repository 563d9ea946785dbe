-- feedback: label corrections from quality managers (the dashboard writes them through the one
-- writer path). Training reads the latest correction per turn and field.
CREATE TABLE IF NOT EXISTS feedback (
    call_id         VARCHAR NOT NULL,
    turn_index      INTEGER NOT NULL,
    field           VARCHAR NOT NULL,   -- customer_state | tags | agent_mode
    corrected_value VARCHAR NOT NULL,   -- a state, a mode, or a JSON list of tags
    old_value       VARCHAR,
    who             VARCHAR NOT NULL,
    "at"            TIMESTAMP NOT NULL
);
