-- model: gap
-- reads: gap_cells
-- scope: aggregate
-- mart: order by dimension, member, grain, period_start NULLS FIRST
-- gap — the gap mart, long form: one row per dimension, member,
-- grain and period.
--
--   dimension   agent | team | department | channel | topic | all
--   member      the value ('(none)' when missing; 'all' for dimension all)
--   grain       week | month | total | settled
--               settled is the whole period over the settled contacts only
--   period_start  Monday of the week / first of the month, in the business
--               time zone (contact_facts.business_date); NULL for total and
--               settled
--   settled     every contact of the row is settled: its repeat window has
--               closed by the end of the data (data_end), so whether the
--               customer came back is known. Among the contacts that are not
--               settled only those whose customer already came back are
--               judged, a biased few: the report's whole-period figures are
--               the settled grain, its weekly rates the settled weeks.
--
-- Rates are over the contacts they can be judged on, so they compare like
-- with like: "judged" contacts are identified (not anonymous) and not open.
-- Every rate has its counts beside it, so periods and members re-aggregate
-- exactly (sum the counts, then divide):
--   contacts                     every contact of the group (volume)
--   judged_contacts              identified and not open (outcome_failed known)
--   claimed_success_contacts     judged contacts the scorecard calls a success
--   outcome_failed_contacts      judged contacts whose customer failed
--   gap_contacts                 judged contacts that are gap
--   claimed_resolution_contacts  judged contacts claimed resolved
--   verified_resolution_contacts judged contacts verified resolved
--   journeyed_contacts           identified contacts (open ones too)
--   repeat_contacts              journeyed contacts that are 2nd+ of their journey
-- The rates are named as in the metric catalog (`mcnamara metrics`):
--   claimed_success_ratio     claimed_success_contacts / judged_contacts
--   outcome_failed_ratio      outcome_failed_contacts / judged_contacts
--   gap_ratio                 gap_contacts / claimed_success_contacts
--   verified_resolution_ratio verified_resolution_contacts / judged_contacts
--   failure_demand_ratio      repeat_contacts / journeyed_contacts
-- and, for every KPI of the catalog (filled in from it by the build):
--   <kpi>                     its aggregate over the contacts measured on
--                             it (the mean: AHT for handle_time_seconds;
--                             handled contacts / agent-days for
--                             contacts_handled_per_agent_day); the KPI
--                             claimed_resolution_ratio is over every
--                             contact: set beside verified resolution,
--                             use claimed_resolution_contacts /
--                             judged_contacts (like with like)
--   <kpi>_contacts            the contacts measured on it
--   target_<kpi>              the mean target in force over them
-- A rate whose denominator is zero is NULL.

-- The counts come from gap_cells (gap_cells.sql): one row per member,
-- week, month and settledness, summed here into each grain.
CREATE OR REPLACE TEMP TABLE gap AS
WITH periods AS (
    SELECT 'week' AS grain, week AS period_start, * EXCLUDE (month) FROM gap_cells
    UNION ALL
    SELECT 'month' AS grain, month AS period_start, * EXCLUDE (month) FROM gap_cells
    UNION ALL
    SELECT 'total' AS grain, NULL AS period_start, * EXCLUDE (month) FROM gap_cells
    UNION ALL
    SELECT 'settled' AS grain, NULL AS period_start, * EXCLUDE (month) FROM gap_cells WHERE settled
)
SELECT
    dimension, member, grain, period_start,
    bool_and(settled) AS settled,
    -- counts stay BIGINT: a sum is a HUGEINT, which Parquet stores as DOUBLE
    CAST(sum(contacts) AS BIGINT) AS contacts,
    CAST(sum(judged) AS BIGINT) AS judged_contacts,
    CAST(sum(claimed) AS BIGINT) AS claimed_success_contacts,
    CAST(sum(failed) AS BIGINT) AS outcome_failed_contacts,
    CAST(sum(gap) AS BIGINT) AS gap_contacts,
    CAST(sum(claimed_resolved) AS BIGINT) AS claimed_resolution_contacts,
    CAST(sum(verified_resolved) AS BIGINT) AS verified_resolution_contacts,
    CAST(sum(journeyed) AS BIGINT) AS journeyed_contacts,
    CAST(sum(repeats) AS BIGINT) AS repeat_contacts,
    sum(claimed) / nullif(sum(judged), 0) AS claimed_success_ratio,
    sum(failed) / nullif(sum(judged), 0) AS outcome_failed_ratio,
    sum(gap) / nullif(sum(claimed), 0) AS gap_ratio,
    sum(verified_resolved) / nullif(sum(judged), 0) AS verified_resolution_ratio,
    sum(repeats) / nullif(sum(journeyed), 0) AS failure_demand_ratio,
    {{kpi_columns}}
FROM periods
GROUP BY dimension, member, grain, period_start;
