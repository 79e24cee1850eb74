-- mcnamara:mapping
-- table: contacts
-- source_system: servicenow
-- timezone: UTC
-- match: incident_event_log*.csv
-- format started_at: %d-%m-%Y %H:%M
-- doc: ServiceNow incident event log (UCI "Incident management process enriched event log"), one contact per incident at its final state.
--
-- The log has one row per update of an incident (New, Active, Awaiting…,
-- Resolved, Closed, with the counters so far). An incident is one contact
-- of its caller with the service desk; this mapping reduces the rows of an
-- incident to one, its final state: the row with the highest sys_mod_count
-- (the update counter), then the latest sys_updated_at, then the later line
-- (two rows of one incident can share a counter: the log also records
-- field changes that do not bump it).
--   contact_id = number, customer_key = caller_id, channel = contact_type,
--   department = assignment_group, agent_id = resolved_by (the resolver the
--   desk credits), topic = category, started_at = opened_at,
--   sla_met = made_sla (the desk's own SLA verdict, final value),
--   disposition = resolved when the final state is Resolved or Closed (the
--   desk's claim), unresolved when the log ends with the incident open.
--   transferred_to = the final assignment group when reassignment_count > 0
--   (the incident was passed between groups); reassignments =
--   reassignment_count, which the journeys mart adds to the journey's hops.
-- Reopenings are outcome events: see servicenow_reopened.sql.
-- Wait and handle time are not in the log (time to resolve is not the
-- customer's effort), so they stay empty and the scorecard uses sla_met.
--
-- Quirks of the data, handled here:
-- * '?' marks a missing value in every column (nullstr).
-- * Timestamps are DD-MM-YYYY HH:MM; the publisher does not state the zone
--   (anonymised company), so UTC is assumed.
-- * contact_type values of the full log: Phone, Email, Self service, IVR,
--   Direct opening → phone, email, web, ivr, other; others are refused.
--
-- rows_read counts incidents, not event rows (plus any line DuckDB's CSV
-- reader refuses). Being an aggregation, the mapping yields _source_line
-- itself: the line of the final-state row (record ordinal + header; right
-- when no field spans lines and no earlier line was refused, as in the
-- shipped log).
-- Rejects: event rows with no incident number (they cannot be reduced to an
-- incident: one reject for all of them, naming how many), and values the
-- engine cannot read (opened_at, made_sla, an unknown contact_type), each
-- naming the value; none in the shipped log.
WITH ev AS (
    SELECT row_number() OVER () + 1 AS line, *
    FROM read_csv({{file}}, header = true, all_varchar = true, nullstr = '?', store_rejects = true)
), final AS (
    SELECT *, count(*) OVER (PARTITION BY number) AS events
    FROM ev
    QUALIFY row_number() OVER (PARTITION BY number
        ORDER BY TRY_CAST(sys_mod_count AS INTEGER) DESC NULLS LAST,
                 try_strptime(sys_updated_at, '%d-%m-%Y %H:%M') DESC NULLS LAST,
                 line DESC) = 1
)
SELECT
    number                                         AS contact_id,
    caller_id                                      AS customer_key,
    CASE lower(trim(contact_type))
        WHEN 'phone' THEN 'phone'
        WHEN 'email' THEN 'email'
        WHEN 'self service' THEN 'web'
        WHEN 'ivr' THEN 'ivr'
        WHEN 'direct opening' THEN 'other'
        ELSE contact_type
    END                                            AS channel,
    assignment_group                               AS department,
    resolved_by                                    AS agent_id,
    category                                       AS topic,
    opened_at                                      AS started_at,
    CASE WHEN incident_state IN ('Resolved', 'Closed') THEN 'resolved' ELSE 'unresolved' END AS disposition,
    made_sla                                       AS sla_met,
    CASE WHEN TRY_CAST(reassignment_count AS INTEGER) > 0
         THEN coalesce(assignment_group, '(group not recorded)') END AS transferred_to,
    reassignment_count                             AS reassignments,
    line                                           AS _source_line,
    CASE WHEN number IS NULL
         THEN events || ' event row(s) without an incident number: they cannot be reduced to an incident'
    END                                            AS _reject_reason
FROM final
ORDER BY line
