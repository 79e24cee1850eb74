-- The worst customer journeys: the customer's own scorecard.
--
-- One row per journey, worst first by the hours the customer spent (waiting,
-- talking, travelling to stores), with calls, chats and visits, how often
-- they were passed between departments or channels (hops) and sent back to
-- one already visited (loops), days to resolution and how it ended.
--
-- param limit: 20   how many journeys
SELECT
    journey_id,
    person_id,
    first_contact_at,
    round(journey_days, 1)        AS days,
    contacts, calls, chats, visits,
    round(customer_hours, 1)      AS customer_hours,
    hops, loops,
    round(days_to_resolution, 1)  AS days_to_resolution,
    outcome
FROM journeys
ORDER BY customer_hours DESC, contacts DESC
LIMIT CAST($limit AS INTEGER)
