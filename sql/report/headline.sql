-- The report's frame: the schema it checks sections against, the period
-- the data covers and the whole-period rates of the headline.

-- name: schema
SELECT table_name, column_name, data_type
FROM information_schema.columns
WHERE table_catalog = current_database() AND table_schema = current_schema()
ORDER BY table_name, column_name;

-- name: span
-- ? = the report's time zone (twice).
SELECT count(*) AS contacts,
	timezone(?, min(started_at)) AS first, timezone(?, max(started_at)) AS last
FROM contact_facts;

-- name: settled_total
-- The settled contacts (whose repeat window has closed), and the latest
-- start of one, in UTC and in the report's time zone (?).
SELECT CAST(judged_contacts AS BIGINT) AS judged,
	CAST(claimed_success_contacts AS BIGINT) AS claimed,
	CAST(outcome_failed_contacts AS BIGINT) AS failed,
	CAST(gap_contacts AS BIGINT) AS gap,
	(SELECT strftime(data_end - to_seconds(repeat_window_days * 86400), '%Y-%m-%dT%H:%M:%S.%fZ') FROM coverage) AS through,
	(SELECT timezone(?, data_end - to_seconds(repeat_window_days * 86400)) FROM coverage) AS through_local
FROM gap WHERE dimension = 'all' AND grain = 'settled';

-- name: open_total
-- Every contact so far, for the headline while no week is settled.
SELECT CAST(judged_contacts AS BIGINT) AS judged, CAST(claimed_success_contacts AS BIGINT) AS claimed,
	CAST(outcome_failed_contacts AS BIGINT) AS failed, CAST(gap_contacts AS BIGINT) AS gap
FROM gap WHERE dimension = 'all' AND grain = 'total';
