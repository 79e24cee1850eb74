-- mcnamara:mapping
-- table: outcomes
-- source_system: crm
-- timezone: UTC
-- match: crm_events.csv crm_events_*.csv
-- doc: CRM outcome events written by `mcnamara generate`, one row per event.
--
-- Quirks of this export, handled here:
-- * EventTimestamp is UTC with a "+00" suffix.
-- * EventType is the CRM's wording; it becomes the outcome kind. Unknown
--   types pass through unchanged, so such a row is refused naming it.
-- * "Case Resolved - Customer Confirmed" is a verified resolution and is
--   logged only for needs that had a CRM case. Churn ("Account Closed")
--   is account-level and carries no case number.
-- * CustomerId is the CRM's own customer key (link it through identities).
-- * Notes are free text with commas and quotes (CSV-quoted).
SELECT
    "EventId"                                        AS event_id,
    "CustomerId"                                     AS customer_key,
    "CaseNumber"                                     AS case_id,
    "EventTimestamp"                                 AS occurred_at,
    CASE "EventType"
        WHEN 'Case Resolved - Customer Confirmed' THEN 'resolved'
        WHEN 'Case Reopened'                      THEN 'reopened'
        WHEN 'Complaint Logged'                   THEN 'complaint'
        WHEN 'Chargeback Filed'                   THEN 'dispute'
        WHEN 'Account Closed'                     THEN 'churn'
        WHEN 'Refund Issued'                      THEN 'refund'
        WHEN 'Order Cancelled'                    THEN 'cancelled'
        ELSE "EventType"
    END                                              AS kind,
    "Amount"                                         AS amount,
    "Note"                                           AS note
FROM read_csv({{file}}, header = true, all_varchar = true, store_rejects = true)
