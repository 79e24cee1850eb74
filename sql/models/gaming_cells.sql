-- model: gaming_cells
-- reads: contact_facts
-- scope: aggregate
-- mart: order by cell, dimension, member, month, band, week, resolved_wrap, came_back
-- cells: month
-- gaming_cells — the counts gaming_signals tests, in cells of one business
-- month: its tests are ratios of counts over a member's contacts, so a
-- member's counts are the sums of its months' cells, and an incremental
-- build recomputes only the months a night can change (as gap_cells).
--
-- The contacts are gaming_signals' (handled, with an agent or a team);
-- x = handle_seconds / target_handle_time_seconds, b = gaming_band. Three
-- kinds of cell (`cell`), each a grouping of those contacts by month and:
--
--   band     dimension (agent, team), member and `band` of x: below
--            (x < 1−2b), b1 [1−2b, 1−b), b2 [1−b, 1), b3 [1, 1+b),
--            b4 [1+b, 1+2b), above (x ≥ 1+2b); NULL when x is unknown
--   week     dimension team, member and `week` (its Monday; a week can
--            straddle two months): the weekly AHT and repeat rate
--   survey   dimension (agent, team, and `all`: every contact once),
--            member, `resolved_wrap` (wrap code resolved) and `came_back`
--            (repeat_within_7d; NULL: not judged yet)
--
-- Every cell carries every count over its contacts: contacts, handed_off
-- (ended transferred, callback or abandoned), hold_known (hold_seconds
-- known), held (hold_seconds > 0), judged (came_back known), came_back_n,
-- surveyed (a CSAT), the sums in millionths (integers: exact in any order)
-- of CSAT (csat_e6) and of the judged contacts' handle seconds
-- (handle_judged_e6), and the first and last business date. Counts are
-- BIGINT: a sum is a HUGEINT, which Parquet stores as DOUBLE.
CREATE OR REPLACE TEMP TABLE gaming_cells AS
WITH base AS (
    SELECT
        agent_id, team, business_date, hold_seconds, csat,
        CAST(date_trunc('month', business_date) AS DATE) AS month,
        CAST(date_trunc('week', business_date) AS DATE) AS week,
        CASE WHEN x IS NULL THEN NULL
             WHEN x < 1 - 2 * getvariable('gaming_band') THEN 'below'
             WHEN x < 1 - getvariable('gaming_band') THEN 'b1'
             WHEN x < 1 THEN 'b2'
             WHEN x < 1 + getvariable('gaming_band') THEN 'b3'
             WHEN x < 1 + 2 * getvariable('gaming_band') THEN 'b4'
             ELSE 'above' END AS band,
        disposition IN ('transferred', 'callback', 'abandoned') AS handed_off,
        coalesce(disposition = 'resolved', false) AS resolved_wrap,
        repeat_within_7d AS came_back,
        CASE WHEN repeat_within_7d IS NOT NULL THEN CAST(round(handle_seconds * 1e6) AS BIGINT) END AS handle_judged_e6,
        CAST(round(csat * 1e6) AS BIGINT) AS csat_e6
    FROM (SELECT *, handle_seconds / nullif(target_handle_time_seconds, 0) AS x FROM contact_facts)
    WHERE handle_seconds > 0 AND (agent_id IS NOT NULL OR team IS NOT NULL)
      AND business_date >= getvariable('cells_from')
), cells AS (
    SELECT
        CASE WHEN grouping(band) = 0 THEN 'band' WHEN grouping(week) = 0 THEN 'week' ELSE 'survey' END AS cell,
        CASE WHEN grouping(agent_id) = 0 THEN 'agent' WHEN grouping(team) = 0 THEN 'team' ELSE 'all' END AS dimension,
        CASE WHEN grouping(agent_id) = 0 THEN agent_id WHEN grouping(team) = 0 THEN team ELSE 'all' END AS member,
        month, band, week, resolved_wrap, came_back,
        count(*) AS contacts,
        CAST(coalesce(count_if(handed_off), 0) AS BIGINT) AS handed_off,
        count(hold_seconds) AS hold_known,
        CAST(coalesce(count_if(hold_seconds > 0), 0) AS BIGINT) AS held,
        count(came_back) AS judged,
        CAST(coalesce(count_if(came_back), 0) AS BIGINT) AS came_back_n,
        count(csat) AS surveyed,
        CAST(sum(csat_e6) AS BIGINT) AS csat_e6,
        CAST(sum(handle_judged_e6) AS BIGINT) AS handle_judged_e6,
        min(business_date) AS first_date,
        max(business_date) AS last_date
    FROM base
    GROUP BY GROUPING SETS (
        (agent_id, month, band), (team, month, band),
        (team, month, week),
        (agent_id, month, resolved_wrap, came_back), (team, month, resolved_wrap, came_back), (month, resolved_wrap, came_back))
)
-- contacts without an agent (or a team) are no member of that dimension
SELECT * FROM cells WHERE member IS NOT NULL;
