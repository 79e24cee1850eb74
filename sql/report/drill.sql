-- The drill-down: for each kind of chart element, the contacts (or
-- journeys) behind it, as (k1, k2, journey_id): one row each, k1 and k2
-- naming the element as the section's rows do. `lists` ranks each
-- element's journeys; it reads the element query as the CTE behind
-- (reports/drill.go puts the two together).

-- name: members
-- An agent's or team's gap contacts over the settled contacts (? twice:
-- the last settled start).
SELECT 'agent' AS k1, agent_id AS k2, journey_id FROM contact_facts
WHERE gap AND agent_id IS NOT NULL AND started_at <= CAST(? AS TIMESTAMPTZ)
UNION ALL
SELECT 'team', team, journey_id FROM contact_facts
WHERE gap AND team IS NOT NULL AND started_at <= CAST(? AS TIMESTAMPTZ);

-- name: heatmap
-- A department's gap contacts of a week, from the first week drawn (?).
SELECT coalesce(department, '(none)') AS k1, strftime(CAST(date_trunc('week', business_date) AS DATE), '%Y-%m-%d') AS k2, journey_id
FROM contact_facts WHERE gap AND business_date >= CAST(? AS DATE);

-- name: resolution
-- A department's contacts claimed resolved but not verified, over the
-- settled contacts (? = the last settled start).
SELECT coalesce(department, '(none)') AS k1, '' AS k2, journey_id FROM contact_facts
WHERE claimed_resolution AND NOT verified_resolution AND started_at <= CAST(? AS TIMESTAMPTZ);

-- name: flow_depth
-- The steps of the journey_flows mart's moves between two contacts.
SELECT to_node FROM journey_flows WHERE to_node NOT LIKE 'outcome·%';

-- name: flows
-- The journeys that made each drawn move (? = the moves' from and to
-- nodes, the deepest step, then the pass's part twice — hash(journey_id)
-- % parts = part, for journeys and contacts alike — and the deepest step
-- again): from a contact to the next, or from the last drawn step to the
-- journey's outcome. Every contact is a row here, so a large lake is read
-- in parts (reports/drill.go, drillParts): each pass holds 1/parts of them.
WITH e AS (SELECT unnest(?::VARCHAR[]) AS from_node, unnest(?::VARCHAR[]) AS to_node),
c AS (SELECT journey_id, seq_in_journey AS seq, journey_node(department, channel) || ' #' || seq_in_journey AS node
	FROM contact_facts WHERE journey_id IS NOT NULL AND seq_in_journey <= ? AND hash(journey_id) % ? = ?),
a AS (SELECT * FROM c WHERE node IN (SELECT from_node FROM e)),
j AS (SELECT journey_id, outcome, contacts FROM journeys WHERE hash(journey_id) % ? = ?)
SELECT e.from_node AS k1, e.to_node AS k2, a.journey_id
FROM a JOIN c n ON n.journey_id = a.journey_id AND n.seq = a.seq + 1
JOIN e ON e.from_node = a.node AND e.to_node = n.node
UNION ALL
SELECT e.from_node, e.to_node, a.journey_id
FROM a JOIN j ON j.journey_id = a.journey_id
JOIN e ON e.from_node = a.node AND e.to_node = 'outcome·' || j.outcome
WHERE a.seq = least(j.contacts, ?);

-- name: lists
-- Each element's journeys, the worst first as the worst-journey cards rank
-- them (most contacts, loops, hops, hours of the customer's time; ties by
-- a hash of the id): the top ? of each by max_by, which keeps a heap per
-- element instead of sorting all its journeys; with how many there are.
-- Each row carries its rank (c, l, h, t, x; x as text, exact), so that
-- the lists of a query run in parts merge into the same lists.
WITH g AS (SELECT CAST(k1 AS VARCHAR) AS k1, CAST(k2 AS VARCHAR) AS k2, journey_id, count(*) AS n
	FROM behind WHERE journey_id IS NOT NULL GROUP BY ALL),
j AS (SELECT journey_id, struct_pack(c := contacts, l := coalesce(loops, -1), h := coalesce(hops, -1),
		t := coalesce(customer_hours, -1), x := hash(journey_id)) AS worst
	FROM (SELECT journey_id, CAST(contacts AS BIGINT) AS contacts, loops, hops, customer_hours FROM journeys)),
r AS (SELECT g.k1, g.k2, count(*) AS total, max_by(struct_pack(id := g.journey_id, n := g.n, w := j.worst), j.worst, ?) AS top
	FROM g JOIN j USING (journey_id) GROUP BY g.k1, g.k2)
SELECT k1, k2, total, e.id, e.n, e.w.c AS c, e.w.l AS l, e.w.h AS h, e.w.t AS t, CAST(e.w.x AS VARCHAR) AS x, pos
FROM (SELECT k1, k2, CAST(total AS BIGINT) AS total, unnest(top) AS e, generate_subscripts(top, 1) AS pos FROM r);
