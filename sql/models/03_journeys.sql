-- 03_journeys.sql — which journey each identified contact belongs to, its
-- place in it, and the silo hops and loops along the way.
--
-- Variables: repeat_window (INTERVAL, default 7 days).
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
-- node = "<department>·<channel>" ("(none)" for a missing department);
-- a hop is a change of node from the previous contact; a loop is a hop
-- into a node the journey had already visited.

CREATE OR REPLACE TEMP TABLE contact_seq AS
WITH ordered AS (
    SELECT
        rowid AS rid, hash(source_system, contact_id) AS tie,
        person_id, case_id, source_system, contact_id, started_at, ended_at,
        channel, topic, wait_seconds, handle_seconds, claimed_success, reassignments,
        coalesce(department, '(none)') || '·' || channel AS node,
        -- the previous contact of the person that had no case_id
        lag(CASE WHEN case_id IS NULL THEN started_at END IGNORE NULLS) OVER w AS prev_free_at,
        -- the person's next contact, whatever its journey
        lead(started_at) OVER w AS next_contact_at
    FROM contact_base
    WHERE person_id IS NOT NULL
    WINDOW w AS (PARTITION BY person_id ORDER BY started_at, tie)
), chained AS (
    SELECT * EXCLUDE (prev_free_at),
        coalesce('c' || case_id,
                 'w' || sum(CASE WHEN case_id IS NULL
                                  AND (prev_free_at IS NULL OR started_at - prev_free_at > getvariable('repeat_window'))
                                 THEN 1 ELSE 0 END) OVER w) AS journey_key
    FROM ordered
    WINDOW w AS (PARTITION BY person_id ORDER BY started_at, tie
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
), placed AS (
    SELECT
        * EXCLUDE (journey_key, contact_id, tie),
        first_value(source_system || ':' || contact_id) OVER w AS journey_id,
        first_value(rid) OVER w AS journey_rid,  -- a compact key for grouping
        row_number() OVER w AS seq,
        count(*) OVER wall AS n,
        max(started_at) OVER wall AS last_at,
        lag(node) OVER w AS prev_node
    FROM chained
    WINDOW w AS (PARTITION BY person_id, journey_key ORDER BY started_at, tie),
           wall AS (PARTITION BY person_id, journey_key)
)
-- one-contact journeys (most of them) have no hops or loops: only the
-- others pay for the loop window
SELECT *, false AS hop, false AS loop
FROM placed
WHERE n = 1
UNION ALL
SELECT *,
    seq > 1 AND node <> prev_node AS hop,
    seq > 1 AND node <> prev_node
        AND min(seq) OVER (PARTITION BY journey_rid, node) < seq AS loop
FROM placed
WHERE n > 1;
