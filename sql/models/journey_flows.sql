-- model: journey_flows
-- reads: contact_seq, journeys
-- scope: person
-- mart: order by step, from_node, to_node
-- merge: sum journeys, loop_journeys, ping_pong_journeys by from_node, to_node, step
-- journey_flows — the journey_flows mart, for a Sankey of how
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
--   from_node, to_node, journeys, loop_journeys, step (of from_node),
--   ping_pong_journeys (the move is a ping-pong: back to the department
--   of two contacts before)

-- The steps of the journeys to draw, in the shape flow_edges reads.
CREATE OR REPLACE TEMP VIEW journey_flow_steps AS
SELECT journey_id, seq, n, node, prev_node, loop AS is_loop, ping_pong AS is_ping_pong FROM contact_seq;

CREATE OR REPLACE TEMP TABLE journey_flows AS
SELECT from_node, to_node, count(*) AS journeys,
       count(*) FILTER (WHERE is_loop) AS loop_journeys,
       step,
       count(*) FILTER (WHERE is_ping_pong) AS ping_pong_journeys
FROM flow_edges('journey_flow_steps', 'journeys')
GROUP BY from_node, to_node, step;
