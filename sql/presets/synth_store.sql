-- mcnamara:mapping
-- table: contacts
-- source_system: store
-- timezone: America/New_York
-- match: store_visits.csv store_visits_*.csv
-- doc: Store check-in system visits written by `mcnamara generate`, one row per visit.
--
-- Quirks of this export, handled here:
-- * Times are naive local time to the minute (2026-01-05T14:03): wait is
--   checkin → served, handle is served → checkout. When a time does not
--   parse, the pair is passed on as text so the row is refused showing it.
-- * A customer who left before being served has no associate and no
--   served time: wait runs to checkout, handle is 0.
-- * loyalty_card is the customer key; empty = no card shown (anonymous).
-- * Every store is a team of the Store Services department; the kiosk's
--   visit reason becomes the topic, the outcome text the disposition.
-- * "Referred to phone support" sends the customer to a phone line
--   (referred_to): recorded as a transfer to that line's department.
SELECT
    visit_id                                         AS contact_id,
    loyalty_card                                     AS customer_key,
    crm_case                                         AS case_id,
    'store'                                          AS channel,
    'Store Services'                                 AS department,
    associate_id                                     AS agent_id,
    store_name                                       AS team,
    CASE reason
        WHEN 'Bill question'      THEN 'billing'
        WHEN 'Device not working' THEN 'technical'
        WHEN 'Order pickup issue' THEN 'delivery'
        WHEN 'Warranty claim'     THEN 'warranty'
        WHEN 'Account change'     THEN 'account'
        WHEN 'Cancel service'     THEN 'cancellation'
        ELSE reason
    END                                              AS topic,
    checkin                                          AS started_at,
    coalesce(CAST(date_diff('second', TRY_CAST(checkin AS TIMESTAMP),
                            TRY_CAST(coalesce(served, checkout) AS TIMESTAMP)) AS VARCHAR),
             concat_ws(' to ', checkin, coalesce(served, checkout))) AS wait_seconds,
    CASE WHEN served IS NULL THEN '0'
         ELSE coalesce(CAST(date_diff('second', TRY_CAST(served AS TIMESTAMP),
                                      TRY_CAST(checkout AS TIMESTAMP)) AS VARCHAR),
                       concat_ws(' to ', served, checkout))
    END                                              AS handle_seconds,
    CASE referred_to
        WHEN 'Billing hotline'   THEN 'Billing'
        WHEN 'Tech support line' THEN 'Technical Support'
        WHEN 'Accounts hotline'  THEN 'Accounts'
        WHEN 'Retention hotline' THEN 'Retention'
        WHEN 'Warranty hotline'  THEN 'Warranty & Returns'
        WHEN 'Delivery hotline'  THEN 'Delivery'
        ELSE referred_to
    END                                              AS transferred_to,
    CASE outcome
        WHEN 'Issue resolved'            THEN 'resolved'
        WHEN 'Not resolved'              THEN 'unresolved'
        WHEN 'Referred to phone support' THEN 'transferred'
        WHEN 'Escalated to manager'      THEN 'escalated'
        WHEN 'Left before served'        THEN 'abandoned'
        WHEN 'Follow-up scheduled'       THEN 'callback'
        ELSE outcome
    END                                              AS disposition
FROM read_csv({{file}}, header = true, all_varchar = true, store_rejects = true)
