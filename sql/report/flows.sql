-- Journeys across departments and channels: hops and loops.

-- name: edges
-- The 50 largest moves of the journey_flows mart.
SELECT from_node, to_node, CAST(journeys AS BIGINT) AS journeys,
	CAST(loop_journeys AS BIGINT) AS loop_journeys, CAST(ping_pong_journeys AS BIGINT) AS ping_pong_journeys
FROM journey_flows WHERE journeys > 0 AND from_node IS NOT NULL AND to_node IS NOT NULL
ORDER BY journeys DESC, from_node, to_node LIMIT 50;

-- name: journeys
-- How many journeys crossed a boundary (a hop) and came back to a place
-- already visited (a loop).
SELECT count(*) AS journeys, count(*) FILTER (WHERE hops > 0) AS hopped, count(*) FILTER (WHERE loops > 0) AS looped
FROM journeys;

-- name: ping_pongs
-- The journeys that passed the customer back to the department they had
-- just left (A → B → A), and the pair of departments that did so most.
WITH p AS (
	SELECT least(department, prev) AS a, greatest(department, prev) AS b, count(*) AS n FROM (
		SELECT coalesce(department, '(none)') AS department, ping_pong,
			lag(coalesce(department, '(none)')) OVER (PARTITION BY journey_id ORDER BY seq_in_journey) AS prev
		FROM contact_facts WHERE journey_contacts >= 3)
	WHERE ping_pong GROUP BY ALL)
SELECT (SELECT count(*) FILTER (WHERE ping_pongs > 0) FROM journeys) AS journeys, a, b, CAST(n AS BIGINT) AS n
FROM p ORDER BY n DESC, a, b LIMIT 1;
