-- Claimed against verified resolution, department by department.

-- name: departments
-- The 30 departments with the most settled contacts (? = the name of no
-- department), and how many have judged contacts.
WITH d AS (
	SELECT member AS department, contacts, judged_contacts AS judged,
		claimed_resolution_contacts AS claimed_n, verified_resolution_contacts AS verified_n,
		handle_time_seconds AS aht_seconds, target_handle_time_seconds AS aht_target_seconds
	FROM gap WHERE dimension = 'department' AND grain = 'settled' AND member <> ? AND judged_contacts > 0)
SELECT department, CAST(contacts AS BIGINT) AS contacts,
	CAST(claimed_n / judged AS DOUBLE) AS claimed, CAST(verified_n / judged AS DOUBLE) AS verified,
	CAST(aht_seconds AS DOUBLE) AS aht_seconds, CAST(aht_target_seconds AS DOUBLE) AS aht_target_seconds,
	count(*) OVER () AS departments
FROM d ORDER BY contacts DESC, department LIMIT 30;
