-- model: fcr_cells
-- reads: contact_facts
-- scope: aggregate
-- mart: order by dimension, member, month, week
-- cells: month
-- fcr_cells — the cells the fcr_ladder mart sums: one row per dimension,
-- member, week and month (a week can straddle two) of the identified
-- contacts, with per window W of 1, 3, 7 and 30 days the judged (jW:
-- repeat_within_<W>d known), repeated (rW) and claimed-resolved judged
-- (cW) contacts, and the identified contacts.
--
-- Every count and sum is cast to BIGINT: a sum is a HUGEINT, which
-- Parquet stores as DOUBLE.
--
-- "cells: month" (as gap_cells): a month's cells are made from the
-- contact_facts rows of that month alone (repeat_within_<W>d is a column
-- there, recomputed when a window closes), so an incremental build keeps
-- the cells of the months before cells_from.
--
CREATE OR REPLACE TEMP TABLE fcr_cells AS
SELECT
    CASE WHEN grouping(agent_id) = 0 THEN 'agent'
         WHEN grouping(team) = 0 THEN 'team'
         WHEN grouping(department) = 0 THEN 'department'
         WHEN grouping(channel) = 0 THEN 'channel'
         ELSE 'all' END AS dimension,
    CASE WHEN grouping(agent_id) = 0 THEN coalesce(agent_id, '(none)')
         WHEN grouping(team) = 0 THEN coalesce(team, '(none)')
         WHEN grouping(department) = 0 THEN coalesce(department, '(none)')
         WHEN grouping(channel) = 0 THEN channel
         ELSE 'all' END AS member,
    week, month,
    count(repeat_within_1d) AS j1, CAST(coalesce(count_if(repeat_within_1d), 0) AS BIGINT) AS r1,
    CAST(coalesce(count_if(repeat_within_1d IS NOT NULL AND claimed_resolution), 0) AS BIGINT) AS c1,
    count(repeat_within_3d) AS j3, CAST(coalesce(count_if(repeat_within_3d), 0) AS BIGINT) AS r3,
    CAST(coalesce(count_if(repeat_within_3d IS NOT NULL AND claimed_resolution), 0) AS BIGINT) AS c3,
    count(repeat_within_7d) AS j7, CAST(coalesce(count_if(repeat_within_7d), 0) AS BIGINT) AS r7,
    CAST(coalesce(count_if(repeat_within_7d IS NOT NULL AND claimed_resolution), 0) AS BIGINT) AS c7,
    count(repeat_within_30d) AS j30, CAST(coalesce(count_if(repeat_within_30d), 0) AS BIGINT) AS r30,
    CAST(coalesce(count_if(repeat_within_30d IS NOT NULL AND claimed_resolution), 0) AS BIGINT) AS c30,
    count(person_id) AS identified
FROM (
    SELECT agent_id, team, department, channel, person_id, claimed_resolution,
        repeat_within_1d, repeat_within_3d, repeat_within_7d, repeat_within_30d,
        CAST(date_trunc('week', business_date) AS DATE) AS week,
        CAST(date_trunc('month', business_date) AS DATE) AS month
    FROM contact_facts
    WHERE person_id IS NOT NULL AND business_date >= getvariable('cells_from')
)
GROUP BY GROUPING SETS ((agent_id, week, month), (team, week, month), (department, week, month),
                        (channel, week, month), (week, month));
