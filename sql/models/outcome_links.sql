-- model: outcome_links
-- reads: outcome_events, contact_seq
-- scope: person
-- mart: monthly strftime(make_timestamp(epoch_us(occurred_at)), '%Y-%m')
-- key: journey_id
-- outcome_links — which journey each customer-outcome event attaches to.
--
-- Variables: outcome_horizon (INTERVAL, default 90 days).
--
-- An event attaches by case: when its case_id is the case of a journey, it
-- belongs to that journey (to each, if several persons' journeys share the
-- case) and to nothing else. An event with no case_id, or whose case is no
-- journey's, attaches by person: to the person's latest journey that
-- started at or before the event. Either way it counts only up to
-- outcome_horizon after the journey's last contact; case events may come
-- before the first contact (a case opened on the web), person events not.
-- Events that attach nowhere are counted in the coverage mart.
--   event_id, source_system, kind, occurred_at, journey_id,
--   attached_by ('case' | 'person')

-- Only the journeys an event could attach to: of persons with events, or
-- of cases with events.
CREATE OR REPLACE TEMP TABLE journey_spans AS
SELECT journey_id, person_id, case_id, started_at AS first_at, last_at
FROM contact_seq
WHERE seq = 1
  AND (person_id IN (SELECT person_id FROM outcome_events WHERE person_id IS NOT NULL)
       OR case_id IN (SELECT case_id FROM outcome_events WHERE case_id IS NOT NULL));

CREATE OR REPLACE TEMP TABLE outcome_links AS
WITH case_match AS (
    SELECT o.event_id, o.source_system, o.kind, o.occurred_at, j.journey_id, j.last_at
    FROM outcome_events o
    JOIN journey_spans j ON j.case_id = o.case_id
), by_person AS (
    SELECT o.event_id, o.source_system, o.kind, o.occurred_at, j.journey_id, j.last_at
    FROM (SELECT * FROM outcome_events e
          WHERE e.person_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM case_match m
                            WHERE m.event_id = e.event_id AND m.source_system = e.source_system)) o
    ASOF JOIN journey_spans j
           ON j.person_id = o.person_id AND o.occurred_at >= j.first_at
)
SELECT event_id, source_system, kind, occurred_at, journey_id, 'case' AS attached_by
FROM case_match WHERE occurred_at <= last_at + getvariable('outcome_horizon')
UNION ALL
SELECT event_id, source_system, kind, occurred_at, journey_id, 'person' AS attached_by
FROM by_person WHERE occurred_at <= last_at + getvariable('outcome_horizon');

-- Its working tables go once it is made (the build holds every table
-- to its end: at 100M contacts gaming_base was 100M rows through the
-- models after it).
DROP TABLE journey_spans;
