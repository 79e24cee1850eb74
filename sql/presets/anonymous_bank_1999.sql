-- mcnamara:mapping
-- table: contacts
-- source_system: anonymous_bank
-- timezone: Asia/Jerusalem
-- match: data_anonymous_bank_*.txt
-- format started_at: %Y%m%d %H:%M:%S
-- doc: Technion SEE Lab "Anonymous Bank" call log (Israel, 1999), one row per call.
--
-- One call = one phone contact. The bank records no disposition, so the
-- organisation's own verdict is "served": outcome AGENT sets sla_met = true,
-- HANG (the caller hung up in the queue or VRU) is an abandoned contact with
-- sla_met = false. The scorecard then adds the AHT target on ser_time.
-- Quirks of the data, handled here:
-- * customer_id 0 means "not identified": such calls are anonymous (kept,
--   not journeyed). Ids are recorded only for callers who queued, so repeat
--   calls are seen only among queued callers (a lower bound).
-- * PHANTOM calls are an ACD artefact the documentation says to ignore: they
--   are refused with a reason, so they are counted in _rejects, not lost.
-- * server NO_SERVER means no agent is known: HANG calls, and a few AGENT
--   calls (491 in February) that were served by an unrecorded agent.
-- * call_id alone is NOT unique (15,516 distinct ids in 33,344 calls): each
--   VRU line numbers its own calls, so the key is vru+line and call_id.
-- * date is YYMMDD (all 1999), vru_entry H:MM:SS local time: the call starts
--   when it enters the VRU. q_time is the wait, ser_time the handle time.
-- * Call types are codes; department carries their documented meaning.
-- * The month ends on 28 Feb: the build leaves calls whose repeat window
--   runs past the end of the data open (censored), not judged.
-- Rejects: PHANTOM calls (documented above), and an outcome code other than
-- AGENT, HANG or PHANTOM (undocumented: refused naming it, never guessed).
SELECT
    "vru+line" || '-' || call_id                   AS contact_id,
    NULLIF(trim(customer_id), '0')                 AS customer_key,
    'phone'                                        AS channel,
    CASE type
        WHEN 'PS' THEN 'Regular service (PS)'
        WHEN 'PE' THEN 'Regular service in English (PE)'
        WHEN 'IN' THEN 'Internet support (IN)'
        WHEN 'NE' THEN 'Stock exchange (NE)'
        WHEN 'NW' THEN 'Prospective customers (NW)'
        WHEN 'TT' THEN 'Call-back on hold (TT)'
        ELSE type
    END                                            AS department,
    NULLIF(server, 'NO_SERVER')                    AS agent_id,
    CASE priority WHEN '2' THEN 'high priority' ELSE 'regular' END AS topic,
    '19' || "date" || ' ' || vru_entry             AS started_at,
    q_time                                         AS wait_seconds,
    CASE WHEN outcome = 'AGENT' THEN ser_time END  AS handle_seconds,
    CASE outcome WHEN 'HANG' THEN 'abandoned' END  AS disposition,
    CASE outcome WHEN 'AGENT' THEN 'true' WHEN 'HANG' THEN 'false' END AS sla_met,
    CASE
        WHEN outcome = 'PHANTOM'
            THEN 'PHANTOM call: an ACD artefact the data documentation says to ignore; kept out of the KPI figures'
        WHEN outcome IS NULL OR outcome NOT IN ('AGENT', 'HANG')
            THEN 'outcome: "' || coalesce(outcome, '') || '" is not one of AGENT|HANG|PHANTOM (undocumented code)'
    END                                            AS _reject_reason
FROM read_csv({{file}}, header = true, delim = '\t', all_varchar = true, store_rejects = true, quote = '')
