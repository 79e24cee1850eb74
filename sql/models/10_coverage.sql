-- 10_coverage.sql — what the marts are built from: one row of counts for
-- the report's data-coverage panel and for checking a build.
--   open_contacts / open_journeys  censored: their end is not judged yet
--   outcomes_unattached            events that matched no journey

CREATE OR REPLACE TEMP TABLE coverage AS
SELECT
    (SELECT count(*) FROM contact_facts) AS contacts,
    (SELECT count(*) FROM contact_facts WHERE person_id IS NULL) AS anonymous_contacts,
    (SELECT count(*) FROM contact_facts WHERE window_open) AS open_contacts,
    (SELECT count(outcome_failed) FROM contact_facts) AS judged_contacts,
    (SELECT count(DISTINCT person_id) FROM contact_facts) AS persons,
    (SELECT count(*) FROM journeys) AS journeys,
    (SELECT count(*) FROM journeys WHERE outcome = 'open') AS open_journeys,
    (SELECT count(*) FROM journeys WHERE resolution_basis = 'event') AS event_basis_journeys,
    (SELECT count(*) FROM journeys WHERE resolution_basis = 'measured') AS measured_basis_journeys,
    (SELECT count(*) FROM outcome_events) AS outcomes,
    (SELECT count(DISTINCT (source_system, event_id)) FROM outcome_links) AS outcomes_attached,
    (SELECT count(*) FROM outcome_events)
        - (SELECT count(DISTINCT (source_system, event_id)) FROM outcome_links) AS outcomes_unattached,
    (SELECT count(*) FROM contact_facts WHERE csat IS NOT NULL) AS rated_contacts,
    (SELECT min(started_at) FROM contact_facts) AS first_contact_at,
    (SELECT max(started_at) FROM contact_facts) AS last_contact_at,
    getvariable('data_end') AS data_end,
    epoch(getvariable('repeat_window')) / 86400.0 AS repeat_window_days,
    epoch(getvariable('outcome_horizon')) / 86400.0 AS outcome_horizon_days,
    getvariable('time_zone') AS time_zone,
    (SELECT string_agg(metric, ',' ORDER BY ordinal) FROM kpi_catalog WHERE in_scorecard) AS scorecard;

CREATE OR REPLACE TEMP TABLE metric_targets AS
SELECT c.ordinal, k.metric, c.kind, c.unit, c.good, c.in_scorecard, k.level,
       CASE k.level WHEN 'team' THEN 1 WHEN 'department' THEN 2 WHEN 'channel' THEN 3 ELSE 4 END AS level_rank,
       k.member, k.target
FROM kpi_targets k
JOIN kpi_catalog c USING (metric)
WHERE k.target IS NOT NULL;
