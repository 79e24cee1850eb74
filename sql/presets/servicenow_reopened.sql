-- mcnamara:mapping
-- table: outcomes
-- source_system: servicenow
-- timezone: UTC
-- match: incident_event_log*.csv
-- format occurred_at: %d-%m-%Y %H:%M
-- doc: ServiceNow incident event log, one reopened event per reopening of an incident (reopen_count going up).
--
-- The customer's verdict on a resolution: the caller came back and the
-- incident was reopened. reopen_count is the number of reopenings so far;
-- each value k > 0 it takes yields one event of kind reopened, dated when
-- the log first shows it (sys_updated_at of the first row with
-- reopen_count = k, in update order: sys_mod_count, sys_updated_at, line).
--   event_id = number-reopen-k, customer_key = caller_id, case_id = number.
-- The contacts (servicenow_incidents.sql) carry no case_id, so that a
-- caller's incidents chain into journeys; the event then attaches to its
-- caller's journey running at the time (case_id is kept for lineage).
--
-- rows_read counts reopenings, not event rows: an update that reopened
-- nothing is not a refused row. The mapping yields _source_line itself: the
-- line of the row that first shows the reopening (record ordinal + header;
-- right when no field spans lines and no earlier line was refused, as in
-- the shipped log).
-- Rejects: a reopening whose row has no readable sys_updated_at (refused
-- naming the value) and lines DuckDB's CSV reader refuses; none in the
-- shipped log.
WITH ev AS (
    SELECT row_number() OVER () + 1 AS line, *
    FROM read_csv({{file}}, header = true, all_varchar = true, nullstr = '?', store_rejects = true)
), reopenings AS (
    SELECT number, caller_id, sys_updated_at, line,
           TRY_CAST(reopen_count AS INTEGER) AS k
    FROM ev
    WHERE number IS NOT NULL AND TRY_CAST(reopen_count AS INTEGER) > 0
    QUALIFY row_number() OVER (PARTITION BY number, TRY_CAST(reopen_count AS INTEGER)
        ORDER BY TRY_CAST(sys_mod_count AS INTEGER) NULLS LAST,
                 try_strptime(sys_updated_at, '%d-%m-%Y %H:%M') NULLS LAST,
                 line) = 1
)
SELECT
    number || '-reopen-' || k                      AS event_id,
    caller_id                                      AS customer_key,
    number                                         AS case_id,
    sys_updated_at                                 AS occurred_at,
    'reopened'                                     AS kind,
    'incident ' || number || ' reopened (reopening ' || k || ')' AS note,
    line                                           AS _source_line
FROM reopenings
ORDER BY line
