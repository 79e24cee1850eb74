-- mcnamara:mapping
-- table: outcomes
-- source_system: salesforce
-- timezone: UTC
-- match: CaseHistory.csv CaseHistory_*.csv
-- doc: Salesforce Service Cloud CaseHistory export (CSV with API field names), one outcome per status change that reopens a case or records the customer's confirmation.
--
-- Written from the public Salesforce Object Reference (CaseHistory): one
-- row per tracked field change, Field = the field's API name, OldValue →
-- NewValue, CreatedDate = when. Status changes are tracked by default.
--
-- Fields → contract:
--   Id → event_id; CaseId → case_id (joins the case's journey, see
--   salesforce_case.sql); CreatedDate → occurred_at
--   Status from a closed value back to an open one → kind reopened
--   Status to a closed value naming the customer's confirmation (e.g. a
--     "Closed - Customer Confirmed" status) → kind resolved: a verified
--     resolution. A plain close is the agent's claim (the case's own
--     disposition), not an outcome, and yields nothing here.
--   'Status: <old> → <new>' → note
-- A status counts as closed when its value starts with "Closed" (the
-- standard picklist and the usual custom ones); CaseHistory does not carry
-- the picklist's IsClosed flag, so an org whose closed statuses are named
-- otherwise edits the two patterns below.
-- Left out: Owner changes and every other field (the Case carries their
-- final state), the created row; customer_key (the history names whoever
-- changed the case, not the customer: events link by case).
-- rows_read counts reopenings and confirmations only (other changes are not
-- events of the outcome contract, not refused rows).
-- Rejects: a row deleted in Salesforce (IsDeleted true: kept out, counted),
-- a CreatedDate that does not parse, lines DuckDB's CSV reader refuses.
WITH h AS (
    SELECT row_number() OVER () AS rec, *
    FROM read_csv({{file}}, header = true, all_varchar = true, store_rejects = true)
)
SELECT
    "Id"                                             AS event_id,
    "CaseId"                                         AS case_id,
    "CreatedDate"                                    AS occurred_at,
    CASE WHEN "NewValue" ILIKE 'closed%' THEN 'resolved' ELSE 'reopened' END AS kind,
    'Status: ' || coalesce("OldValue", '') || ' → ' || coalesce("NewValue", '') AS note,
    CASE WHEN lower("IsDeleted") = 'true' THEN 'deleted in Salesforce (IsDeleted = true): kept out of the outcomes' END AS _reject_reason,
    rec + 1                                          AS _source_line
FROM h
WHERE "Field" = 'Status'
  AND (("OldValue" ILIKE 'closed%' AND "NewValue" NOT ILIKE 'closed%')
       OR ("NewValue" ILIKE 'closed%' AND "NewValue" ILIKE '%confirm%'))
ORDER BY rec
