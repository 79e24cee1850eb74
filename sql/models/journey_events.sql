-- model: journey_events
-- reads: outcome_links
-- scope: person
-- journey_events — per journey, what the attached outcome events say: how
-- many, whether one is a resolution (and the latest one's time), and which
-- bad events (reopened, complaint, dispute, churn) and other kinds occurred.

CREATE OR REPLACE TEMP TABLE journey_events AS
SELECT
    journey_id,
    count(*) AS outcome_events,
    bool_or(kind = 'resolved')  AS has_resolution_event,
    max(occurred_at) FILTER (WHERE kind = 'resolved') AS resolved_event_at,
    bool_or(kind = 'reopened')  AS reopened,
    bool_or(kind = 'complaint') AS complaint,
    bool_or(kind = 'dispute')   AS dispute,
    bool_or(kind = 'churn')     AS churn,
    bool_or(kind = 'refund')    AS refund,
    bool_or(kind = 'cancelled') AS cancelled
FROM outcome_links
GROUP BY journey_id;
