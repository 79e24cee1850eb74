-- mcnamara:mapping
-- table: identities
-- timezone: UTC
-- match: identity_map.csv identity_map_*.csv
-- doc: MDM identity links written by `mcnamara generate`: each system's customer key → master person id.
--
-- Quirks of this export, handled here:
-- * source_system uses the MDM's names (ACD, CHAT, LOYALTY, CRM; CONNECT
--   for an Amazon Connect phone system, `generate --format parquet`); they
--   become the source_system of the contacts and outcomes they key.
-- * Coverage is incomplete, like real MDM: some keys are missing, and their
--   contacts are journeyed under the raw key alone.
-- * With daily files each day holds the links first seen that day.
SELECT
    CASE source_system
        WHEN 'ACD'     THEN 'acd'
        WHEN 'CONNECT' THEN 'amazon_connect'
        WHEN 'CHAT'    THEN 'chat'
        WHEN 'LOYALTY' THEN 'store'
        WHEN 'CRM'     THEN 'crm'
        ELSE source_system
    END                                              AS source_system,
    source_key                                       AS customer_key,
    master_id                                        AS person_id
FROM read_csv({{file}}, header = true, all_varchar = true, store_rejects = true)
