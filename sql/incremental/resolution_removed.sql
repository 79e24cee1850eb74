-- resolution_removed.sql — resolution.sql's count for the previous journeys
-- an incremental build replaces, from the previous marts.
SELECT r.source_system, count(DISTINCT r.journey_id) AS journeys
FROM inc_removed_contacts r
SEMI JOIN (SELECT journey_id FROM old_journeys WHERE has_resolution_event) j ON j.journey_id = r.journey_id
GROUP BY r.source_system
