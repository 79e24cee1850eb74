-- model: kpi_outcome_correlation
-- reads: gap_cells
-- scope: aggregate
-- mart: order by dimension, kpi
-- kpi_outcome_correlation — does meeting a KPI go with customers
-- doing better? (the Goodhart panel)
--
-- For each KPI (and claimed_success, the whole scorecard) and each of the
-- dimensions agent and team: the Spearman rank correlation, across members,
-- between the member's attainment (share of its measured contacts that met
-- the target) and its outcome-failed rate (over its judged contacts).
-- Ties get their average rank. n is the number of members with both
-- values; spearman_rho is NULL when n < 3 or either side does not vary.
-- A positive rho means the members who meet the KPI more often fail their
-- customers more often. Only settled contacts count (contact_settled,
-- _macros.sql): among the others only the customers who already came
-- back are judged, a biased few.

-- The members' rates from the gap's monthly cells (gap_cells.sql): sums
-- of counts, the same ratios as averaging each contact's 0/1 (a sum of
-- integers, exact) and a pass over a hundred thousand cells rather than
-- every contact. '(none)' is gap_cells' member for contacts without one.
CREATE OR REPLACE TEMP TABLE kpi_member_rates AS
SELECT dimension, member, CAST(sum(contacts) AS BIGINT) AS contacts,
    {{kpi_met_rates}},
    sum(claimed_all) / nullif(sum(claimed_n), 0) AS met_claimed_success,
    sum(failed) / nullif(sum(judged), 0) AS outcome_failed_rate
FROM gap_cells
WHERE settled AND dimension IN ('agent', 'team') AND member <> '(none)'
GROUP BY dimension, member;

CREATE OR REPLACE TEMP TABLE kpi_outcome_correlation AS
WITH long AS (
    SELECT * FROM kpi_member_rates
    UNPIVOT INCLUDE NULLS (attainment FOR kpi IN (COLUMNS('^met_')))
), flagged AS (
    SELECT dimension, regexp_replace(kpi, '^met_', '') AS kpi, member, attainment, outcome_failed_rate,
           attainment IS NOT NULL AND outcome_failed_rate IS NOT NULL AS usable
    FROM long
), ranked AS (
    SELECT *,
        rank() OVER (PARTITION BY dimension, kpi, usable ORDER BY attainment)
            + (count(*) OVER (PARTITION BY dimension, kpi, usable, attainment) - 1) / 2.0 AS rank_attainment,
        rank() OVER (PARTITION BY dimension, kpi, usable ORDER BY outcome_failed_rate)
            + (count(*) OVER (PARTITION BY dimension, kpi, usable, outcome_failed_rate) - 1) / 2.0 AS rank_failed
    FROM flagged
)
SELECT
    dimension, kpi,
    count(*) FILTER (WHERE usable) AS n,
    -- rounded to 10 places: a parallel sum's order shows in the last bits
    -- (a rho of 0 came out as ±1e-17), and a rebuild must give the same
    CASE WHEN count(*) FILTER (WHERE usable) >= 3
         THEN CASE WHEN isnan(corr(rank_attainment, rank_failed) FILTER (WHERE usable)) THEN NULL
                   ELSE round(corr(rank_attainment, rank_failed) FILTER (WHERE usable), 10) END
    END AS spearman_rho
FROM ranked
GROUP BY dimension, kpi;

-- Its working tables go once it is made (the build holds every table
-- to its end: at 100M contacts gaming_base was 100M rows through the
-- models after it).
DROP TABLE kpi_member_rates;
