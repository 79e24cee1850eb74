-- The FCR ladder: claimed first-contact resolution against what the
-- customers' next contacts show.

-- name: rungs
-- Every rung of the organisation and of each department (? = the name of
-- no department), the organisation first, then the departments with the
-- most judged contacts at the first rung.
WITH l AS (
	SELECT dimension, member, CAST(window_days AS BIGINT) AS window_days,
		CAST(judged_contacts AS BIGINT) AS judged, CAST(claimed_fcr AS DOUBLE) AS claimed, CAST(measured_fcr AS DOUBLE) AS measured,
		sum(judged_contacts) FILTER (WHERE window_days = 1) OVER (PARTITION BY dimension, member) AS size
	FROM fcr_ladder WHERE grain = 'total' AND dimension IN ('all', 'department') AND member <> ? AND judged_contacts > 0)
SELECT dimension, member, window_days, judged, claimed, measured
FROM l ORDER BY CASE dimension WHEN 'all' THEN 0 ELSE 1 END, size DESC, member, window_days;
