-- merge.sql — incremental build, step 4: the new marts are the previous
-- ones without what was recomputed, plus the recomputed rows
-- (scope_outcome_links, scope_journeys, scope_contact_facts, scope_journey_flows:
-- the models 01–06 and 08 run over the recomputed persons only).
-- The aggregate marts (07, 09, 10) then run over these as in a full build.

-- The previous rows the recomputed ones replace: of the replaced journeys
-- here, of the recomputed contacts in scope.sql (inc_old_contact_facts).
CREATE OR REPLACE TEMP TABLE inc_old_outcome_links AS
SELECT * FROM old_outcome_links o
WHERE EXISTS (SELECT 1 FROM inc_removed_journeys r WHERE r.journey_id = o.journey_id);

CREATE OR REPLACE TEMP TABLE inc_old_journeys AS
SELECT * FROM old_journeys o
WHERE EXISTS (SELECT 1 FROM inc_removed_journeys r WHERE r.journey_id = o.journey_id);

-- These marts are kept in monthly files. The build compares the recomputed
-- rows with inc_old_<mart> and rewrites only the months where they differ:
-- for each, inc_month_<mart> is pointed at that month's previous file and
-- the new file is inc_kept_<mart> plus the recomputed rows of the month.
CREATE OR REPLACE TEMP VIEW inc_month_outcome_links AS SELECT * FROM old_outcome_links WHERE false;
CREATE OR REPLACE TEMP VIEW inc_month_journeys AS SELECT * FROM old_journeys WHERE false;
CREATE OR REPLACE TEMP VIEW inc_month_contact_facts AS SELECT * FROM old_contact_facts WHERE false;

CREATE OR REPLACE TEMP VIEW inc_kept_outcome_links AS
SELECT * FROM inc_month_outcome_links o
WHERE NOT EXISTS (SELECT 1 FROM inc_removed_journeys r WHERE r.journey_id = o.journey_id);

CREATE OR REPLACE TEMP VIEW inc_kept_journeys AS
SELECT * FROM inc_month_journeys o
WHERE NOT EXISTS (SELECT 1 FROM inc_removed_journeys r WHERE r.journey_id = o.journey_id);

CREATE OR REPLACE TEMP VIEW inc_kept_contact_facts AS
SELECT * FROM inc_month_contact_facts o
WHERE NOT EXISTS (SELECT 1 FROM inc_removed_contacts r
                  WHERE r.source_system = o.source_system AND r.contact_id = o.contact_id);

-- journey_flows counts journeys per edge: add the recomputed journeys'
-- edges, subtract the replaced journeys' edges, drop edges left with none.
-- The replaced journeys' edges are rebuilt from the previous marts the way
-- 08_journey_flows.sql draws them from contact_seq.
CREATE OR REPLACE TEMP TABLE inc_removed_flows AS
WITH rc AS (
    SELECT f.journey_id, f.seq_in_journey AS seq, f.silo_loop AS is_loop,
           journey_node(f.department, f.channel) AS node
    FROM old_contact_facts f
    SEMI JOIN inc_removed_journeys r ON r.journey_id = f.journey_id
), seqd AS (
    SELECT *, lag(node) OVER (PARTITION BY journey_id ORDER BY seq) AS prev_node FROM rc
), j AS (
    SELECT journey_id, contacts, last_node, outcome
    FROM old_journeys o
    SEMI JOIN inc_removed_journeys r ON r.journey_id = o.journey_id
), edges AS (
    SELECT seq - 1 AS step, prev_node || ' #' || (seq - 1) AS from_node, node || ' #' || seq AS to_node, is_loop
    FROM seqd
    WHERE seq BETWEEN 2 AND getvariable('flow_steps')
    UNION ALL
    SELECT contacts AS step, last_node || ' #' || contacts AS from_node, 'outcome·' || outcome AS to_node, false AS is_loop
    FROM j
    WHERE contacts <= getvariable('flow_steps')
    UNION ALL
    SELECT s.seq AS step, s.node || ' #' || s.seq AS from_node, 'outcome·' || j.outcome AS to_node, false AS is_loop
    FROM seqd s JOIN j USING (journey_id)
    WHERE s.seq = getvariable('flow_steps') AND j.contacts > getvariable('flow_steps')
)
SELECT from_node, to_node, count(*) AS journeys, count(*) FILTER (WHERE is_loop) AS loop_journeys, step
FROM edges
GROUP BY from_node, to_node, step;

CREATE OR REPLACE TEMP VIEW journey_flows AS
SELECT from_node, to_node,
       CAST(sum(journeys) AS BIGINT) AS journeys,
       CAST(sum(loop_journeys) AS BIGINT) AS loop_journeys,
       step
FROM (
    SELECT from_node, to_node, journeys, loop_journeys, step FROM old_journey_flows
    UNION ALL
    SELECT from_node, to_node, journeys, loop_journeys, step FROM scope_journey_flows
    UNION ALL
    SELECT from_node, to_node, -journeys, -loop_journeys, step FROM inc_removed_flows
)
GROUP BY from_node, to_node, step
HAVING sum(journeys) <> 0;

-- Coverage counts outcome events over the whole lake.
CREATE OR REPLACE TEMP VIEW outcome_events AS
SELECT * FROM {{inputs}}.outcomes;
