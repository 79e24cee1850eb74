-- The gap rate by department and week.

-- name: cells
-- The weeks of the 30 departments with the most contacts (? = the name of
-- no department), over the latest 52 weeks.
WITH g AS (
	SELECT member, CAST(period_start AS DATE) AS week, coalesce(settled, false) AS settled, CAST(contacts AS BIGINT) AS contacts,
		CAST(gap_contacts AS BIGINT) AS gap_contacts, CAST(claimed_success_contacts AS BIGINT) AS claimed
	FROM gap WHERE dimension = 'department' AND grain = 'week' AND period_start IS NOT NULL AND member <> ?),
d AS (SELECT member, sum(contacts) AS n FROM g GROUP BY member ORDER BY n DESC, member LIMIT 30),
w AS (SELECT DISTINCT week FROM g ORDER BY week DESC LIMIT 52)
SELECT g.member AS department, g.week, g.settled, g.contacts, g.gap_contacts, g.claimed
FROM g JOIN d USING (member) JOIN w USING (week)
ORDER BY d.n DESC, department, g.week;
