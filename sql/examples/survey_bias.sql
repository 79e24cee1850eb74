-- Survey bias: CSAT of customers who came back vs those who did not.
--
-- Surveys tend to go out after "resolved" contacts and to be answered by
-- the happy. If customers who had to come back rated the contact about as
-- well as those who did not, CSAT is not measuring the outcome.
SELECT
    CASE WHEN followed_by_repeat THEN 'came back' ELSE 'did not come back' END AS customer,
    disposition,
    count(*)                         AS surveyed_contacts,
    round(avg(csat_score), 2)        AS avg_csat,
    round(100.0 * avg(CASE WHEN csat_score >= 4 THEN 1 ELSE 0 END), 1) AS top2_box_pct
FROM contact_facts
WHERE csat_score IS NOT NULL AND NOT window_open
GROUP BY ALL
ORDER BY disposition, customer
