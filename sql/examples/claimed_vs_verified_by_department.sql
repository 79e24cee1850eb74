-- Claimed vs verified resolution by department.
--
-- claimed_resolution_pct: contacts the agent closed as "resolved".
-- verified_resolution_pct: contacts whose journey really ended resolved
-- (a resolution event, or — where sources have none — no repeat within the
-- window and no complaint, dispute, reopening or churn).
-- The difference is resolution that exists only on the scorecard. Both are
-- over the judged contacts (identified, not open), like with like.
SELECT
    member                                          AS department,
    contacts,
    round(claimed_resolution_contacts / judged_contacts * 100, 1) AS claimed_resolution_pct,
    round(verified_resolution_ratio * 100, 1)        AS verified_resolution_pct,
    round((claimed_resolution_contacts / judged_contacts - verified_resolution_ratio) * 100, 1) AS overclaim_points,
    round(gap_ratio * 100, 1)                        AS gap_pct
FROM gap
WHERE dimension = 'department' AND grain = 'total'
ORDER BY overclaim_points DESC NULLS LAST
