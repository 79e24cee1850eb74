-- mcnamara:mapping
-- table: contacts
-- source_system: chat
-- timezone: America/New_York
-- match: chat_sessions.jsonl chat_sessions_*.jsonl
-- doc: Chat platform sessions written by `mcnamara generate` (JSON Lines), one line per session.
--
-- Each line is read as text, so one malformed line is one refused row (its
-- contact_id is missing) and the others load.
-- Quirks of this export, handled here:
-- * started carries its UTC offset (2026-01-05T09:14:03-05:00).
-- * visitor.id is a hash of the login e-mail; guests have null (anonymous).
-- * ticket_id is the CRM case when the agent linked one.
-- * The platform's own department names and intent labels become the
--   canonical department and topic (the intent's first part names it).
-- * A transfer ends the session (status "transferred", transfer_to) and
--   starts a new one in the next department.
-- * Missed chats (the visitor left the queue) have no agent.
SELECT
    j->>'$.session_id'                               AS contact_id,
    j->>'$.visitor.id'                               AS customer_key,
    j->>'$.ticket_id'                                AS case_id,
    'chat'                                           AS channel,
    CASE j->>'$.department'
        WHEN 'Tech Support'      THEN 'Technical Support'
        WHEN 'Cancellations'     THEN 'Retention'
        WHEN 'Warranty'          THEN 'Warranty & Returns'
        WHEN 'Orders & Delivery' THEN 'Delivery'
        ELSE j->>'$.department'
    END                                              AS department,
    j->>'$.agent.id'                                 AS agent_id,
    j->>'$.agent.group'                              AS team,
    CASE split_part(j->>'$.intent', '.', 1)
        WHEN 'tech'   THEN 'technical'
        WHEN 'orders' THEN 'delivery'
        WHEN 'cancel' THEN 'cancellation'
        ELSE split_part(j->>'$.intent', '.', 1)
    END                                              AS topic,
    j->>'$.started'                                  AS started_at,
    j->>'$.wait_s'                                   AS wait_seconds,
    j->>'$.duration_s'                               AS handle_seconds,
    CASE j->>'$.transfer_to'
        WHEN 'Tech Support'      THEN 'Technical Support'
        WHEN 'Cancellations'     THEN 'Retention'
        WHEN 'Warranty'          THEN 'Warranty & Returns'
        WHEN 'Orders & Delivery' THEN 'Delivery'
        ELSE j->>'$.transfer_to'
    END                                              AS transferred_to,
    CASE j->>'$.status'
        WHEN 'solved'    THEN 'resolved'
        WHEN 'unsolved'  THEN 'unresolved'
        WHEN 'missed'    THEN 'abandoned'
        WHEN 'follow_up' THEN 'callback'
        ELSE j->>'$.status'
    END                                              AS disposition
FROM (
    SELECT CASE WHEN json_valid(j) THEN j END AS j
    FROM read_csv({{file}}, columns = {'j': 'VARCHAR'}, header = false, delim = '\x01',
                  quote = '', escape = '', store_rejects = true)
)
