-- model: resolution_systems
-- reads: contact_seq, journey_events
-- scope: lake
-- resolution_systems — the contact source systems whose journeys receive
-- resolution events, with how many of their journeys do. Their journeys
-- that carry a case (the link resolution events travel by) are judged by
-- those events (resolution_basis 'event', journeys.sql); case-less
-- journeys and other systems' journeys by the measured-FCR convention
-- ('measured'). The variable resolution ('auto', 'events', 'measured') can
-- force one basis.
--
-- Scope lake: which systems these are decides the basis of every journey.
-- An incremental build runs this model over the recomputed persons and adds
-- the counts to the previous build's, less those of the journeys it
-- replaces (pipeline/build, sql/incremental/resolution_removed.sql); when
-- the set of systems changes, it rebuilds in full.
--   source_system, journeys

CREATE OR REPLACE TEMP TABLE resolution_systems AS
SELECT s.source_system, count(DISTINCT s.journey_id) AS journeys
FROM contact_seq s
WHERE s.journey_id IN (SELECT journey_id FROM journey_events WHERE has_resolution_event)
GROUP BY s.source_system;
