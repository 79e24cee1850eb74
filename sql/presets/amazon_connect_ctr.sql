-- mcnamara:mapping
-- table: contacts
-- source_system: amazon_connect
-- timezone: UTC
-- match: connect-ctr-* connect_ctr-* connect_ctr_*
-- doc: Amazon Connect contact records (CTRs) as a Kinesis Data Firehose stream writes them to S3 (JSON), one contact per record.
--
-- Written from the public "Data model for Amazon Connect contact records"
-- (format version 2017-03-10). Firehose writes the records back to back
-- with no delimiter (or one per line, with a newline processor); both read.
-- Object names start with the delivery stream's name: a stream called
-- connect-ctr matches, any other name needs --mapping amazon_connect_ctr.
--
-- Fields → contract:
--   ContactId → contact_id; Channel VOICE|CHAT|EMAIL|TASK → phone|chat|email|other
--   InitiationTimestamp (UTC) → started_at; Queue.Name → department
--   Queue.Duration → wait_seconds
--   Agent.AgentInteractionDuration + Agent.CustomerHoldDuration
--     + Agent.AfterContactWorkDuration → handle_seconds (AHT's talk + hold
--     + after-contact work); Agent.CustomerHoldDuration → hold_seconds
--   Agent.Username → agent_id; the deepest Agent.HierarchyGroups level's
--     GroupName (Level5 … Level1) → team
--   the Queue.Name of the record whose PreviousContactId is this one (the
--     next leg of a transfer, in the same file), else
--     TransferredToEndpoint.Address (an external number) → transferred_to
-- Contact attributes (set by your contact flows; Connect has no field of its
-- own for them): Attributes.CustomerId → customer_key (else the caller's
-- CustomerEndpoint.Address, a phone number), Attributes.CaseId → case_id,
-- Attributes.ContactReason → topic, Attributes.Disposition → disposition.
-- If your flows use other names, copy this file and change the paths.
-- Without a Disposition attribute: a contact no agent took that ended in
-- the queue is abandoned, one with a NextContactId or a completed transfer
-- is transferred, any other has no disposition (no claim to judge).
-- Left out: sla_met (Connect computes service level from queue thresholds,
-- the record carries no verdict: the answer-time target applies to
-- wait_seconds), csat (Contact Lens and surveys are other exports),
-- recordings, Contact Lens, voice ID, campaign and segment attributes.
-- Quirks: Connect may deliver a record again when it is updated; the second
-- delivery is refused as a duplicate key (the first is kept, both counted).
-- A record that is not valid JSON makes the file unreadable as a whole (it
-- is refused naming the reason; the other files load). Lines reported for
-- rejects are record numbers (Firehose writes many records on one line).
-- Rejects: an unknown Channel, a timestamp or duration that does not parse.
WITH rec AS (
    SELECT row_number() OVER () AS n, json AS j
    FROM read_json_objects({{file}}, format = 'auto')
), ctr AS (
    -- json_extract_string: NULL for a field the record lacks
    SELECT n,
        json_extract_string(j, '$.ContactId')                        AS contact_id,
        json_extract_string(j, '$.PreviousContactId')                AS previous_contact_id,
        json_extract_string(j, '$.NextContactId')                    AS next_contact_id,
        json_extract_string(j, '$.TransferCompletedTimestamp')       AS transfer_completed,
        json_extract_string(j, '$.TransferredToEndpoint.Address')    AS transferred_to_address,
        json_extract_string(j, '$.Channel')                          AS channel,
        json_extract_string(j, '$.InitiationTimestamp')              AS initiated,
        json_extract_string(j, '$.CustomerEndpoint.Address')         AS customer_address,
        json_extract_string(j, '$.Queue.Name')                       AS queue_name,
        json_extract_string(j, '$.Queue.Duration')                   AS queue_duration,
        coalesce(json_type(j, '$.Agent'), 'NULL') = 'OBJECT'         AS has_agent,
        json_extract_string(j, '$.Agent.Username')                   AS agent_username,
        json_extract_string(j, '$.Agent.AgentInteractionDuration')   AS interaction,
        json_extract_string(j, '$.Agent.CustomerHoldDuration')       AS hold,
        json_extract_string(j, '$.Agent.AfterContactWorkDuration')   AS acw,
        coalesce(json_extract_string(j, '$.Agent.HierarchyGroups.Level5.GroupName'),
                 json_extract_string(j, '$.Agent.HierarchyGroups.Level4.GroupName'),
                 json_extract_string(j, '$.Agent.HierarchyGroups.Level3.GroupName'),
                 json_extract_string(j, '$.Agent.HierarchyGroups.Level2.GroupName'),
                 json_extract_string(j, '$.Agent.HierarchyGroups.Level1.GroupName')) AS hierarchy_group,
        json_extract_string(j, '$.Attributes.CustomerId')            AS attr_customer,
        json_extract_string(j, '$.Attributes.CaseId')                AS attr_case,
        json_extract_string(j, '$.Attributes.ContactReason')         AS attr_reason,
        json_extract_string(j, '$.Attributes.Disposition')           AS attr_disposition
    FROM rec
)
SELECT
    c.contact_id                                     AS contact_id,
    coalesce(c.attr_customer, c.customer_address)    AS customer_key,
    c.attr_case                                      AS case_id,
    CASE c.channel
        WHEN 'VOICE' THEN 'phone'
        WHEN 'CHAT'  THEN 'chat'
        WHEN 'EMAIL' THEN 'email'
        WHEN 'TASK'  THEN 'other'
        ELSE c.channel
    END                                              AS channel,
    c.queue_name                                     AS department,
    c.agent_username                                 AS agent_id,
    c.hierarchy_group                                AS team,
    c.attr_reason                                    AS topic,
    c.initiated                                      AS started_at,
    c.queue_duration                                 AS wait_seconds,
    -- a part that is not a number passes the parts on joined by '+', so
    -- the row is refused showing them
    CASE WHEN c.has_agent THEN
        coalesce(CAST(TRY_CAST(coalesce(c.interaction, '0') AS DOUBLE) + TRY_CAST(coalesce(c.hold, '0') AS DOUBLE)
                      + TRY_CAST(coalesce(c.acw, '0') AS DOUBLE) AS VARCHAR),
                 concat_ws('+', c.interaction, c.hold, c.acw))
    END                                              AS handle_seconds,
    c.hold                                           AS hold_seconds,
    coalesce(nxt.queue_name, c.transferred_to_address) AS transferred_to,
    CASE
        WHEN c.attr_disposition IS NOT NULL THEN c.attr_disposition
        WHEN NOT c.has_agent AND c.queue_name IS NOT NULL THEN 'abandoned'
        WHEN c.next_contact_id IS NOT NULL OR c.transfer_completed IS NOT NULL THEN 'transferred'
    END                                              AS disposition,
    c.n                                              AS _source_line
FROM ctr c
LEFT JOIN ctr nxt ON nxt.previous_contact_id = c.contact_id
ORDER BY c.n
