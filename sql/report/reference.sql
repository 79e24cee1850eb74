-- The reference sections: the targets in force, data coverage, rejected
-- rows.

-- name: targets
-- The targets the marts were built with (metric_targets), in the
-- catalog's order, the most general level first.
SELECT metric, level, member, CAST(target AS DOUBLE) AS target, unit, good
FROM metric_targets
ORDER BY ordinal, metric, level_rank, level, member;

-- name: sources
-- Each source system's contacts, their span in the business time zone
-- (? twice) and the share of them with each join key.
SELECT source_system, count(*) AS contacts,
	timezone(?, min(started_at)) AS first, timezone(?, max(started_at)) AS last,
	count(person_id) / count(*) AS with_person, count(case_id) / count(*) AS with_case,
	count(csat) / count(*) AS with_csat, count(agent_id) / count(*) AS with_agent
FROM contact_facts
GROUP BY source_system
ORDER BY contacts DESC, source_system;

-- name: rejects
-- The 25 most common reasons rows were rejected, with the first example
-- of each and the total.
SELECT "table", "column", reason, count(*) AS rows,
	min(_source_file) AS example_file, CAST(min(_source_line) AS BIGINT) AS example_line,
	CAST(sum(count(*)) OVER () AS BIGINT) AS total
FROM rejects
GROUP BY ALL
ORDER BY rows DESC, "table", "column", reason
LIMIT 25;
