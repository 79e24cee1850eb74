-- 08_journey_flows.sql — the journey_flows mart, for a Sankey of how
-- journeys move between departments and channels and how they end.
--
-- Variables: flow_steps (default 6).
--
-- A Sankey must be acyclic, yet journeys loop. Nodes are therefore indexed
-- by step: "Billing·phone #1" → "Support·phone #2" → "Billing·phone #3"; a
-- loop shows as the same department·channel reappearing at a later step,
-- and loop_journeys counts the journeys for which the edge returns to a
-- node they had visited. Each journey ends in one of "outcome·resolved",
-- "outcome·failed", "outcome·open". Journeys longer than flow_steps
-- contacts are drawn through their flow_steps-th contact, then straight to
-- their outcome.
--   from_node, to_node, journeys, loop_journeys, step (of from_node)

CREATE OR REPLACE TEMP TABLE journey_flows AS
WITH edges AS (
    -- the move into each 2nd..flow_steps-th contact
    SELECT seq - 1 AS step,
           prev_node || ' #' || (seq - 1) AS from_node,
           node || ' #' || seq AS to_node,
           loop AS is_loop
    FROM contact_seq
    WHERE seq BETWEEN 2 AND getvariable('flow_steps')
    UNION ALL
    -- the end of each journey, from its last contact…
    SELECT contacts AS step,
           last_node || ' #' || contacts AS from_node,
           'outcome·' || outcome AS to_node,
           false AS is_loop
    FROM journeys
    WHERE contacts <= getvariable('flow_steps')
    UNION ALL
    -- …or, for long journeys, from their flow_steps-th contact
    SELECT s.seq AS step,
           s.node || ' #' || s.seq AS from_node,
           'outcome·' || j.outcome AS to_node,
           false AS is_loop
    FROM contact_seq s
    JOIN (SELECT journey_id, outcome FROM journeys WHERE contacts > getvariable('flow_steps')) j
      ON j.journey_id = s.journey_id
    WHERE s.seq = getvariable('flow_steps') AND s.n > getvariable('flow_steps')
)
SELECT from_node, to_node, count(*) AS journeys,
       count(*) FILTER (WHERE is_loop) AS loop_journeys,
       step
FROM edges
GROUP BY from_node, to_node, step;
