-- model: agent_days
-- reads: contacts, business_offsets
-- scope: lake
-- mart: order by agent_id, business_date
-- merge: sum handled_contacts by agent_id, business_date
-- agent_days — the call count the seeds say reps are paid on: contacts
-- each agent handled (abandoned ones excluded) per business day. It gives
-- every contact its KPI contacts_handled_per_agent_day (contact_base.sql).
--   agent_id, business_date, handled_contacts
--
-- Scope lake: an agent's day holds many customers' contacts. An
-- incremental build counts the recomputed contacts and adds them to the
-- previous counts, less those of the rows they replace (scope.sql:
-- inc_removed_agent_days); every contact of a day new contacts fall on is
-- recomputed (seeds.sql).

CREATE OR REPLACE TEMP TABLE agent_days AS
SELECT c.agent_id, business_date(c.started_at, z.offset_us) AS business_date, count(*) AS handled_contacts
FROM contacts c
LEFT JOIN business_offsets z ON z.hour = epoch_us(c.started_at) // 3600000000
WHERE c.agent_id IS NOT NULL AND c.disposition IS DISTINCT FROM 'abandoned'
  AND (getvariable('as_of') IS NULL OR c.started_at <= getvariable('as_of'))
GROUP BY ALL;
