-- model: outcome_events
-- reads: outcomes, identities
-- scope: person
-- outcome_events — the outcome events in force, with the person behind
-- each (person_of, as for contacts).
--
-- Variables: as_of (events after it are ignored).

CREATE OR REPLACE TEMP TABLE outcome_events AS
SELECT
    o.event_id, o.source_system, o.kind, o.occurred_at,
    nullif(trim(o.case_id), '') AS case_id,
    person_of(o.source_system, o.customer_key, i.person_id) AS person_id
FROM outcomes o
LEFT JOIN identities i
       ON i.source_system = o.source_system AND i.customer_key = o.customer_key
WHERE getvariable('as_of') IS NULL OR o.occurred_at <= getvariable('as_of');
