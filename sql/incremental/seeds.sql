-- seeds.sql — incremental build, step 1: who the new batches touch.
--
-- An incremental build (pipeline/build.Update) recomputes the journeys of
-- the persons new data can change and keeps every other journey of the
-- previous build as it was. This file finds where that starts.
--
-- Variables: lake_data_end (the new end of data), repeat_window;
-- new_batches (VARCHAR[], the batches the previous build had not
-- seen). Views: new_<table> over the new batches' files; old_<mart> over
-- the previous marts; {{inputs}}.<table>, the whole lake's input views.
--
-- The person of a key is person_of (_macros.sql), as in the models.

-- The previous build's end of data.
SET VARIABLE prev_data_end = (SELECT data_end FROM old_coverage);

-- The lake's identities, read once (only the link: a year of daily files
-- costs per column read). scope.sql keeps those of the recomputed keys as
-- the models' identities.
CREATE OR REPLACE TEMP TABLE inc_identities AS
SELECT source_system, customer_key, person_id FROM {{inputs}}.identities;

-- Every contact's key and person. The previous ones come from the previous
-- contact_facts (a few monthly files, not a year of daily lake files) with
-- the person the previous build gave them: a key is linked to a person
-- once (identities are keyed by it), so only a new link can change it. The
-- new ones come from the new batches (views new_<table>).
CREATE OR REPLACE TEMP TABLE inc_contacts AS
SELECT
    f.source_system, f.contact_id, f.case_id,
    CASE WHEN f.person_id IS NOT NULL THEN coalesce(n.person_id, f.person_id) END AS person_id,
    false AS is_new,
    f.agent_id, f.business_date
FROM old_contact_facts f
LEFT JOIN new_identities n
       ON n.source_system = f.source_system AND n.customer_key = f.customer_key
UNION ALL
SELECT
    k.source_system, k.contact_id, nullif(trim(k.case_id), ''),
    person_of(k.source_system, k.customer_key, i.person_id),
    true,
    k.agent_id, CAST(timezone(getvariable('time_zone'), k.started_at) AS DATE)
FROM new_contacts k
LEFT JOIN inc_identities i
       ON i.source_system = k.source_system AND i.customer_key = k.customer_key;

-- The agent-days new contacts fall on: every contact of such a day is
-- recomputed, for its contacts_handled_per_agent_day (the call count of
-- the agent's day) changes.
CREATE OR REPLACE TEMP TABLE inc_agent_days AS
SELECT DISTINCT agent_id, business_date FROM inc_contacts
WHERE is_new AND agent_id IS NOT NULL;

-- Every outcome event (the whole row in raw: scope.sql takes its rows from
-- here rather than read the lake again).
CREATE OR REPLACE TEMP TABLE inc_events AS
SELECT
    o.source_system, o.event_id, nullif(trim(o.case_id), '') AS case_id,
    person_of(o.source_system, o.customer_key, i.person_id) AS person_id,
    list_contains(getvariable('new_batches'), o._batch_id) AS is_new,
    o AS raw
FROM {{inputs}}.outcomes o
LEFT JOIN inc_identities i
       ON i.source_system = o.source_system AND i.customer_key = o.customer_key;

-- Surveys of the new batches, by contact.
CREATE OR REPLACE TEMP TABLE inc_new_surveys AS
SELECT c.source_system, c.contact_id, c.person_id
FROM inc_contacts c
SEMI JOIN new_surveys s ON s.source_system = c.source_system AND s.contact_id = c.contact_id;

-- The persons whose journeys may change:
--   * of new contacts, new outcome events, new surveys;
--   * named by new identities (a key stitched to a person for the first
--     time moves its contacts from the key's own person to that one; those
--     contacts are recomputed as the person's);
--   * with a journey whose repeat window was still open at the previous
--     build's end of data and is closed at the new one (lake_data_end), or
--     a contact whose FCR-ladder window closes so: the end of data enters
--     the person-scoped models only through window_open (journeys.sql)
--     and repeat_within_<W>d (contact_facts.sql);
--   * with a contact on an agent-day a new contact falls on.
CREATE OR REPLACE TEMP TABLE inc_persons AS
SELECT DISTINCT person_id FROM (
    SELECT person_id FROM inc_contacts WHERE is_new
    UNION ALL
    SELECT person_id FROM inc_events WHERE is_new
    UNION ALL
    SELECT person_id FROM inc_new_surveys
    UNION ALL
    SELECT person_id FROM new_identities
    UNION ALL
    SELECT person_id FROM old_journeys
    WHERE window_open AND last_contact_at + getvariable('repeat_window') <= getvariable('lake_data_end')
    UNION ALL
    -- contacts whose FCR-ladder window (1, 3, 7 or 30 days) was open at the
    -- previous end of data and is closed now: repeat_within_<W>d turns
    -- from NULL to known
    -- (the first condition alone, a constant, lets the scan skip the row
    -- groups of every earlier contact)
    SELECT f.person_id FROM old_contact_facts f, unnest([1, 3, 7, 30]) w(days)
    WHERE f.started_at > getvariable('prev_data_end') - to_seconds(30 * 86400)
      AND f.person_id IS NOT NULL
      AND f.started_at + to_seconds(w.days * 86400) > getvariable('prev_data_end')
      AND f.started_at + to_seconds(w.days * 86400) <= getvariable('lake_data_end')
    UNION ALL
    SELECT c.person_id FROM inc_contacts c SEMI JOIN inc_agent_days d USING (agent_id, business_date)
)
WHERE person_id IS NOT NULL;

-- The cases new data names. A new contact's case can turn an event that
-- attached by person into one that attaches by case, so the persons of
-- every event with such a case are touched too (closure.sql).
CREATE OR REPLACE TEMP TABLE inc_cases AS
SELECT DISTINCT case_id FROM (
    SELECT case_id FROM inc_contacts WHERE is_new
    UNION ALL
    SELECT case_id FROM inc_events WHERE is_new
)
WHERE case_id IS NOT NULL;
