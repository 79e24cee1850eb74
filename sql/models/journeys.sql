-- model: journeys
-- reads: contact_seq, journey_events, resolution_systems
-- scope: person
-- mart: monthly strftime(make_timestamp(epoch_us(first_contact_at)), '%Y-%m')
-- key: journey_id
-- journeys — the journeys mart: one row per journey, the customer
-- scorecard and the customer-view outcome.
--
-- Variables: repeat_window, data_end (02), resolution ('auto' | 'events' |
-- 'measured'), travel_seconds_per_visit.
--
-- The outcome of a journey:
--   verified_resolved  basis 'event': a resolution event attached to it;
--                      basis 'measured' (sources without resolution events,
--                      the usual measured-FCR convention): no further
--                      contact of the person within repeat_window after the
--                      last one, and no reopening, complaint, dispute or churn.
--   ended_badly        not verified_resolved, or reopened, complaint,
--                      dispute or churn attached (within the horizon).
--   resolved_at, days_to_resolution  when the need was resolved, for the
--                      journeys verified resolved that did not end badly
--                      (a reopened resolution is none); NULL otherwise.
--   window_open        the end is not judged yet: nothing bad is known and
--                      the last contact's repeat window runs past data_end.
--   outcome_failed     the customer had to come back (2+ contacts) or the
--                      journey ended badly; NULL while open with one contact.
--   outcome            'failed' | 'open' | 'resolved'.

