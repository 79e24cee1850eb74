-- scope.sql — incremental build, step 3: the inputs the models see, and
-- what of the previous marts they replace.
--
-- {{inputs}} is the schema of the lake's input views (the tables created
-- here shadow them for the models that follow). Views: old_contact_facts,
-- old_journeys (the previous marts).

-- Recomputed contacts: every contact of a recomputed person, plus the
-- anonymous contacts that are new, got a new survey or share an agent-day
-- with a new contact (they belong to no journey; only their own row
-- changes).
CREATE OR REPLACE TEMP TABLE inc_scope_contacts AS
SELECT source_system, contact_id FROM inc_contacts c
WHERE person_id IN (SELECT person_id FROM inc_persons)
   OR (person_id IS NULL AND is_new)
   OR (person_id IS NULL AND EXISTS (SELECT 1 FROM inc_agent_days d
                                     WHERE d.agent_id = c.agent_id AND d.business_date = c.business_date))
UNION
SELECT source_system, contact_id FROM inc_new_surveys WHERE person_id IS NULL;

-- The previous rows of the recomputed contacts, read once: the earlier
-- contacts' inputs below, what the recomputed rows replace (here and in
-- merge.sql).
CREATE OR REPLACE TEMP TABLE inc_old_contact_facts AS
SELECT f.*
FROM old_contact_facts f
SEMI JOIN inc_scope_contacts s ON s.source_system = f.source_system AND s.contact_id = f.contact_id;

-- Their rows: the new ones from the new batches, the others from the
-- previous contact_facts rather than a year of daily lake files. It carries
-- every contract column of a contact and its lineage (listed by the build);
-- its csat is the contact's own else its survey's, which contact_base.sql
-- computes the same way again. A key is never loaded twice, so a contact is
-- in one of the two.
CREATE OR REPLACE TEMP TABLE contacts AS
SELECT c.*
FROM new_contacts c
SEMI JOIN inc_scope_contacts s ON s.source_system = c.source_system AND s.contact_id = c.contact_id
UNION ALL BY NAME
SELECT {{contact_columns}}
FROM inc_old_contact_facts;

-- The events of recomputed persons, and person-less events of their cases.
CREATE OR REPLACE TEMP TABLE outcomes AS
SELECT raw.*
FROM inc_events
WHERE person_id IN (SELECT person_id FROM inc_persons)
   OR case_id IN (SELECT case_id FROM inc_cases);

-- The identity links of the recomputed contacts' and events' keys.
CREATE OR REPLACE TEMP TABLE identities AS
SELECT i.*
FROM inc_identities i
SEMI JOIN (SELECT source_system, customer_key FROM contacts
           UNION ALL
           SELECT source_system, customer_key FROM outcomes) k
       ON k.source_system = i.source_system AND k.customer_key = i.customer_key;

CREATE OR REPLACE TEMP TABLE surveys AS
SELECT v.*
FROM {{inputs}}.surveys v
SEMI JOIN inc_scope_contacts s ON s.source_system = v.source_system AND s.contact_id = v.contact_id;

-- What the recomputed rows replace: the previous rows of the same contacts,
-- and the previous journeys they were in. A key stitched to a person only
-- now had its contacts under its own person before; they are all here, so
-- whole previous journeys go (build.Update checks that).
CREATE OR REPLACE TEMP TABLE inc_removed_contacts AS
SELECT source_system, contact_id, journey_id FROM inc_old_contact_facts;

CREATE OR REPLACE TEMP TABLE inc_removed_journeys AS
SELECT DISTINCT journey_id FROM inc_removed_contacts WHERE journey_id IS NOT NULL;

-- The call counts of the recomputed contacts' previous rows, which the
-- recomputed ones replace in agent_days ("merge: sum … by …").
CREATE OR REPLACE TEMP TABLE inc_removed_agent_days AS
SELECT agent_id, business_date, count(*) AS handled_contacts
FROM inc_old_contact_facts
WHERE agent_id IS NOT NULL AND disposition IS DISTINCT FROM 'abandoned'
GROUP BY ALL;
