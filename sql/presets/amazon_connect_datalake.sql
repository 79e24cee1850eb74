-- mcnamara:mapping
-- table: contacts
-- source_system: amazon_connect
-- timezone: UTC
-- match: contact_record*.parquet
-- doc: Amazon Connect analytics data lake contact_record table (Parquet, as an Athena UNLOAD or a copy of the shared table writes it), one contact per record.
--
-- Written from the public "Amazon Connect analytics data lake" data type
-- definitions (contact_record). The same contact as amazon_connect_ctr.sql,
-- in the data lake's flat snake_case columns: durations are milliseconds,
-- timestamps UTC, attributes a map. Columns the mapping does not name may
-- be absent (the table has over 100; export the ones below or SELECT *);
-- a missing named column refuses the file naming it.
--
-- Fields → contract:
--   contact_id → contact_id; channel VOICE|CHAT|EMAIL|TASK → phone|chat|email|other
--   initiation_timestamp → started_at; queue_name → department
--   queue_duration_ms / 1000 → wait_seconds
--   (agent_interaction_duration_ms + agent_customer_hold_duration_ms
--     + agent_after_contact_work_duration_ms) / 1000 → handle_seconds
--     (AHT's talk + hold + after-contact work)
--   agent_customer_hold_duration_ms / 1000 → hold_seconds
--   agent_username → agent_id
--   the deepest agent_hierarchy_groups_level_N_name (5 … 1) → team
--   queue_name of the record whose previous_contact_id is this one (the
--     next leg of a transfer, in the same file) → transferred_to
-- Contact attributes (set by your contact flows): attributes['CustomerId']
-- → customer_key (else customer_endpoint_address, the caller's number),
-- attributes['CaseId'] → case_id, attributes['ContactReason'] → topic,
-- attributes['Disposition'] → disposition. Without a Disposition: no agent
-- and a queue = abandoned; a next_contact_id or a completed transfer =
-- transferred; otherwise none.
-- Left out: sla_met (service level is computed from queue thresholds; the
-- answer-time target applies to wait_seconds), csat, external transfers
-- (their endpoint is not among the columns used), Contact Lens, recording,
-- campaign, routing-criteria and device columns.
-- Quirks: the data lake may hold a contact again when it was updated; a
-- second row with the same contact_id is refused as a duplicate key.
-- Rejects: an unknown channel, a duration that is not a number.
WITH cr AS (
    SELECT row_number() OVER () AS n, *
    FROM read_parquet({{file}})
)
SELECT
    c.contact_id                                     AS contact_id,
    coalesce(c.attributes['CustomerId'], c.customer_endpoint_address) AS customer_key,
    c.attributes['CaseId']                           AS case_id,
    CASE c.channel
        WHEN 'VOICE' THEN 'phone'
        WHEN 'CHAT'  THEN 'chat'
        WHEN 'EMAIL' THEN 'email'
        WHEN 'TASK'  THEN 'other'
        ELSE c.channel
    END                                              AS channel,
    c.queue_name                                     AS department,
    c.agent_username                                 AS agent_id,
    coalesce(c.agent_hierarchy_groups_level_5_name, c.agent_hierarchy_groups_level_4_name,
             c.agent_hierarchy_groups_level_3_name, c.agent_hierarchy_groups_level_2_name,
             c.agent_hierarchy_groups_level_1_name) AS team,
    c.attributes['ContactReason']                    AS topic,
    c.initiation_timestamp                           AS started_at,
    c.queue_duration_ms / 1000                       AS wait_seconds,
    CASE WHEN c.agent_username IS NOT NULL THEN
        (coalesce(c.agent_interaction_duration_ms, 0) + coalesce(c.agent_customer_hold_duration_ms, 0)
         + coalesce(c.agent_after_contact_work_duration_ms, 0)) / 1000
    END                                              AS handle_seconds,
    c.agent_customer_hold_duration_ms / 1000         AS hold_seconds,
    nxt.queue_name                                   AS transferred_to,
    CASE
        WHEN c.attributes['Disposition'] IS NOT NULL THEN c.attributes['Disposition']
        WHEN c.agent_username IS NULL AND c.queue_name IS NOT NULL THEN 'abandoned'
        WHEN c.next_contact_id IS NOT NULL OR c.transfer_completed_timestamp IS NOT NULL THEN 'transferred'
    END                                              AS disposition,
    c.n                                              AS _source_line
FROM cr c
LEFT JOIN cr nxt ON nxt.previous_contact_id = c.contact_id
ORDER BY c.n
