-- merge.sql — incremental build, step 4: what the merge of the
-- person-scoped marts needs besides their headers (pipeline/build merges
-- each mart as its header says: the rows of a key replaced, or counts
-- added and subtracted).
--
-- journey_flows counts journeys per edge ("merge: sum … by …"): the edges
-- of the journeys the recomputed ones replace are subtracted. They are
-- drawn by the model's own macro (flow_edges, _macros.sql) over the
-- previous marts' rows of those journeys, in the shape the model reads.
-- Their contacts are the previous rows of the recomputed contacts
-- (inc_old_contact_facts, scope.sql: whole journeys, checked), not a scan
-- of the whole previous contact_facts; their journeys are read once.

-- The previous rows of the replaced journeys, read once: the flows below
-- and the journeys' merge (pipeline/build mergeMart, which compares them
-- with the recomputed ones) both take them from here.
CREATE OR REPLACE TEMP TABLE inc_old_journeys AS
SELECT * FROM old_journeys o
WHERE EXISTS (SELECT 1 FROM inc_removed_journeys r WHERE r.journey_id = o.journey_id);

CREATE OR REPLACE TEMP VIEW inc_removed_flow_steps AS
SELECT f.journey_id, f.seq_in_journey AS seq, j.contacts AS n,
       journey_node(f.department, f.channel) AS node,
       lag(journey_node(f.department, f.channel)) OVER (PARTITION BY f.journey_id ORDER BY f.seq_in_journey) AS prev_node,
       f.silo_loop AS is_loop, f.ping_pong AS is_ping_pong
FROM inc_old_contact_facts f
JOIN inc_old_journeys j ON j.journey_id = f.journey_id;

CREATE OR REPLACE TEMP VIEW inc_removed_flow_ends AS
SELECT journey_id, contacts, last_node, outcome
FROM inc_old_journeys;

CREATE OR REPLACE TEMP TABLE inc_removed_journey_flows AS
SELECT from_node, to_node, count(*) AS journeys,
       count(*) FILTER (WHERE is_loop) AS loop_journeys,
       step,
       count(*) FILTER (WHERE is_ping_pong) AS ping_pong_journeys
FROM flow_edges('inc_removed_flow_steps', 'inc_removed_flow_ends')
GROUP BY from_node, to_node, step;
