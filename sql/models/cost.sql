-- model: cost
-- reads: contact_facts, cost_rates
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
    sum(us) AS us,
    sum(cost) AS cost,
    coalesce(sum(CASE WHEN is_repeat THEN us END), 0) AS fd_us,
    coalesce(sum(CASE WHEN is_repeat THEN cost END), 0) AS fd_cost,
    coalesce(sum(CASE WHEN follows_gap THEN us END), 0) AS gap_us,
    coalesce(sum(CASE WHEN follows_gap THEN cost END), 0) AS gap_cost,
    coalesce(sum(CASE WHEN journey_resolved THEN share END), 0) AS resolved,
    coalesce(sum(CASE WHEN journey_resolved THEN cost END), 0) AS resolved_cost,
    sum(customer_us) AS customer_us
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
)
GROUP BY GROUPING SETS ((agent_id, week, month), (team, week, month), (department, week, month),
                        (channel, week, month), (topic, week, month), (week, month));

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

-- Its working tables go once it is made (the build holds every table
-- to its end: at 100M contacts gaming_base was 100M rows through the
-- models after it).
DROP TABLE cost_cells;