-- A view: the build writes it to lake/marts/journeys.parquet once and
-- points the name at that file for the models that follow.
CREATE OR REPLACE TEMP VIEW journeys AS
WITH single AS (
    -- most journeys have one contact: no aggregation needed
    SELECT
        journey_id, person_id, case_id,
        started_at AS first_contact_at,
        started_at AS last_contact_at,
        ended_at AS last_contact_ended_at,
        next_contact_at,
        1 AS contacts,
        CASE WHEN channel IN ('phone', 'ivr') THEN 1 ELSE 0 END AS calls,
        CASE WHEN channel = 'chat' THEN 1 ELSE 0 END AS chats,
        CASE WHEN channel IN ('branch', 'store') THEN 1 ELSE 0 END AS visits,
        CASE WHEN channel = 'email' THEN 1 ELSE 0 END AS emails,
        CASE WHEN channel NOT IN ('phone', 'ivr', 'chat', 'branch', 'store', 'email') THEN 1 ELSE 0 END AS other_contacts,
        coalesce(wait_seconds, 0) AS wait_seconds,
        coalesce(handle_seconds, 0) AS handle_seconds,
        -- hops inside the source system (reassignments) count too
        CAST(coalesce(reassignments, 0) AS BIGINT) AS hops,
        0 AS loops,
        0 AS ping_pongs,
        0 AS agent_ping_pongs,
        node AS first_node,
        node AS last_node,
        topic,
        CASE WHEN claimed_success THEN 1 ELSE 0 END AS claimed_success_contacts,
        0 AS claimed_then_repeated,
        claimed_success AS last_claimed,
        source_system IN (SELECT source_system FROM resolution_systems) AS has_event_system
    FROM contact_seq
    WHERE n = 1
), multi AS (
    SELECT
        any_value(journey_id) AS journey_id,
        any_value(person_id) AS person_id,
        any_value(case_id) AS case_id,
        min(started_at) AS first_contact_at,
        max(started_at) AS last_contact_at,
        any_value(ended_at) FILTER (WHERE seq = n) AS last_contact_ended_at,
        -- the person's next contact after the journey's last one
        any_value(next_contact_at) FILTER (WHERE seq = n) AS next_contact_at,
        count(*) AS contacts,
        count(*) FILTER (WHERE channel IN ('phone', 'ivr')) AS calls,
        count(*) FILTER (WHERE channel = 'chat') AS chats,
        count(*) FILTER (WHERE channel IN ('branch', 'store')) AS visits,
        count(*) FILTER (WHERE channel = 'email') AS emails,
        count(*) FILTER (WHERE channel NOT IN ('phone', 'ivr', 'chat', 'branch', 'store', 'email')) AS other_contacts,
        coalesce(sum(wait_seconds), 0) AS wait_seconds,
        coalesce(sum(handle_seconds), 0) AS handle_seconds,
        -- BIGINT: a sum of integers is a HUGEINT, which Parquet stores as DOUBLE
        CAST(count(*) FILTER (WHERE hop) + coalesce(sum(reassignments), 0) AS BIGINT) AS hops,
        count(*) FILTER (WHERE loop) AS loops,
        count(*) FILTER (WHERE ping_pong) AS ping_pongs,
        count(*) FILTER (WHERE agent_ping_pong) AS agent_ping_pongs,
        any_value(node) FILTER (WHERE seq = 1) AS first_node,
        any_value(node) FILTER (WHERE seq = n) AS last_node,
        any_value(topic) FILTER (WHERE seq = 1) AS topic,  -- of the first contact
        count(*) FILTER (WHERE claimed_success) AS claimed_success_contacts,
        count(*) FILTER (WHERE claimed_success AND seq < n) AS claimed_then_repeated,
        bool_or(claimed_success AND seq = n) AS last_claimed,
        bool_or(source_system IN (SELECT source_system FROM resolution_systems)) AS has_event_system
    FROM contact_seq
    WHERE n > 1
    GROUP BY journey_rid
), agg AS (
    SELECT * FROM single
    UNION ALL BY NAME
    SELECT * FROM multi
), basis AS (
    SELECT
        a.*,
        CASE getvariable('resolution')
            WHEN 'events' THEN 'event'
            WHEN 'measured' THEN 'measured'
            ELSE CASE WHEN a.has_event_system AND a.case_id IS NOT NULL THEN 'event' ELSE 'measured' END
        END AS resolution_basis,
        coalesce(e.outcome_events, 0) AS outcome_events,
        coalesce(e.has_resolution_event, false) AS has_resolution_event,
        e.resolved_event_at,
        coalesce(e.reopened, false) AS reopened,
        coalesce(e.complaint, false) AS complaint,
        coalesce(e.dispute, false) AS dispute,
        coalesce(e.churn, false) AS churn,
        coalesce(e.refund, false) AS refund,
        coalesce(e.cancelled, false) AS cancelled,
        coalesce(e.reopened OR e.complaint OR e.dispute OR e.churn, false) AS bad_event,
        a.next_contact_at IS NOT NULL
            AND a.next_contact_at <= a.last_contact_at + getvariable('repeat_window') AS came_back
    FROM agg a
    LEFT JOIN journey_events e USING (journey_id)
), known AS (
    SELECT *,
        NOT (bad_event OR (resolution_basis = 'measured' AND came_back))
            AND last_contact_at + getvariable('repeat_window') > getvariable('data_end') AS window_open
    FROM basis
), resolved AS (
    SELECT *,
        CASE WHEN window_open THEN NULL
             WHEN resolution_basis = 'event' THEN has_resolution_event
             ELSE NOT (bad_event OR came_back) END AS verified_resolved
    FROM known
), ended AS (
    SELECT *,
        CASE WHEN window_open THEN NULL ELSE bad_event OR NOT verified_resolved END AS ended_badly,
        -- A journey that ended badly has no resolution time: a resolution
        -- undone by a reopening, complaint, dispute or churn is none.
        CASE WHEN verified_resolved AND NOT bad_event THEN
            CASE WHEN resolution_basis = 'event' THEN resolved_event_at ELSE last_contact_ended_at END
        END AS resolved_at
    FROM resolved
), judged AS (
    SELECT *,
        CASE WHEN contacts > 1 OR ended_badly THEN true
             WHEN window_open THEN NULL
             ELSE false END AS outcome_failed
    FROM ended
)
SELECT
    journey_id, person_id, case_id,
    first_contact_at, last_contact_at, last_contact_ended_at,
    first_node, last_node, topic,
    contacts, calls, chats, visits, emails, other_contacts,
    wait_seconds, handle_seconds,
    visits * getvariable('travel_seconds_per_visit') AS travel_seconds,
    (wait_seconds + handle_seconds + visits * getvariable('travel_seconds_per_visit')) / 3600.0 AS customer_hours,
    hops, loops, ping_pongs, agent_ping_pongs,
    -- Durations subtract plain TIMESTAMPs (the same interval, bit for bit):
    -- TIMESTAMPTZ - TIMESTAMPTZ goes through the ICU calendar, ~100x slower.
    epoch(make_timestamp(epoch_us(last_contact_ended_at)) - make_timestamp(epoch_us(first_contact_at))) / 86400.0 AS journey_days,
    CASE WHEN resolved_at IS NOT NULL
         THEN greatest(0.0, epoch(make_timestamp(epoch_us(resolved_at)) - make_timestamp(epoch_us(first_contact_at))) / 86400.0) END AS days_to_resolution,
    resolution_basis, outcome_events, has_resolution_event,
    reopened, complaint, dispute, churn, refund, cancelled,
    came_back, window_open, verified_resolved, resolved_at, ended_badly, outcome_failed,
    CASE WHEN outcome_failed THEN 'failed' WHEN outcome_failed IS NULL THEN 'open' ELSE 'resolved' END AS outcome,
    claimed_success_contacts,
    claimed_then_repeated
        + CASE WHEN last_claimed AND ended_badly THEN 1 ELSE 0 END AS gap_contacts
FROM judged;
