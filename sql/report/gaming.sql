-- Gaming signals: the gaming_signals mart's flags and the evidence behind
-- them (sql/models/gaming_signals.sql states every test). The evidence
-- queries read the contacts the mart tested: handled (handle > 0), with an
-- agent or a team.

-- name: flagged
-- Every measure of a flagged signal that carries a statistic: the test's
-- z (or the slope's t) with its threshold, the two figures it compares and
-- its interval.
SELECT dimension, member, signal, measure, statistic, p_threshold,
	estimate, lo, hi, value, baseline, contacts,
	strftime(period_start, '%Y-%m-%d') AS period_start, strftime(period_end, '%Y-%m-%d') AS period_end
FROM gaming_signals
WHERE flagged AND statistic IS NOT NULL
ORDER BY CASE dimension WHEN 'team' THEN 0 ELSE 1 END, member, signal, measure;

-- name: tests
-- How many members each signal flagged, by dimension; the members any
-- signal tested (a statistic computed), by dimension; and the p-value tests
-- the mart ran (the Bonferroni family).
SELECT dimension, signal,
	count(DISTINCT member) FILTER (WHERE flagged) AS flagged,
	(SELECT count(DISTINCT g.member) FROM gaming_signals g WHERE g.dimension = s.dimension AND g.statistic IS NOT NULL) AS tested,
	(SELECT count(p_value) FROM gaming_signals) AS family
FROM gaming_signals s
GROUP BY ALL
ORDER BY dimension, signal;

-- name: histogram
-- Handle time as a share of the contact's AHT target, in bins of b/3 from
-- 1 − 4b to 1 + 4b (? = b, then ? = the most members drawn): the centre
-- (every tested contact) and each member flagged for bunching, strongest
-- first. share: of the member's contacts in the range, those in the bin.
WITH p AS (SELECT CAST(? AS DOUBLE) AS b),
m AS (
	SELECT dimension, member, max(statistic) AS z
	FROM gaming_signals
	WHERE flagged AND signal = 'bunching' AND measure = 'density_contrast'
	GROUP BY ALL
	ORDER BY z DESC, dimension, member
	LIMIT ?
), x AS (
	SELECT agent_id, team, handle_seconds / nullif(target_handle_time_seconds, 0) AS x
	FROM contact_facts
	WHERE handle_seconds > 0 AND (agent_id IS NOT NULL OR team IS NOT NULL)
), c AS (
	SELECT 'all' AS dimension, 'all' AS member, x FROM x
	UNION ALL
	SELECT 'agent', agent_id, x FROM x WHERE agent_id IN (SELECT member FROM m WHERE dimension = 'agent')
	UNION ALL
	SELECT 'team', team, x FROM x WHERE team IN (SELECT member FROM m WHERE dimension = 'team')
), bins AS (
	SELECT k, round(1 - 4 * b + k * b / 3, 6) AS lo, round(1 - 4 * b + (k + 1) * b / 3, 6) AS hi
	FROM p, range(24) r(k)
), members AS (
	SELECT DISTINCT dimension, member FROM c
), counts AS (
	SELECT c.dimension, c.member, bins.k, count(*) AS n
	FROM c JOIN bins ON c.x >= bins.lo AND c.x < bins.hi
	GROUP BY ALL
)
SELECT ms.dimension, ms.member, bins.lo, bins.hi,
	CAST(coalesce(n.n, 0) AS BIGINT) AS contacts,
	coalesce(n.n, 0) / nullif(sum(coalesce(n.n, 0)) OVER (PARTITION BY ms.dimension, ms.member), 0) AS share
FROM members ms CROSS JOIN bins
LEFT JOIN counts n ON n.dimension = ms.dimension AND n.member = ms.member AND n.k = bins.k
LEFT JOIN m ON m.dimension = ms.dimension AND m.member = ms.member
ORDER BY CASE ms.dimension WHEN 'all' THEN 0 ELSE 1 END, m.z DESC, ms.dimension, ms.member, bins.lo;

-- name: weekly
-- The weekly AHT and 7-day repeat rate the slopes are fitted to, for the
-- teams flagged aht_down_repeats_up (? = gaming_week_contacts): whole
-- weeks inside the judged data with that many judged contacts.
WITH t AS (
	SELECT DISTINCT member FROM gaming_signals WHERE flagged AND signal = 'aht_down_repeats_up'
), base AS (
	SELECT team, business_date, handle_seconds, repeat_within_7d AS came_back
	FROM contact_facts
	WHERE handle_seconds > 0 AND (agent_id IS NOT NULL OR team IS NOT NULL)
), w AS (
	SELECT min(business_date) AS first_day, max(business_date) FILTER (WHERE came_back IS NOT NULL) AS last_judged FROM base
)
SELECT b.team AS member, strftime(CAST(date_trunc('week', b.business_date) AS DATE), '%Y-%m-%d') AS week,
	avg(b.handle_seconds) FILTER (WHERE b.came_back IS NOT NULL) AS aht_seconds,
	avg(CAST(b.came_back AS INTEGER)) AS repeat_rate,
	count(b.came_back) AS judged
FROM base b, w
WHERE b.team IN (SELECT member FROM t)
	AND date_trunc('week', b.business_date) >= w.first_day
	AND date_trunc('week', b.business_date) + INTERVAL 6 DAY <= w.last_judged
GROUP BY ALL
HAVING count(b.came_back) >= ?
ORDER BY member, week;

-- name: surveys
-- Who gets surveyed: the survey rate (a CSAT answer) of the judged
-- contacts whose customer came back within 7 days and of the others, and
-- the mean CSAT of each, for the centre and for each member flagged
-- selective_survey (? = the most drawn), strongest first.
WITH m AS (
	SELECT dimension, member, max(statistic) AS z, any_value(p_threshold) AS p_threshold,
		any_value(contacts) AS contacts
	FROM gaming_signals
	WHERE flagged AND signal = 'selective_survey' AND measure = 'came_back_survey_share'
	GROUP BY ALL
	ORDER BY z DESC, dimension, member
	LIMIT ?
), base AS (
	SELECT agent_id, team, csat, repeat_within_7d AS came_back
	FROM contact_facts
	WHERE handle_seconds > 0 AND (agent_id IS NOT NULL OR team IS NOT NULL) AND repeat_within_7d IS NOT NULL
), c AS (
	SELECT 'all' AS dimension, 'all' AS member, csat, came_back FROM base
	UNION ALL
	SELECT 'agent', agent_id, csat, came_back FROM base WHERE agent_id IN (SELECT member FROM m WHERE dimension = 'agent')
	UNION ALL
	SELECT 'team', team, csat, came_back FROM base WHERE team IN (SELECT member FROM m WHERE dimension = 'team')
)
SELECT c.dimension, c.member,
	count(c.csat) FILTER (WHERE c.came_back) / nullif(count(*) FILTER (WHERE c.came_back), 0) AS rate_came_back,
	count(c.csat) FILTER (WHERE NOT c.came_back) / nullif(count(*) FILTER (WHERE NOT c.came_back), 0) AS rate_not_back,
	avg(c.csat) FILTER (WHERE c.came_back) AS csat_came_back,
	avg(c.csat) FILTER (WHERE NOT c.came_back) AS csat_not_back,
	count(*) AS judged,
	any_value(m.z) AS statistic,
	any_value(m.p_threshold) AS p_threshold
FROM c
LEFT JOIN m ON m.dimension = c.dimension AND m.member = c.member
GROUP BY c.dimension, c.member
ORDER BY CASE c.dimension WHEN 'all' THEN 0 ELSE 1 END, statistic DESC, c.dimension, c.member;

-- name: slopes
-- The two slopes of each team flagged aht_down_repeats_up, with their
-- intervals and weekly means.
SELECT member, measure, estimate, lo, hi, value, contacts
FROM gaming_signals
WHERE flagged AND signal = 'aht_down_repeats_up' AND estimate IS NOT NULL AND lo IS NOT NULL AND hi IS NOT NULL
ORDER BY member, measure;

-- name: handoff
-- Of each member's contacts just under the target, the share passed on
-- or hung up (bunching's descriptive measure).
SELECT dimension, member, signal, measure, statistic, p_threshold,
	estimate, lo, hi, value, baseline, contacts,
	strftime(period_start, '%Y-%m-%d') AS period_start, strftime(period_end, '%Y-%m-%d') AS period_end
FROM gaming_signals
WHERE signal = 'bunching' AND measure = 'handoff_share'
ORDER BY dimension, member;
