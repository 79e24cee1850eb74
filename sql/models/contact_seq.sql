-- model: contact_seq
-- reads: contact_base
-- scope: person
-- parts: person
-- contact_seq — which journey each identified contact belongs to, its
-- place in it, and the silo hops and loops along the way.
--
-- Variables: repeat_window (INTERVAL, default 7 days); person_parts and
-- person_part ("parts: person": a full build of a lake too big for memory
-- runs this model once per part of the persons, so that each part's
-- window sorts fit; the prelude's 1 and 0 read everyone at once).
--
-- A journey is the contacts of one person about one need:
--   * contacts of a person sharing a case_id form one journey (however far
--     apart in time);
--   * the person's contacts without a case_id chain into journeys: the next
--     one joins the journey when it starts within repeat_window of the
--     previous one (start to start, inclusive: exactly 7 days still joins).
-- Contacts are ordered by start; contacts of a person starting at the same
-- instant are ordered by a hash of (source_system, contact_id): arbitrary
-- but stable, and far cheaper to sort on than the strings.
-- journey_id is "<source_system>:<contact_id>" of the journey's first contact.
-- node = journey_node(department, channel) (_macros.sql); a hop is a
-- change of node from the previous contact; a loop is a hop into a node
-- the journey had already visited; a ping-pong (agent_ping_pong) is a
-- return to the department (agent) of two contacts before from another
-- one, A → B → A: a loop too, counted apart. follows_claimed: an earlier
-- contact of the journey was a claimed success.
-- Instants are compared as a + window, never as a - b: subtracting two
-- TIMESTAMPTZ goes through the ICU calendar and costs ~100x more.
-- Speed: the three window passes sort only the keys (rowid, person, case,
-- start, tie); the other columns are joined back once, by rowid, and only
-- multi-contact journeys pay for the windows that need them (journey_id,
-- prev_node, loops).

CREATE OR REPLACE TEMP TABLE contact_seq AS
WITH ordered AS (
    SELECT
        rowid AS rid, person_id, case_id, started_at,
        hash(source_system, contact_id) AS tie,
        -- the previous contact of the person that had no case_id
        lag(CASE WHEN case_id IS NULL THEN started_at END IGNORE NULLS) OVER w AS prev_free_at,
        -- the person's next contact, whatever its journey
        lead(started_at) OVER w AS next_contact_at
    FROM contact_base
    WHERE person_id IS NOT NULL
      AND hash(person_id) % getvariable('person_parts') = getvariable('person_part')
    WINDOW w AS (PARTITION BY person_id ORDER BY started_at, tie)
), chained AS (
    SELECT * EXCLUDE (prev_free_at),
        CASE WHEN case_id IS NULL THEN
            sum(CASE WHEN case_id IS NULL
                      AND (prev_free_at IS NULL OR started_at > prev_free_at + getvariable('repeat_window'))
                     THEN 1 ELSE 0 END) OVER w END AS chain
    FROM ordered
    WINDOW w AS (PARTITION BY person_id ORDER BY started_at, tie
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
), placed AS (
    -- a journey is (person, case) or (person, chain of case-less contacts)
    SELECT rid, next_contact_at,
        first_value(rid) OVER w AS journey_rid,
        row_number() OVER w AS seq,
        count(*) OVER wall AS n,
        last_value(started_at) OVER wall AS last_at
    FROM chained
    WINDOW w AS (PARTITION BY person_id, case_id, chain ORDER BY started_at, tie),
           wall AS (PARTITION BY person_id, case_id, chain ORDER BY started_at, tie
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
), single AS (
    -- one-contact journeys (most of them): no hops, no loops, their own id
    SELECT
        p.rid, b.person_id, b.case_id, b.source_system, b.started_at, b.ended_at,
        b.channel, b.topic, b.wait_seconds, b.handle_seconds, b.claimed_success, b.reassignments,
        journey_node(b.department, b.channel) AS node,
        p.next_contact_at,
        b.source_system || ':' || b.contact_id AS journey_id,
        p.journey_rid, p.seq, p.n, p.last_at,
        CAST(NULL AS VARCHAR) AS prev_node, false AS hop, false AS loop,
        false AS ping_pong, false AS agent_ping_pong, false AS follows_claimed
    FROM placed p
    JOIN contact_base b ON b.rowid = p.rid
    WHERE p.n = 1
), multi AS (
    SELECT
        p.rid, b.person_id, b.case_id, b.source_system, b.started_at, b.ended_at,
        b.channel, b.topic, b.wait_seconds, b.handle_seconds, b.claimed_success, b.reassignments,
        journey_node(b.department, b.channel) AS node,
        p.next_contact_at,
        first_value(b.source_system || ':' || b.contact_id) OVER w AS journey_id,
        p.journey_rid, p.seq, p.n, p.last_at,
        lag(journey_node(b.department, b.channel)) OVER w AS prev_node,
        coalesce(b.department, '(none)') AS dept,
        lag(coalesce(b.department, '(none)'), 1) OVER w AS prev_dept,
        lag(coalesce(b.department, '(none)'), 2) OVER w AS prev2_dept,
        b.agent_id,
        lag(b.agent_id, 1) OVER w AS prev_agent,
        lag(b.agent_id, 2) OVER w AS prev2_agent,
        -- a claimed success came earlier in the journey: this contact is
        -- the rework of a false success (every contact but the last of a
        -- journey failed its customer)
        coalesce(bool_or(b.claimed_success) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS follows_claimed
    FROM placed p
    JOIN contact_base b ON b.rowid = p.rid
    WHERE p.n > 1
    WINDOW w AS (PARTITION BY p.journey_rid ORDER BY p.seq)
)
SELECT * FROM single
UNION ALL
SELECT * EXCLUDE (dept, prev_dept, prev2_dept, agent_id, prev_agent, prev2_agent, follows_claimed),
    seq > 1 AND node <> prev_node AS hop,
    seq > 1 AND node <> prev_node
        AND min(seq) OVER (PARTITION BY journey_rid, node) < seq AS loop,
    -- ping-pong: back to the department (or the agent) of two contacts
    -- before, from another one: A → B → A, the "passed to another person"
    coalesce(dept = prev2_dept AND dept <> prev_dept, false) AS ping_pong,
    coalesce(agent_id = prev2_agent AND agent_id <> prev_agent, false) AS agent_ping_pong,
    follows_claimed
FROM multi;
