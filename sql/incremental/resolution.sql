-- resolution.sql — per contact source system, the journeys with a
-- resolution event that have a contact of that system: the basis of
-- resolution_systems (04_outcomes.sql). The build records it so that an
-- incremental build can tell whether the set of systems judged by events
-- changed (then every journey's basis may change, and it rebuilds fully).
SELECT s.source_system, count(DISTINCT s.journey_id) AS journeys
FROM contact_seq s
WHERE s.journey_id IN (SELECT journey_id FROM journey_events WHERE has_resolution_event)
GROUP BY s.source_system
