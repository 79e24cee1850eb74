-- Gap by agent, one month: whose "successes" come back?
--
-- For each agent, the month's contacts, how many the scorecard calls a
-- success (claimed_success_ratio), how many of those customers failed anyway
-- (gap_ratio = gap contacts / claimed-success contacts), and their handle
-- time against its target. Agents at the top meet their KPIs while their
-- customers come back: coach the process, not the stopwatch.
--
-- param month: 2026-10-01   first day of the month (business time zone)
SELECT
    member                                   AS agent,
    contacts,
    round(claimed_success_ratio * 100, 1)     AS claimed_success_pct,
    gap_contacts,
    round(gap_ratio * 100, 1)                 AS gap_pct,
    round(outcome_failed_ratio * 100, 1)      AS customers_failed_pct,
    round(handle_time_seconds)               AS aht_seconds,
    target_handle_time_seconds              AS aht_target_seconds
FROM gap
WHERE dimension = 'agent'
  AND grain = 'month'
  AND period_start = CAST($month AS DATE)
  AND contacts >= 20
ORDER BY gap_ratio DESC NULLS LAST, contacts DESC
