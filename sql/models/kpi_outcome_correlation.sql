-- model: kpi_outcome_correlation
-- reads: contact_facts
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

CREATE OR REPLACE TEMP TABLE kpi_member_rates AS
SELECT 'agent' AS dimension, agent_id AS member, count(*) AS contacts,
       avg(CAST(COLUMNS('^met_') AS DOUBLE)),
       avg(CAST(claimed_success AS DOUBLE)) AS met_claimed_success,
       avg(CAST(outcome_failed AS DOUBLE)) AS outcome_failed_rate
FROM contact_facts
WHERE agent_id IS NOT NULL AND contact_settled(started_at)
GROUP BY agent_id
UNION ALL BY NAME
SELECT 'team' AS dimension, team AS member, count(*) AS contacts,
       avg(CAST(COLUMNS('^met_') AS DOUBLE)),
       avg(CAST(claimed_success AS DOUBLE)) AS met_claimed_success,
       avg(CAST(outcome_failed AS DOUBLE)) AS outcome_failed_rate
FROM contact_facts
WHERE team IS NOT NULL AND contact_settled(started_at)
GROUP BY team;

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
