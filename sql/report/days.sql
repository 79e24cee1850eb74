-- Days to a verified resolution, by the channel the journey started in.

-- name: channels
-- Every journey that reached a verified resolution, by the channel of its
-- first contact (the first row: all channels, is_total), with the median
-- and 90th percentile of its days and how many fall in each bin [lo, hi)
-- of days: b0 same day [0, 1), b1 [1, 2), b2 [2, 4), b3 [4, 8), b4 [8, 15),
-- b5 [15, 31), b6 [31, 61), b7 61 and more (reports/journeys.go
-- dayBuckets names them, in this order).
WITH j AS (
	SELECT f.channel, CAST(j.days_to_resolution AS DOUBLE) AS d
	FROM journeys j JOIN contact_facts f ON f.journey_id = j.journey_id AND f.seq_in_journey = 1
	WHERE j.verified_resolved AND j.days_to_resolution IS NOT NULL)
SELECT channel, grouping(channel) = 1 AS is_total, count(*) AS journeys,
	median(d) AS median_days, quantile_cont(d, 0.9) AS p90_days,
	count(*) FILTER (WHERE d >= 0 AND d < 1) AS b0, count(*) FILTER (WHERE d >= 1 AND d < 2) AS b1,
	count(*) FILTER (WHERE d >= 2 AND d < 4) AS b2, count(*) FILTER (WHERE d >= 4 AND d < 8) AS b3,
	count(*) FILTER (WHERE d >= 8 AND d < 15) AS b4, count(*) FILTER (WHERE d >= 15 AND d < 31) AS b5,
	count(*) FILTER (WHERE d >= 31 AND d < 61) AS b6, count(*) FILTER (WHERE d >= 61) AS b7
FROM j GROUP BY GROUPING SETS ((channel), ())
ORDER BY is_total DESC, journeys DESC, channel LIMIT 13;
