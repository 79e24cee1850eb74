-- closure.sql — incremental build, step 2, run until nothing is added.
--
-- Outcome events attach by case to every journey of that case, whoever's
-- it is, and by person only when no journey has the case (outcome_links.sql).
-- So the recomputed persons must be closed under cases: every case of a
-- recomputed person's contacts and events, and every person with a contact
-- or event of such a case. Then an event either attaches only to recomputed
-- journeys or only to kept ones, in the previous build as in this one.

INSERT INTO inc_cases
SELECT DISTINCT case_id FROM (
    SELECT case_id FROM inc_contacts WHERE person_id IN (SELECT person_id FROM inc_persons)
    UNION ALL
    SELECT case_id FROM inc_events WHERE person_id IN (SELECT person_id FROM inc_persons)
)
WHERE case_id IS NOT NULL AND case_id NOT IN (SELECT case_id FROM inc_cases);

INSERT INTO inc_persons
SELECT DISTINCT person_id FROM (
    SELECT person_id FROM inc_contacts WHERE case_id IN (SELECT case_id FROM inc_cases)
    UNION ALL
    SELECT person_id FROM inc_events WHERE case_id IN (SELECT case_id FROM inc_cases)
)
WHERE person_id IS NOT NULL AND person_id NOT IN (SELECT person_id FROM inc_persons);
