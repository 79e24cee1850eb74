-- model: cost_cells
-- reads: contact_facts, cost_rates
-- scope: aggregate
-- mart: order by dimension, member, month, week
-- cells: month
-- cost_cells — the cells the cost mart sums: one row per dimension,
-- member, week and month (a week can straddle two), with contacts and
-- sums of integers — us, fd_us, gap_us, customer_us (microseconds of
-- agent time: all, failure demand, after a gap; of the customer's time),
-- cost, fd_cost, gap_cost, resolved_cost (millionths of the currency),
-- resolved (billionths of a verified-resolved journey: each contact its
-- share) — exact in any order. Columns as cost.sql describes them.
--
-- Every count and sum is cast to BIGINT: a sum is a HUGEINT, which
-- Parquet stores as DOUBLE.
--
-- "cells: month" (as gap_cells): a month's cells are made from the
-- contact_facts rows of that month alone and the [costs] rates (part of
-- the build's fingerprint), so an incremental build keeps the cells of
-- the months before cells_from.
--
CREATE OR REPLACE TEMP TABLE cost_cells AS
SELECT
    CASE WHEN grouping(agent_id) = 0 THEN 'agent'
         WHEN grouping(team) = 0 THEN 'team'
         WHEN grouping(department) = 0 THEN 'department'
         WHEN grouping(channel) = 0 THEN 'channel'
         WHEN grouping(topic) = 0 THEN 'topic'
         ELSE 'all' END AS dimension,
    CASE WHEN grouping(agent_id) = 0 THEN coalesce(agent_id, '(none)')
         WHEN grouping(team) = 0 THEN coalesce(team, '(none)')
         WHEN grouping(department) = 0 THEN coalesce(department, '(none)')
         WHEN grouping(channel) = 0 THEN channel
         WHEN grouping(topic) = 0 THEN coalesce(topic, '(none)')
         ELSE 'all' END AS member,
    week, month,
    -- CASE, not FILTER: over grouping sets a FILTER clause costs about
    -- twice its aggregate (see kpi_cells, pipeline/build/script.go).
    -- Every sum is of integers (microseconds, millionths of the currency,
    -- billionths of a journey): exact in any order, so a rebuild or an
    -- incremental update gives the same figures
    count(*) AS contacts,
    CAST(sum(us) AS BIGINT) AS us,
    CAST(sum(cost) AS BIGINT) AS cost,
    CAST(coalesce(sum(CASE WHEN is_repeat THEN us END), 0) AS BIGINT) AS fd_us,
    CAST(coalesce(sum(CASE WHEN is_repeat THEN cost END), 0) AS BIGINT) AS fd_cost,
    CAST(coalesce(sum(CASE WHEN follows_gap THEN us END), 0) AS BIGINT) AS gap_us,
    CAST(coalesce(sum(CASE WHEN follows_gap THEN cost END), 0) AS BIGINT) AS gap_cost,
    CAST(coalesce(sum(CASE WHEN journey_resolved THEN share END), 0) AS BIGINT) AS resolved,
    CAST(coalesce(sum(CASE WHEN journey_resolved THEN cost END), 0) AS BIGINT) AS resolved_cost,
    CAST(sum(customer_us) AS BIGINT) AS customer_us
FROM (
    SELECT f.agent_id, f.team, f.department, f.channel, f.topic, f.is_repeat, f.follows_gap, f.journey_resolved,
        CAST(round(coalesce(f.handle_seconds, 0) * 1e6) AS BIGINT) AS us,
        CAST(round((coalesce(f.handle_seconds, 0) / 3600.0 * r.hourly + r.per_contact) * 1e6) AS BIGINT) AS cost,
        CAST(round(1e9 / f.journey_contacts) AS BIGINT) AS share,
        CAST(round((coalesce(f.wait_seconds, 0) + coalesce(f.handle_seconds, 0)
            + CASE WHEN f.channel IN ('branch', 'store') THEN getvariable('travel_seconds_per_visit') ELSE 0 END) * 1e6) AS BIGINT) AS customer_us,
        CAST(date_trunc('week', f.business_date) AS DATE) AS week,
        CAST(date_trunc('month', f.business_date) AS DATE) AS month
    FROM contact_facts f
    JOIN cost_rates r USING (channel)
    WHERE f.business_date >= getvariable('cells_from')
)
GROUP BY GROUPING SETS ((agent_id, week, month), (team, week, month), (department, week, month),
                        (channel, week, month), (topic, week, month), (week, month));
