-- The figures of ground_truth.json by department, computed independently
-- from the preset-loaded tables (contacts, outcomes, surveys, identities)
-- following the package documentation. Needs temp tables aht_target
-- (department, seconds) and answer_target (channel, seconds); $1 is the
-- first business date after the export.
WITH ident AS (
    SELECT c.*, coalesce(i.person_id, c.customer_key) AS person
    FROM contacts c LEFT JOIN identities i USING (source_system, customer_key)
    WHERE c.customer_key IS NOT NULL
),
chained AS (
    SELECT *, sum(CASE WHEN prev IS NULL OR epoch(started_at) - epoch(prev) > 604800 THEN 1 ELSE 0 END)
                  OVER (PARTITION BY person ORDER BY started_at, source_system, contact_id) AS chain
    FROM (SELECT *, lag(started_at) OVER (PARTITION BY person ORDER BY started_at, source_system, contact_id) AS prev
          FROM ident WHERE case_id IS NULL)
),
member AS (
    SELECT source_system, contact_id, person, started_at, case_id, 'case ' || case_id AS journey
    FROM ident WHERE case_id IS NOT NULL
    UNION ALL
    SELECT source_system, contact_id, person, started_at, NULL, 'chain ' || person || ' ' || chain
    FROM chained
),
journey AS (
    SELECT journey, any_value(case_id) AS case_id,
           first(person ORDER BY started_at, source_system, contact_id) AS person,
           min(started_at) AS first_at, max(started_at) AS last_at
    FROM member GROUP BY journey
),
ev AS (
    SELECT o.*, coalesce(i.person_id, o.customer_key) AS person
    FROM outcomes o LEFT JOIN identities i USING (source_system, customer_key)
),
link AS (
    SELECT j.journey, e.kind FROM ev e JOIN journey j ON j.case_id = e.case_id
    UNION ALL
    SELECT j.journey, e.kind FROM ev e JOIN journey j ON j.person = e.person
        AND epoch(e.occurred_at) BETWEEN epoch(j.first_at) AND epoch(j.last_at) + 90 * 86400
    WHERE e.case_id IS NULL OR e.case_id NOT IN (SELECT case_id FROM journey WHERE case_id IS NOT NULL)
),
verdict AS (
    SELECT j.journey,
           coalesce(bool_or(l.kind IN ('reopened', 'complaint', 'dispute', 'churn')), false)
           OR (any_value(j.case_id) IS NOT NULL AND NOT coalesce(bool_or(l.kind = 'resolved'), false)) AS bad
    FROM journey j LEFT JOIN link l USING (journey) GROUP BY j.journey
),
facts AS (
    SELECT m.source_system, m.contact_id, v.bad,
           row_number() OVER (PARTITION BY m.journey ORDER BY m.started_at, m.source_system, m.contact_id) AS seq,
           count(*) OVER (PARTITION BY m.journey) AS len,
           epoch(m.started_at) + 604800 > epoch(timezone('America/New_York', CAST($1 AS TIMESTAMP))) AS late
    FROM member m JOIN verdict v USING (journey)
),
scored AS (
    SELECT c.department, c.customer_key IS NULL AS anonymous, f.contact_id IS NOT NULL AS journeyed,
           c.disposition = 'resolved' AND c.handle_seconds <= a.seconds AND c.wait_seconds <= w.seconds
               AND (s.csat IS NULL OR s.csat >= 4) AS claimed,
           f.seq, f.len, f.seq = f.len AND f.late AS open, f.bad
    FROM contacts c
    JOIN aht_target a USING (department)
    JOIN answer_target w USING (channel)
    LEFT JOIN surveys s USING (source_system, contact_id)
    LEFT JOIN facts f USING (source_system, contact_id)
)
SELECT department,
       count(*) FILTER (anonymous)                                   AS anonymous,
       count(*) FILTER (claimed)                                     AS claimed_all,
       count(*) FILTER (journeyed)                                   AS contacts,
       count(*) FILTER (journeyed AND claimed)                       AS claimed_success,
       count(*) FILTER (seq > 1)                                     AS repeat_contacts,
       count(*) FILTER (seq < len)                                   AS followed_by_repeat,
       count(*) FILTER (open)                                        AS open_contacts,
       count(*) FILTER (seq < len OR (NOT open AND bad))             AS outcome_failed,
       count(*) FILTER (claimed AND (seq < len OR (NOT open AND bad))) AS gap_contacts,
       count(*) FILTER (seq = len AND NOT open AND NOT bad)          AS verified_resolved
FROM scored
GROUP BY department
ORDER BY department
