-- model: cost
-- reads: cost_cells
-- scope: aggregate
-- mart: order by dimension, member, grain, period_start NULLS FIRST
-- cost — what the contacts cost and what the gap costs, long form like gap
-- (dimension agent | team | department | channel | topic | all, member,
-- grain week | month | total, period_start). Rates come from [costs]
-- (cost_rates, the build's prelude: the agent hour per channel and a flat
-- cost per contact of a channel, visits).
--
--   agent cost of a contact = handle_seconds / 3600 × the agent hour of
--     its channel + the channel's flat cost. handle_seconds is the whole
--     handle time as AHT counts it (talk + hold + after-call work): the
--     design's "(handle + hold + after-call work)" is that one column.
--   contacts, agent_hours, agent_cost        every contact of the group
--   failure_demand_hours, _cost   of the 2nd+ contacts of journeys
--                                 (is_repeat): work caused by not getting
--                                 it right the first time
--   gap_hours, gap_cost           of the contacts that followed a gap
--                                 contact in their journey (follows_gap):
--                                 the rework a false "success" caused
--   cost_per_contact              agent_cost / contacts
--   resolved_journeys             verified-resolved journeys; a journey
--                                 whose contacts fall in several groups
--                                 counts in each in proportion
--   resolved_journey_cost         agent cost of their contacts
--   cost_per_resolved_journey     resolved_journey_cost / resolved_journeys:
--                                 what a resolved customer costs
--   customer_hours                the customers' own time: wait + handle
--                                 (+ travel for visits)
--   customer_cost                 customer_hours × [costs] customer_hour
--   currency                      of every cost column

-- The sums come from cost_cells (cost_cells.sql): one row per member,
-- week and month, summed here into each grain.
CREATE OR REPLACE TEMP TABLE cost AS
WITH periods AS (
    SELECT 'week' AS grain, week AS period_start, * EXCLUDE (week, month) FROM cost_cells
    UNION ALL
    SELECT 'month' AS grain, month AS period_start, * EXCLUDE (week, month) FROM cost_cells
    UNION ALL
    SELECT 'total' AS grain, NULL AS period_start, * EXCLUDE (week, month) FROM cost_cells
)
SELECT
    dimension, member, grain, period_start,
    CAST(sum(contacts) AS BIGINT) AS contacts,
    sum(us) / 3.6e9 AS agent_hours,
    sum(cost) / 1e6 AS agent_cost,
    sum(fd_us) / 3.6e9 AS failure_demand_hours,
    sum(fd_cost) / 1e6 AS failure_demand_cost,
    sum(gap_us) / 3.6e9 AS gap_hours,
    sum(gap_cost) / 1e6 AS gap_cost,
    sum(cost) / 1e6 / nullif(sum(contacts), 0) AS cost_per_contact,
    sum(resolved) / 1e9 AS resolved_journeys,
    sum(resolved_cost) / 1e6 AS resolved_journey_cost,
    sum(resolved_cost) / 1e6 / nullif(sum(resolved) / 1e9, 0) AS cost_per_resolved_journey,
    sum(customer_us) / 3.6e9 AS customer_hours,
    sum(customer_us) / 3.6e9 * getvariable('customer_hour') AS customer_cost,
    getvariable('currency') AS currency
FROM periods
GROUP BY dimension, member, grain, period_start;
