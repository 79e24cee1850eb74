-- mcnamara:mapping
-- table: contacts
-- source_system: acd
-- timezone: America/New_York
-- match: calls*.csv
-- format started_at: %m/%d/%Y %H:%M:%S
-- doc: a tiny ACD export used by the tests
SELECT
    "CallID"   AS contact_id,
    "Caller"   AS customer_key,
    'phone'    AS channel,
    "Queue"    AS department,
    "Agent"    AS agent_id,
    "Start"    AS started_at,
    "QueueSec" AS wait_seconds,
    "TalkSec"  AS handle_seconds,
    "Wrap"     AS disposition
FROM read_csv({{file}}, header = true, all_varchar = true, store_rejects = true, quote = '"')
