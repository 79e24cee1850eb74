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
-- A dialect stated in full (no sniffing): an unterminated quote is then one
-- rejected record instead of a file DuckDB cannot sniff.
FROM read_csv({{file}}, header = true, auto_detect = false, store_rejects = true,
    delim = ',', quote = '"', escape = '"',
    columns = {'CallID': 'VARCHAR', 'Caller': 'VARCHAR', 'Queue': 'VARCHAR', 'Agent': 'VARCHAR',
               'Start': 'VARCHAR', 'QueueSec': 'VARCHAR', 'TalkSec': 'VARCHAR', 'Wrap': 'VARCHAR'})
