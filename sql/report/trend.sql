-- The trend: the KPI view against the customer view, week by week.

-- name: weeks
-- The latest 104 weeks of the gap mart, newest first (Go reverses them).
SELECT CAST(period_start AS DATE) AS week, coalesce(settled, false) AS settled,
	CAST(contacts AS BIGINT) AS contacts,
	CAST(judged_contacts AS BIGINT) AS judged, CAST(claimed_success_contacts AS BIGINT) AS claimed,
	CAST(outcome_failed_contacts AS BIGINT) AS failed, CAST(gap_contacts AS BIGINT) AS gap_contacts,
	CAST(failure_demand_ratio AS DOUBLE) AS failure_demand_share
FROM gap WHERE dimension = 'all' AND grain = 'week' AND period_start IS NOT NULL
ORDER BY week DESC LIMIT 104;
