-- mcnamara:mapping
-- table: contacts
-- source_system: genesys_cloud
-- timezone: UTC
-- match: conversation_details*.json conversations_*.json
-- doc: Genesys Cloud analytics conversation details (JSON: a details query or job result page, {"conversations": [...]}), one contact per agent leg.
--
-- Written from the public Genesys Cloud analytics API documentation
-- (POST /api/v2/analytics/conversations/details/query and the details jobs,
-- whose result pages have the same shape). A file may hold one page
-- ({"conversations": [...]}), several pages one after another, or bare
-- conversation objects.
--
-- One contact per participant of purpose "agent" (a transfer is two legs,
-- two contacts, as the ACD counts them), plus one per queue ("acd")
-- participant whose caller abandoned before any agent answered.
-- Fields → contract:
--   conversationId + ':' + participantId → contact_id
--   the customer participant's externalContactId, else its session's ani
--     (tel: prefix dropped) → customer_key
--   session mediaType voice|callback|chat|message|email → phone|phone|chat|chat|email
--   the queue (segments' queueId) → department: the name the queue's acd
--     participant carries (participantName), else the queue id
--   userId → agent_id; the first segmentStart of the agent session → started_at
--   the queue's tAcd metric (ms) → wait_seconds (tAbandon for an abandon)
--   tHandle (ms; Genesys counts talk + hold + after-call work) → handle_seconds
--   tHeldComplete (ms) → hold_seconds
--   a leg ending in a transfer (segment disconnectType "transfer" or an
--     nTransferred metric): disposition transferred, transferred_to = the
--     next agent leg's queue in the conversation
--   the wrap-up code: when it is one of the contract's words (resolved,
--     unresolved, escalated, callback, other; any case) → disposition.
--     Genesys exports wrap-up code ids; an org whose codes have other ids
--     copies this file and maps its ids in the disposition CASE below. Others (and
--     ININ-WRAP-UP-TIMEOUT, the system's "agent never wrapped up") leave
--     the disposition empty: no claim to judge.
-- Left out: team (divisions and groups are other API calls), topic (no
-- standard field: participant attributes hold it where flows set one),
-- sla_met (the details carry no service-level verdict: the answer-time
-- target applies to wait_seconds), csat (surveys are another API), IVR and
-- bot legs, consults (an agent leg that is a consult counts as a leg).
-- Lines reported for rejects are conversation numbers in the file.
-- Rejects: an unknown media type, a timestamp or metric that does not parse.
WITH doc AS (
    SELECT row_number() OVER () AS page, json AS j FROM read_json_objects({{file}}, format = 'auto')
), conv AS (
    SELECT row_number() OVER (ORDER BY page, k) AS n, c
    FROM (SELECT page, generate_subscripts(cs, 1) AS k, unnest(cs) AS c
          FROM (SELECT page, CASE WHEN json_type(j, '$.conversations') = 'ARRAY'
                                  THEN json_extract(j, '$.conversations[*]') ELSE [j] END AS cs FROM doc))
), part AS (
    SELECT n, json_extract_string(c, '$.conversationId') AS conversation_id, p, k AS pos,
        json_extract_string(p, '$.participantId') AS participant_id,
        json_extract_string(p, '$.purpose') AS purpose
    FROM (SELECT n, c, generate_subscripts(ps, 1) AS k, unnest(ps) AS p
          FROM (SELECT n, c, json_extract(c, '$.participants[*]') AS ps FROM conv))
), sess AS (
    -- one row per participant with its first session's figures
    SELECT n, conversation_id, participant_id, purpose, pos,
        json_extract_string(p, '$.participantName') AS name,
        json_extract_string(p, '$.userId') AS user_id,
        json_extract_string(p, '$.externalContactId') AS external_contact,
        json_extract_string(s, '$.mediaType') AS media,
        json_extract_string(s, '$.ani') AS ani,
        json_extract_string(s, '$.segments[0].segmentStart') AS first_start,
        [json_extract_string(g, '$.queueId') FOR g IN json_extract(s, '$.segments[*]') IF json_extract_string(g, '$.queueId') IS NOT NULL][1] AS queue_id,
        len([g FOR g IN json_extract(s, '$.segments[*]') IF json_extract_string(g, '$.disconnectType') = 'transfer']) > 0
          OR len([x FOR x IN json_extract(s, '$.metrics[*]') IF json_extract_string(x, '$.name') = 'nTransferred']) > 0 AS transferred,
        [json_extract_string(g, '$.wrapUpCode') FOR g IN json_extract(s, '$.segments[*]') IF json_extract_string(g, '$.wrapUpCode') IS NOT NULL][-1] AS wrap_up,
        -- a metric's value as text (the engine refuses one that is not a number)
        [json_extract_string(x, '$.value') FOR x IN json_extract(s, '$.metrics[*]') IF json_extract_string(x, '$.name') = 'tAcd'][1] AS t_acd,
        [json_extract_string(x, '$.value') FOR x IN json_extract(s, '$.metrics[*]') IF json_extract_string(x, '$.name') = 'tAbandon'][1] AS t_abandon,
        [json_extract_string(x, '$.value') FOR x IN json_extract(s, '$.metrics[*]') IF json_extract_string(x, '$.name') = 'tHandle'][1] AS t_handle,
        [json_extract_string(x, '$.value') FOR x IN json_extract(s, '$.metrics[*]') IF json_extract_string(x, '$.name') = 'tHeldComplete'][1] AS t_held
    FROM (SELECT *, json_extract(p, '$.sessions[0]') AS s FROM part)
), customer AS (
    SELECT n, any_value(coalesce(external_contact, regexp_replace(ani, '^tel:', '')) ORDER BY pos) AS customer_key
    FROM sess WHERE purpose = 'customer' GROUP BY n
), queue AS (
    SELECT n, queue_id, any_value(name ORDER BY pos) AS queue_name, any_value(t_acd ORDER BY pos) AS t_acd
    FROM sess WHERE purpose = 'acd' GROUP BY n, queue_id
), legs AS (
    SELECT s.*, coalesce(q.queue_name, s.queue_id) AS department, q.t_acd AS queue_wait,
        lead(coalesce(q.queue_name, s.queue_id)) OVER (PARTITION BY s.n ORDER BY s.first_start, s.pos) AS next_department
    FROM sess s LEFT JOIN queue q USING (n, queue_id)
    WHERE s.purpose = 'agent'
), abandoned AS (
    SELECT s.*, coalesce(s.name, s.queue_id) AS department
    FROM sess s
    WHERE s.purpose = 'acd' AND s.t_abandon IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM legs l WHERE l.n = s.n AND l.queue_id IS NOT DISTINCT FROM s.queue_id)
)
SELECT
    l.conversation_id || ':' || l.participant_id     AS contact_id,
    c.customer_key                                   AS customer_key,
    CASE l.media
        WHEN 'voice' THEN 'phone' WHEN 'callback' THEN 'phone'
        WHEN 'chat' THEN 'chat' WHEN 'message' THEN 'chat'
        WHEN 'email' THEN 'email'
        ELSE l.media
    END                                              AS channel,
    l.department                                     AS department,
    l.user_id                                        AS agent_id,
    l.first_start                                    AS started_at,
    coalesce(CAST(TRY_CAST(l.queue_wait AS DOUBLE) / 1000 AS VARCHAR), l.queue_wait) AS wait_seconds,
    coalesce(CAST(TRY_CAST(l.t_handle AS DOUBLE) / 1000 AS VARCHAR), l.t_handle) AS handle_seconds,
    coalesce(CAST(TRY_CAST(l.t_held AS DOUBLE) / 1000 AS VARCHAR), l.t_held) AS hold_seconds,
    CASE WHEN l.transferred THEN l.next_department END AS transferred_to,
    CASE
        WHEN l.transferred THEN 'transferred'
        WHEN lower(l.wrap_up) IN ('resolved', 'unresolved', 'escalated', 'callback', 'other') THEN lower(l.wrap_up)
    END                                              AS disposition,
    l.n                                              AS _source_line
FROM legs l LEFT JOIN customer c USING (n)
UNION ALL
SELECT
    a.conversation_id || ':' || a.participant_id, c.customer_key,
    CASE a.media WHEN 'voice' THEN 'phone' WHEN 'callback' THEN 'phone' WHEN 'chat' THEN 'chat'
                 WHEN 'message' THEN 'chat' WHEN 'email' THEN 'email' ELSE a.media END,
    a.department, NULL, a.first_start,
    coalesce(CAST(TRY_CAST(a.t_abandon AS DOUBLE) / 1000 AS VARCHAR), a.t_abandon),
    NULL, NULL, NULL, 'abandoned', a.n
FROM abandoned a LEFT JOIN customer c USING (n)
ORDER BY _source_line, started_at, contact_id
