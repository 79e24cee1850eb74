-- The worst journeys, as the customer lived them, and the journeys behind
-- the drill-down panels: a journey and its timeline.
--
-- ? = the report's time zone, twice, first.

-- name: journeys
-- The journeys of the ids in the list ? (VARCHAR[], the drill-down's), or
-- with NULL there the journeys with a failed outcome that cost their
-- customers the most contacts (then loops, hops and hours of the
-- customer's time): the worst journeys; at most ? of them.
WITH tz AS (SELECT CAST(? AS VARCHAR) AS first_tz, CAST(? AS VARCHAR) AS last_tz, CAST(? AS VARCHAR[]) AS ids)
SELECT journey_id, person_id, CAST(contacts AS BIGINT) AS contacts,
	timezone(tz.first_tz, first_contact_at) AS first_contact_at, timezone(tz.last_tz, last_contact_at) AS last_contact_at,
	CAST(coalesce(calls, 0) AS BIGINT) AS calls, CAST(coalesce(chats, 0) AS BIGINT) AS chats,
	CAST(coalesce(visits, 0) AS BIGINT) AS visits, CAST(coalesce(emails, 0) AS BIGINT) AS emails,
	CAST(coalesce(hops, 0) AS BIGINT) AS hops, CAST(coalesce(loops, 0) AS BIGINT) AS loops,
	CAST(days_to_resolution AS DOUBLE) AS days_to_resolution, CAST(customer_hours AS DOUBLE) AS customer_hours,
	coalesce(verified_resolved, false) AS verified_resolved, coalesce(reopened, false) AS reopened,
	coalesce(complaint, false) AS complaint, coalesce(dispute, false) AS dispute,
	CAST(coalesce(claimed_success_contacts, 0) AS BIGINT) AS claimed_success_contacts,
	coalesce(churn, false) AS churn, coalesce(window_open, false) AS window_open
FROM journeys, tz
-- the ids by a hash join, not a search of the list per journey
WHERE (tz.ids IS NULL AND outcome_failed) OR journey_id IN (SELECT unnest(ids) FROM tz)
ORDER BY contacts DESC, loops DESC NULLS LAST, hops DESC NULLS LAST, customer_hours DESC NULLS LAST, journey_id
LIMIT ?;

-- name: timelines
-- The first ? contacts of each journey in the list ? (VARCHAR[]), in the
-- report's time zone (?), with the journey's gap contacts.
SELECT journey_id, CAST(seq_in_journey AS BIGINT) AS seq, timezone(?, started_at) AS contact_at,
	channel, department, team, agent_id, topic, disposition,
	CAST(wait_seconds AS DOUBLE) AS wait_seconds, CAST(handle_seconds AS DOUBLE) AS handle_seconds,
	claimed_success, gap,
	CAST(coalesce(count_if(gap) OVER (PARTITION BY journey_id), 0) AS BIGINT) AS journey_gap
FROM contact_facts WHERE journey_id IN (SELECT unnest(?::VARCHAR[]))
QUALIFY row_number() OVER (PARTITION BY journey_id ORDER BY seq_in_journey, started_at) <= ?
ORDER BY journey_id, seq, contact_at;
