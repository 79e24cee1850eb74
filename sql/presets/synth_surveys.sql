-- mcnamara:mapping
-- table: surveys
-- timezone: UTC
-- match: surveys.csv surveys_*.csv
-- doc: Post-contact survey answers written by `mcnamara generate`, one row per answered survey.
--
-- Quirks of this export, handled here:
-- * contact_ref is the contact's id in the system named by source (ACD,
--   CHAT, STORE; CONNECT when `generate --format parquet` made the phone
--   system an Amazon Connect instance); source becomes that system's
--   source_system so the survey joins its contact.
-- * Times are UTC with a Z suffix; sent_at is not part of the contract.
-- * Surveys are triggered by the wrap code: most follow contacts the agent
--   closed as resolved (a biased sample, as in real programmes).
SELECT
    contact_ref                                      AS contact_id,
    CASE source
        WHEN 'ACD'   THEN 'acd'
        WHEN 'CONNECT' THEN 'amazon_connect'
        WHEN 'CHAT'  THEN 'chat'
        WHEN 'STORE' THEN 'store'
        ELSE source
    END                                              AS source_system,
    answered_at                                      AS answered_at,
    csat                                             AS csat,
    nps                                              AS nps
FROM read_csv({{file}}, header = true, all_varchar = true, store_rejects = true)
