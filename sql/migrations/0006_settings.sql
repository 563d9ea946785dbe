-- Migration 6: tunable figures the marts read. Change a value with UPDATE; the marts pick it up
-- on the next query (and readers at the next published snapshot).
CREATE TABLE IF NOT EXISTS settings (
    key         VARCHAR PRIMARY KEY,
    value       DOUBLE NOT NULL,
    description VARCHAR NOT NULL
);
INSERT OR IGNORE INTO settings VALUES
    ('exposure_high_rate', 0.25,
     'aggression_exposure: a week is high when at least this share of an agent''s calls had aggression'),
    ('exposure_min_calls', 10,
     'aggression_exposure: weeks with fewer calls than this are never high (too few to judge)'),
    ('exposure_sustained_weeks', 3,
     'aggression_exposure: high weeks out of the last 4 that make the exposure sustained'),
    ('coach_weight_missing_boundary', 3,
     'coaching_queue: weight of a missing boundary (an aggressive customer left without a limit)'),
    ('coach_weight_dismissive', 3,
     'coaching_queue: weight of a dismissive turn'),
    ('coach_weight_missed_empathy', 2,
     'coaching_queue: weight of missed empathy'),
    ('coach_weight_over_empathy', 1,
     'coaching_queue: weight of over-empathy');
