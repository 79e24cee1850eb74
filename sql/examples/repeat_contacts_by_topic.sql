-- Repeat contacts by topic: where failure demand comes from.
--
-- A repeat is a 2nd, 3rd… contact of the same journey (the customer had to
-- come back). failure_demand_pct is Seddon's failure demand: the share of
-- all contacts that exist only because an earlier one did not work.
-- Contacts whose repeat window is still open are left out of the rates.
--
-- param since: 2026-01-01   count contacts started on or after this date
SELECT
    coalesce(topic, '(none)')                                        AS topic,
    count(*)                                                         AS contacts,
    count(*) FILTER (WHERE is_repeat)                                AS repeat_contacts,
    round(100.0 * count(*) FILTER (WHERE is_repeat) / count(*), 1)   AS failure_demand_pct,
    round(100.0 * avg(CASE WHEN followed_by_repeat THEN 1 ELSE 0 END)
          FILTER (WHERE NOT window_open), 1)                         AS came_back_pct
FROM contact_facts
WHERE started_at >= CAST($since AS DATE)
GROUP BY ALL
ORDER BY repeat_contacts DESC
