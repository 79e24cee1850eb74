-- The filtered views' counts, as the gap mart counts them (gap_cells.sql,
-- the cells gap sums): judged contacts are those whose outcome is known
-- (outcome_failed not NULL).

-- name: cells
-- Contacts by department, channel, week and settledness (? = the latest
-- start of a settled contact).
SELECT coalesce(department, '(none)') AS department, coalesce(channel, '') AS channel,
	coalesce(strftime(CAST(date_trunc('week', business_date) AS DATE), '%Y-%m-%d'), '') AS week,
	coalesce(started_at <= CAST(? AS TIMESTAMPTZ), false) AS settled,
	count(*) AS contacts, count(outcome_failed) AS judged,
	coalesce(count_if(outcome_failed IS NOT NULL AND claimed_success), 0) AS claimed,
	coalesce(count_if(outcome_failed), 0) AS failed, coalesce(count_if(gap), 0) AS gap,
	count(is_repeat) AS journeyed, coalesce(count_if(is_repeat), 0) AS repeats
FROM contact_facts GROUP BY ALL ORDER BY ALL;

-- name: members
-- The settled contacts (? = the latest start of a settled contact, third)
-- of each agent and team by department, channel and band: 2 from the
-- first ? (the last 4 weeks), 1 from the second ? (the last quarter), else 0.
WITH c AS (
	SELECT agent_id, team, coalesce(department, '(none)') AS department, coalesce(channel, '') AS channel,
		CASE WHEN business_date >= CAST(? AS DATE) THEN 2 WHEN business_date >= CAST(? AS DATE) THEN 1 ELSE 0 END AS band,
		outcome_failed, claimed_success, gap
	FROM contact_facts WHERE started_at <= CAST(? AS TIMESTAMPTZ)),
counted AS (
	SELECT CASE WHEN grouping(agent_id) = 0 THEN 'agent' ELSE 'team' END AS level,
		CASE WHEN grouping(agent_id) = 0 THEN agent_id ELSE team END AS member, department, channel, band,
		count(*) AS contacts, count(outcome_failed) AS judged,
		coalesce(count_if(outcome_failed IS NOT NULL AND claimed_success), 0) AS claimed,
		coalesce(count_if(outcome_failed), 0) AS failed, coalesce(count_if(gap), 0) AS gap
	FROM c GROUP BY GROUPING SETS ((agent_id, department, channel, band), (team, department, channel, band)))
SELECT level, member, department, channel, CAST(band AS BIGINT) AS band, contacts, judged, claimed, failed, gap
FROM counted WHERE member IS NOT NULL ORDER BY ALL;
