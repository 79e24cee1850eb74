-- mcnamara:mapping
-- table: contacts
-- source_system: salesforce
-- timezone: UTC
-- match: Case.csv Case_*.csv
-- doc: Salesforce Service Cloud Case export (CSV with API field names, as Data Loader and the weekly Data Export write it), one contact per case.
--
-- Written from the public Salesforce Object Reference (Case) and the Data
-- Loader / Data Export documentation: the header row holds the API field
-- names, timestamps are UTC (2026-01-05T14:00:00.000Z), booleans true/false.
--
-- Fields → contract:
--   Id → contact_id; ContactId, else AccountId → customer_key
--   ParentId, else Id → case_id: a child case joins its parent's journey
--   Origin → channel: Phone, Email, Web, Chat (and Messaging) map to theirs;
--     an origin that names no contract channel is refused naming it
--   Type → department (the case type picklist: the line of service)
--   OwnerId → agent_id when the owner is a user (id prefix 005); a case
--     still owned by a queue (prefix 00G) has no agent
--   Reason → topic; CreatedDate → started_at
--   IsClosed true → disposition resolved (the agent's claim: a closed case);
--     Status Escalated or IsEscalated true → escalated; else unresolved
-- Left out: wait_seconds and handle_seconds (a case records no handle time;
-- activities and voice call records are other objects), hold_seconds,
-- team, transferred_to (owner changes are in CaseHistory), sla_met
-- (entitlement milestones are the CaseMilestone object), csat (surveys are
-- another object), Subject, Description and comments (free text).
-- Reopenings and customer confirmations come from salesforce_case_history.sql.
-- Rejects: an unknown Origin, a CreatedDate that does not parse, and lines
-- DuckDB's CSV reader refuses.
SELECT
    "Id"                                             AS contact_id,
    coalesce(nullif("ContactId", ''), nullif("AccountId", '')) AS customer_key,
    coalesce(nullif("ParentId", ''), "Id")           AS case_id,
    CASE "Origin"
        WHEN 'Phone'     THEN 'phone'
        WHEN 'Email'     THEN 'email'
        WHEN 'Web'       THEN 'web'
        WHEN 'Chat'      THEN 'chat'
        WHEN 'Messaging' THEN 'chat'
        ELSE "Origin"
    END                                              AS channel,
    "Type"                                           AS department,
    CASE WHEN "OwnerId" LIKE '005%' THEN "OwnerId" END AS agent_id,
    "Reason"                                         AS topic,
    "CreatedDate"                                    AS started_at,
    CASE
        WHEN lower("IsClosed") = 'true' THEN 'resolved'
        WHEN "Status" = 'Escalated' OR lower("IsEscalated") = 'true' THEN 'escalated'
        ELSE 'unresolved'
    END                                              AS disposition
FROM read_csv({{file}}, header = true, all_varchar = true, store_rejects = true)
