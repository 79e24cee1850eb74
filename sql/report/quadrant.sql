-- Agents and teams: KPI attainment against customer success.

-- name: members
-- The 1,000 agents and the 1,000 teams with the most settled contacts that
-- have a judged one (? = the name of no agent or team: contacts without an
-- agent, IVR or self-service, are not an agent).
SELECT dimension, member, CAST(sum(contacts) AS BIGINT) AS contacts,
	CAST(sum(judged_contacts) AS BIGINT) AS judged, CAST(sum(claimed_success_contacts) AS BIGINT) AS claimed,
	CAST(sum(outcome_failed_contacts) AS BIGINT) AS failed, CAST(sum(gap_contacts) AS BIGINT) AS gap_contacts
FROM gap WHERE grain = 'settled' AND dimension IN ('agent', 'team') AND member <> ?
GROUP BY dimension, member
HAVING sum(judged_contacts) > 0
QUALIFY row_number() OVER (PARTITION BY dimension ORDER BY sum(contacts) DESC, member) <= 1000
ORDER BY dimension, sum(contacts) DESC, member;
