-- mcnamara:mapping
-- table: contacts
-- source_system: zendesk
-- timezone: UTC
-- match: zendesk_tickets*.json
-- doc: Zendesk Support incremental ticket export (JSON pages of /api/v2/incremental/tickets, ideally with include=metric_sets,groups), one contact per ticket.
--
-- Written from the public Zendesk Support API reference (Tickets, Ticket
-- Metrics, Incremental Exports). A file holds one export page or several
-- pages one after another ({"tickets": [...], "metric_sets": [...],
-- "groups": [...], ...}); the side-loaded metric_sets and groups are
-- joined when present.
--
-- Fields → contract:
--   id → contact_id; requester_id → customer_key
--   the ticket a follow-up was made from (via.source.from.ticket_id when
--     via.source.rel is follow_up), else id → case_id: a follow-up joins the
--     journey of the ticket it follows
--   via.channel → channel: email, web (web form, web widget, help center),
--     chat and messaging, voice (phone), mobile SDK (app), social networks;
--     api, any_channel, side_conversation and other system channels → other
--   group_id → department (the group's name when groups are side-loaded)
--   assignee_id → agent_id; type (question|incident|problem|task) → topic
--   created_at → started_at
--   metric_set.reply_time_in_minutes.calendar × 60 → wait_seconds (how long
--     the customer waited for the first reply)
--   status: solved or closed → disposition resolved (the agent's claim);
--     new, open, pending, hold → unresolved
--   satisfaction_rating.score: good → csat 5, bad → csat 1 (Zendesk asks a
--     two-point question); offered / unoffered → no csat
-- Left out: handle_seconds and hold_seconds (Zendesk records no agent
-- handle time without a time-tracking app; on_hold_time is ticket status
-- time, not a held customer), team, sla_met (SLA policies are another
-- API), tags, custom fields, subject and comments (free text).
-- Reopenings and the status history come from zendesk_ticket_events.sql.
-- Lines reported for rejects are ticket numbers in the file.
-- Rejects: an unknown via.channel, a timestamp that does not parse.
WITH doc AS (
    SELECT row_number() OVER () AS page, json AS j FROM read_json_objects({{file}}, format = 'auto')
), ticket AS (
    SELECT row_number() OVER (ORDER BY page, k) AS n, t
    FROM (SELECT page, generate_subscripts(ts, 1) AS k, unnest(ts) AS t
          FROM (SELECT page, json_extract(j, '$.tickets[*]') AS ts FROM doc))
), metric AS (
    SELECT json_extract_string(m, '$.ticket_id') AS ticket_id,
           any_value(json_extract_string(m, '$.reply_time_in_minutes.calendar')) AS reply_minutes
    FROM (SELECT unnest(json_extract(j, '$.metric_sets[*]')) AS m FROM doc)
    GROUP BY ALL
), grp AS (
    SELECT json_extract_string(g, '$.id') AS group_id, any_value(json_extract_string(g, '$.name')) AS group_name
    FROM (SELECT unnest(json_extract(j, '$.groups[*]')) AS g FROM doc)
    GROUP BY ALL
), t AS (
    SELECT n,
        json_extract_string(t, '$.id')                      AS id,
        json_extract_string(t, '$.requester_id')            AS requester_id,
        json_extract_string(t, '$.assignee_id')             AS assignee_id,
        json_extract_string(t, '$.group_id')                AS group_id,
        json_extract_string(t, '$.type')                    AS type,
        json_extract_string(t, '$.status')                  AS status,
        json_extract_string(t, '$.created_at')              AS created_at,
        json_extract_string(t, '$.via.channel')             AS via_channel,
        CASE WHEN json_extract_string(t, '$.via.source.rel') = 'follow_up'
             THEN json_extract_string(t, '$.via.source.from.ticket_id') END AS follows,
        json_extract_string(t, '$.satisfaction_rating.score') AS score
    FROM ticket
)
SELECT
    t.id                                             AS contact_id,
    t.requester_id                                   AS customer_key,
    coalesce(t.follows, t.id)                        AS case_id,
    CASE
        WHEN t.via_channel = 'email' THEN 'email'
        WHEN t.via_channel IN ('web', 'web_form', 'web_widget', 'help_center', 'web_service') THEN 'web'
        WHEN t.via_channel IN ('chat', 'native_messaging', 'chat_transcript', 'sunshine_conversations_api') THEN 'chat'
        WHEN t.via_channel IN ('voice', 'phone_call_inbound', 'phone_call_outbound', 'voicemail') THEN 'phone'
        WHEN t.via_channel IN ('mobile_sdk', 'mobile') THEN 'app'
        WHEN t.via_channel IN ('twitter', 'facebook', 'instagram_dm', 'whatsapp', 'line', 'wechat', 'telegram') THEN 'social'
        WHEN t.via_channel IN ('api', 'any_channel', 'side_conversation', 'rule', 'sample_ticket', 'merge', 'linked_problem', 'closed_ticket', 'sms') THEN 'other'
        ELSE t.via_channel
    END                                              AS channel,
    coalesce(g.group_name, t.group_id)               AS department,
    t.assignee_id                                    AS agent_id,
    t.type                                           AS topic,
    t.created_at                                     AS started_at,
    coalesce(CAST(TRY_CAST(m.reply_minutes AS DOUBLE) * 60 AS VARCHAR), m.reply_minutes) AS wait_seconds,
    CASE
        WHEN t.status IN ('solved', 'closed') THEN 'resolved'
        WHEN t.status IN ('new', 'open', 'pending', 'hold') THEN 'unresolved'
        ELSE t.status
    END                                              AS disposition,
    CASE t.score WHEN 'good' THEN 5 WHEN 'bad' THEN 1 END AS csat,
    t.n                                              AS _source_line
FROM t
LEFT JOIN metric m ON m.ticket_id = t.id
LEFT JOIN grp g ON g.group_id = t.group_id
ORDER BY t.n
