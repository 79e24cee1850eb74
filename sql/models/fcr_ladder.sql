-- model: fcr_ladder
-- reads: fcr_cells
-- scope: aggregate
-- mart: order by dimension, member, grain, period_start NULLS FIRST, window_days
-- fcr_ladder — measured first-contact resolution at 1, 3, 7 and 30 days,
-- with the claimed FCR beside every rung. Long form like gap:
--
--   dimension    all | department | channel | team | agent
--   member, grain (week | month | total), period_start   as in gap
--   window_days  1 | 3 | 7 | 30
--   judged_contacts    identified contacts whose W days have run before
--                      the end of the data (repeat_within_<W>d known)
--   repeated_contacts  of them, those the person followed with another
--                      contact (any journey) within W days
--   measured_fcr       1 − repeated / judged: resolved at first contact,
--                      as the customer's next move shows
--   claimed_fcr        of the same judged contacts, the share the
--                      organisation claimed resolved (claimed_resolution)
--   open_contacts      identified contacts whose W days still run past
--                      the end of the data: never counted as resolved
-- Only identified contacts are on the ladder: an anonymous customer's next
-- contact cannot be seen. A wider window can only find more repeats, so
-- measured FCR falls (or stays) rung by rung over the same contacts; over
-- the contacts each rung can judge it mostly does too.

-- The counts come from fcr_cells (fcr_cells.sql): one row per member,
-- week and month, summed here into each grain.
CREATE OR REPLACE TEMP TABLE fcr_ladder AS
WITH periods AS (
    SELECT 'week' AS grain, week AS period_start, * EXCLUDE (week, month) FROM fcr_cells
    UNION ALL
    SELECT 'month' AS grain, month AS period_start, * EXCLUDE (week, month) FROM fcr_cells
    UNION ALL
    SELECT 'total' AS grain, NULL AS period_start, * EXCLUDE (week, month) FROM fcr_cells
), summed AS (
    SELECT dimension, member, grain, period_start,
        sum(j1) AS j1, sum(r1) AS r1, sum(c1) AS c1, sum(j3) AS j3, sum(r3) AS r3, sum(c3) AS c3,
        sum(j7) AS j7, sum(r7) AS r7, sum(c7) AS c7, sum(j30) AS j30, sum(r30) AS r30, sum(c30) AS c30,
        sum(identified) AS identified
    FROM periods
    GROUP BY dimension, member, grain, period_start
), rungs AS (
    SELECT dimension, member, grain, period_start, 1 AS window_days, j1 AS judged, r1 AS repeated, c1 AS claimed, identified FROM summed
    UNION ALL SELECT dimension, member, grain, period_start, 3, j3, r3, c3, identified FROM summed
    UNION ALL SELECT dimension, member, grain, period_start, 7, j7, r7, c7, identified FROM summed
    UNION ALL SELECT dimension, member, grain, period_start, 30, j30, r30, c30, identified FROM summed
)
SELECT
    dimension, member, grain, period_start, window_days,
    -- counts stay BIGINT: a sum is a HUGEINT, which Parquet stores as DOUBLE
    CAST(judged AS BIGINT) AS judged_contacts,
    CAST(repeated AS BIGINT) AS repeated_contacts,
    1 - repeated / nullif(judged, 0) AS measured_fcr,
    claimed / nullif(judged, 0) AS claimed_fcr,
    CAST(identified - judged AS BIGINT) AS open_contacts
FROM rungs;
