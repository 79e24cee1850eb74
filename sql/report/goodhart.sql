-- The Goodhart panel: does meeting a KPI help the customer?

-- name: members
-- The 1,000 agents and the 1,000 teams with the most settled contacts (?:
-- the latest start of a settled contact), each with its customer success
-- and, a row a KPI (every met_<kpi> flag of contact_facts), the share of its
-- contacts that met the KPI and, of those, the share whose customer came
-- back. Open contacts (repeat window not yet closed) are neither success
-- nor failure: outcome_failed is NULL and avg skips them. One scan for both
-- levels and every KPI; the KPIs are unpivoted after the aggregate.
WITH c AS (
	SELECT agent_id, team, outcome_failed, followed_by_repeat, COLUMNS('^met_')
	FROM contact_facts WHERE started_at <= CAST(? AS TIMESTAMPTZ)),
m AS (
	SELECT CASE WHEN grouping(agent_id) = 0 THEN 'agent' ELSE 'team' END AS level,
		coalesce(agent_id, team) AS member, count(*) AS contacts,
		1 - avg(CAST(outcome_failed AS DOUBLE)) AS customer_rate,
		avg(CAST(COLUMNS('^met_(.*)$') AS DOUBLE)) AS 'rate_\1',
		avg(CASE WHEN COLUMNS('^met_(.*)$') THEN CAST(followed_by_repeat AS DOUBLE) END) AS 'back_\1'
	FROM c GROUP BY GROUPING SETS ((agent_id), (team))
	HAVING coalesce(agent_id, team) IS NOT NULL
	QUALIFY row_number() OVER (PARTITION BY level ORDER BY contacts DESC, member) <= 1000),
r AS (SELECT * FROM (SELECT level, member, COLUMNS('^rate_') FROM m)
	UNPIVOT INCLUDE NULLS (met_rate FOR kpi IN (COLUMNS('^rate_')))),
k AS (SELECT * FROM (SELECT level, member, COLUMNS('^back_') FROM m)
	UNPIVOT INCLUDE NULLS (back_rate FOR kpi IN (COLUMNS('^back_'))))
SELECT m.level, m.member, CAST(m.contacts AS BIGINT) AS contacts, CAST(m.customer_rate AS DOUBLE) AS customer_rate,
	'met_' || substr(r.kpi, 6) AS kpi, CAST(r.met_rate AS DOUBLE) AS met_rate, CAST(k.back_rate AS DOUBLE) AS back_rate
FROM m JOIN r ON r.level = m.level AND r.member = m.member
JOIN k ON k.level = m.level AND k.member = m.member AND substr(k.kpi, 6) = substr(r.kpi, 6)
ORDER BY m.level, m.contacts DESC, m.member, kpi;

-- name: correlation
-- The kpi_outcome_correlation mart: Spearman's rho between meeting a KPI
-- and failing customers, across agents and across teams.
SELECT kpi, dimension AS level, CAST(spearman_rho AS DOUBLE) AS rho, CAST(n AS BIGINT) AS n
FROM kpi_outcome_correlation ORDER BY level, kpi;
