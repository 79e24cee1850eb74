-- mcnamara:mapping
-- table: contacts
-- source_system: acd
-- timezone: America/New_York
-- match: acd_calls.csv acd_calls_*.csv
-- doc: Phone system (ACD) call log written by `mcnamara generate`, one row per call leg.
--
-- Quirks of this export, handled here:
-- * StartTime is naive local time in US style (01/05/2026 09:14:03 AM). It
--   is re-rendered as ISO text, which the engine reads in the time zone
--   above; a value that does not parse is passed on as it is, so the row
--   is refused naming it.
-- * Handle time is TalkSecs + HoldSecs + WrapSecs (AHT's convention), and
--   HoldSecs is also kept as hold_seconds. When a part is not a number the
--   parts are passed on joined by '+', so the row is refused showing them.
-- * Skill and IVRReason are codes: they become department and topic.
--   Unknown codes pass through unchanged rather than being dropped.
-- * A transferred call has one row per leg (legs share ConnID); each leg is
--   a contact, and the first leg names the next skill in XferSkill.
-- * CallerAcct is the account number keyed in the IVR; empty = the caller
--   did not identify (anonymous).
-- * Abandoned calls have no agent and zero talk time; outbound callbacks
--   have no SLA verdict.
SELECT
    "CallID"                                         AS contact_id,
    "CallerAcct"                                     AS customer_key,
    "CaseRef"                                        AS case_id,
    'phone'                                          AS channel,
    CASE "Skill"
        WHEN 'Q_BILLING'   THEN 'Billing'
        WHEN 'Q_TECH'      THEN 'Technical Support'
        WHEN 'Q_ACCOUNTS'  THEN 'Accounts'
        WHEN 'Q_RETENTION' THEN 'Retention'
        WHEN 'Q_WARRANTY'  THEN 'Warranty & Returns'
        WHEN 'Q_DELIVERY'  THEN 'Delivery'
        ELSE "Skill"
    END                                              AS department,
    "AgentID"                                        AS agent_id,
    "AgentTeam"                                      AS team,
    CASE "IVRReason"
        WHEN 'BILL_INQ'     THEN 'billing'
        WHEN 'TECH_ISSUE'   THEN 'technical'
        WHEN 'ORDER_STATUS' THEN 'delivery'
        WHEN 'WARRANTY'     THEN 'warranty'
        WHEN 'ACCT_CHANGE'  THEN 'account'
        WHEN 'CANCEL_SVC'   THEN 'cancellation'
        ELSE "IVRReason"
    END                                              AS topic,
    coalesce(strftime(try_strptime("StartTime", '%m/%d/%Y %I:%M:%S %p'), '%Y-%m-%d %H:%M:%S'),
             "StartTime")                            AS started_at,
    "QueueSecs"                                      AS wait_seconds,
    coalesce(CAST(TRY_CAST("TalkSecs" AS INTEGER) + TRY_CAST("HoldSecs" AS INTEGER)
                  + TRY_CAST("WrapSecs" AS INTEGER) AS VARCHAR),
             concat_ws('+', "TalkSecs", "HoldSecs", "WrapSecs")) AS handle_seconds,
    "HoldSecs"                                       AS hold_seconds,
    CASE "XferSkill"
        WHEN 'Q_BILLING'   THEN 'Billing'
        WHEN 'Q_TECH'      THEN 'Technical Support'
        WHEN 'Q_ACCOUNTS'  THEN 'Accounts'
        WHEN 'Q_RETENTION' THEN 'Retention'
        WHEN 'Q_WARRANTY'  THEN 'Warranty & Returns'
        WHEN 'Q_DELIVERY'  THEN 'Delivery'
        ELSE "XferSkill"
    END                                              AS transferred_to,
    CASE "WrapCode"
        WHEN 'RESOLVED'     THEN 'resolved'
        WHEN 'NOT_RESOLVED' THEN 'unresolved'
        WHEN 'XFER'         THEN 'transferred'
        WHEN 'ESCALATED'    THEN 'escalated'
        WHEN 'ABANDON'      THEN 'abandoned'
        WHEN 'CALLBACK'     THEN 'callback'
        ELSE "WrapCode"
    END                                              AS disposition,
    "SLA_Met"                                        AS sla_met
FROM read_csv({{file}}, header = true, all_varchar = true, store_rejects = true)
