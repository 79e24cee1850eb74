-- mcnamara:mapping
-- table: outcomes
-- source_system: zendesk
-- timezone: UTC
-- match: zendesk_ticket_events*.json
-- doc: Zendesk Support incremental ticket event export (JSON pages of /api/v2/incremental/ticket_events), one reopened event per status change out of solved.
--
-- Written from the public Zendesk Support API reference (Incremental Ticket
-- Event Export). Each ticket event is one update (an audit) with its child
-- events; a child event of type Change on field_name status records
-- previous_value → value.
--
-- Fields → contract:
--   a status change from solved back to new, open, pending or hold → one
--     outcome of kind reopened (the customer came back: the agent's
--     "solved" did not hold), event_id = the child event's id
--   ticket_id → case_id (joins the ticket's journey; zendesk_tickets.sql
--     gives a ticket its own id as case, or that of the ticket it follows)
--   created_at (else timestamp, Unix seconds) → occurred_at
--   'ticket <id>: solved → <value>' → note
-- Left out: every other change (priority, group, assignee: the ticket's
-- own fields carry their final state), comments (free text), satisfaction
-- (zendesk_tickets.sql reads it), and solved itself: a solve is the agent's
-- claim (the ticket's disposition), not a verified resolution.
-- customer_key stays empty: updater_id is whoever made the change (an
-- agent, the requester or a trigger), so the event links by case only.
-- rows_read counts reopenings only: other changes are not events of the
-- outcome contract, not refused rows. Lines reported are update numbers.
-- Rejects: a timestamp that does not parse.
WITH doc AS (
    SELECT row_number() OVER () AS page, json AS j FROM read_json_objects({{file}}, format = 'auto')
), upd AS (
    SELECT row_number() OVER (ORDER BY page, k) AS n, e
    FROM (SELECT page, generate_subscripts(es, 1) AS k, unnest(es) AS e
          FROM (SELECT page, json_extract(j, '$.ticket_events[*]') AS es FROM doc))
), change AS (
    SELECT n,
        json_extract_string(e, '$.ticket_id') AS ticket_id,
        coalesce(json_extract_string(e, '$.created_at'),
                 strftime(to_timestamp(TRY_CAST(json_extract_string(e, '$.timestamp') AS BIGINT)), '%Y-%m-%dT%H:%M:%SZ')) AS changed_at,
        json_extract_string(c, '$.id') AS child_id,
        json_extract_string(c, '$.previous_value') AS previous_value,
        json_extract_string(c, '$.value') AS value
    FROM (SELECT n, e, unnest(json_extract(e, '$.child_events[*]')) AS c FROM upd)
    WHERE json_extract_string(c, '$.event_type') = 'Change' AND json_extract_string(c, '$.field_name') = 'status'
)
SELECT
    child_id                                         AS event_id,
    ticket_id                                        AS case_id,
    changed_at                                       AS occurred_at,
    'reopened'                                       AS kind,
    'ticket ' || ticket_id || ': solved → ' || value AS note,
    n                                                AS _source_line
FROM change
WHERE previous_value = 'solved' AND value IN ('new', 'open', 'pending', 'hold')
ORDER BY n, child_id
