-- What the gap costs: rework and failure demand, priced.

-- name: tile
-- The cost of the gap over the latest ? weeks (the headline's tile).
WITH w AS (
	SELECT CAST(period_start AS DATE) AS week, gap_cost, gap_hours FROM cost
	WHERE dimension = 'all' AND grain = 'week' AND period_start IS NOT NULL
	ORDER BY week DESC LIMIT ?)
SELECT count(*) AS weeks, CAST(min(week) AS DATE) AS since,
	CAST(sum(gap_cost) AS DOUBLE) AS cost, CAST(sum(gap_hours) AS DOUBLE) AS hours
FROM w;

-- name: members
-- The organisation, then the 15 departments and the 15 teams whose gap
-- cost the most (? = the name of no member).
SELECT dimension, member, CAST(contacts AS BIGINT) AS contacts,
	CAST(agent_hours AS DOUBLE) AS agent_hours, CAST(agent_cost AS DOUBLE) AS agent_cost,
	CAST(failure_demand_cost AS DOUBLE) AS failure_demand_cost,
	CAST(gap_hours AS DOUBLE) AS gap_hours, CAST(gap_cost AS DOUBLE) AS gap_cost,
	CAST(cost_per_contact AS DOUBLE) AS cost_per_contact,
	CAST(cost_per_resolved_journey AS DOUBLE) AS cost_per_resolved_journey
FROM cost WHERE grain = 'total' AND dimension IN ('all', 'department', 'team') AND member <> ?
QUALIFY dimension = 'all' OR row_number() OVER (PARTITION BY dimension ORDER BY gap_cost DESC, member) <= 15
ORDER BY CASE dimension WHEN 'all' THEN 0 WHEN 'department' THEN 1 ELSE 2 END, gap_cost DESC, member;
