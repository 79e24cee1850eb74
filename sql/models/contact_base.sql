-- model: contact_base
-- reads: contacts, identities, surveys, group_targets, business_offsets, agent_days
-- scope: person
-- contact_base — one row per contact: the person behind it, its csat,
-- its business date, and whether the scorecard calls it a success
-- (kpi_held, claimed_success).
--
-- Variables: time_zone (business time zone, e.g. 'Europe/Berlin'),
-- as_of (TIMESTAMPTZ or NULL: judge the data as it stood then).
-- Placeholders, written in double braces below and in contact_facts.sql,
-- are filled from the metric catalog (`mcnamara build --print-sql` shows
-- them filled in):
--   scorecard_held  coalesce(<expr> <= target_<kpi>, true) AND … over the
--                   scorecard's KPIs (>= when higher is better)
--   kpi_values      <expr> AS <kpi>, for every KPI
--   kpi_met         <kpi> <= target_<kpi> AS met_<kpi>
-- Only what journeys need is kept here; contact_facts adds every
-- KPI's value, target and met flag.

-- data_end: the end of the data. Contacts whose repeat window runs past it
-- are open (censored). Without as_of it is the last contact's start. An
-- incremental build runs the models over some persons only; it sets
-- lake_data_end to the whole lake's end (unset, getvariable is NULL).
SET VARIABLE data_end = coalesce(getvariable('as_of'), getvariable('lake_data_end'), (SELECT max(started_at) FROM contacts));

CREATE OR REPLACE TEMP TABLE contact_base AS
WITH base AS (
    SELECT
        c.contact_id, c.source_system, c.customer_key, nullif(trim(c.case_id), '') AS case_id, c.channel, c.department,
        c.agent_id, c.team, c.topic, c.started_at, c.wait_seconds, c.handle_seconds, c.hold_seconds,
        c.transferred_to, c.disposition, c.sla_met, c.reassignments,
        -- csat: the contact's own score, else the one its survey gave.
        coalesce(c.csat, s.csat) AS csat,
        s.nps,
        business_date(c.started_at, z.offset_us) AS business_date,
        -- identity stitching (_macros.sql)
        person_of(c.source_system, c.customer_key, i.person_id) AS person_id,
        -- The organisation's claim that the need was met: disposition
        -- resolved; when the source gives no disposition, its SLA verdict.
        coalesce(c.disposition = 'resolved', c.sla_met, false) AS claimed_resolution,
        c.started_at + to_seconds(coalesce(c.wait_seconds, 0) + coalesce(c.handle_seconds, 0)) AS ended_at,
        t.* EXCLUDE (t_team, t_department, t_channel),
        c._batch_id, c._source_file, c._source_line
    FROM contacts c
    -- only the links of keys the contacts name (most of a lake's links can
    -- be keys of events only: 3.6M of 9.3M at 10M contacts): when they do
    -- not fit memory, a join of them all spilled the contacts' whole rows
    -- (800 MiB: 27.7 s against 17.4 s; 8 GiB: 1.1 s dearer)
    LEFT JOIN (SELECT l.* FROM identities l
               SEMI JOIN contacts k ON k.source_system = l.source_system AND k.customer_key = l.customer_key) i
           ON i.source_system = c.source_system AND i.customer_key = c.customer_key
    LEFT JOIN surveys s
           ON s.source_system = c.source_system AND s.contact_id = c.contact_id
    LEFT JOIN business_offsets z ON z.hour = epoch_us(c.started_at) // 3600000000
    LEFT JOIN group_targets t
           ON t.t_team IS NOT DISTINCT FROM c.team
          AND t.t_department IS NOT DISTINCT FROM c.department
          AND t.t_channel = c.channel
    WHERE getvariable('as_of') IS NULL OR c.started_at <= getvariable('as_of')
), counted AS (
    -- the call count of the contact's agent-day (agent_days.sql), for the
    -- KPI contacts_handled_per_agent_day
    SELECT b.*, a.handled_contacts AS agent_day_contacts
    FROM base b
    LEFT JOIN agent_days a ON a.agent_id = b.agent_id AND a.business_date = b.business_date
)
SELECT
    COLUMNS(c -> NOT starts_with(c, 'target_')),
    -- A KPI that is not measured for a contact (no value, e.g. no survey,
    -- or no target) does not hold back its claimed success.
    {{scorecard_held}} AS kpi_held,
    claimed_resolution AND {{scorecard_held}} AS claimed_success
FROM counted;
