-- mcnamara:mapping
-- table: contacts
-- source_system: cfpb
-- timezone: America/New_York
-- match: cfpb_*.csv
-- format started_at: %m/%d/%Y
-- doc: CFPB Consumer Complaint Database export, one contact per complaint (title-case or snake_case header, with or without Complaint ID).
--
-- A complaint is a contact the named company handled: channel = how it was
-- submitted, department = product, agent = company, topic = issue. The
-- company's own verdicts are "Company response to consumer" (a Closed… code
-- is its claim of resolution) and "Timely response?" (its SLA verdict,
-- answered within 15 days). The consumer's verdict, "Consumer disputed?",
-- comes in through cfpb_disputes.sql, a second mapping over the same file.
-- The files carry no consumer key, so each complaint is its own customer
-- and its own case (one journey of one contact).
--
-- Layouts: the CFPB site exports title-case headers ("Date received",
-- "Timely response?", …), copies of it snake_case ones (date_received,
-- consumer_disputed?, …); normalize_names makes both the same lower-case
-- names. Columns a layout lacks (Complaint ID, Sub-product, …) are added as
-- NULL by UNION ALL BY NAME with an empty row of them.
--
-- Quirks of the data, handled here:
-- * Dates are m/d/yyyy, m/d/yy or yyyy-mm-dd depending on the export; all
--   become m/d/yyyy (two-digit years are 20yy: the database starts in 2011).
--   A date in another shape is refused naming it.
-- * Some extracts have no Complaint ID. Such a row gets a stable id derived
--   from its content: 'h' + the first 16 hex digits of the md5 of its
--   fields (in the order of that layout, joined by U+001F, blank = empty)
--   + '-' + its ordinal among identical rows in file order. Re-delivering
--   the same rows, in any order, yields the same ids, so the lake's
--   duplicate-key check still works; ids never collide with the numeric
--   CFPB ids. cfpb_disputes.sql derives them the same way.
-- * "Consumer disputed?" blank = not available (the field ended in April
--   2017). Such a complaint has no customer view: it is kept for the KPI
--   view but given no customer key, so, like an anonymous call, it is
--   counted but never judged (neither resolved nor failed).
-- * Submitted via: Web, Phone and Email map to the contract's channels;
--   Referral, Postal mail and Fax (and a blank) have no channel of their
--   own and become 'other'. An unknown value is refused naming it.
-- * Company response: Closed… = resolved (the company's claim), In progress
--   and Untimely response = unresolved; an unknown value is refused naming it.
-- The mapping keeps the file's row order (ORDER BY rec), so the engine's
-- line numbers stay right. Rejects: only values the engine cannot read
-- (a date in an unknown shape, an unknown channel or response code) and
-- lines DuckDB's CSV reader refuses; none in the shipped extracts.
WITH src AS (
    SELECT * FROM read_csv({{file}}, header = true, all_varchar = true, normalize_names = true, store_rejects = true)
    UNION ALL BY NAME
    SELECT NULL::VARCHAR AS complaint_id, NULL::VARCHAR AS subproduct, NULL::VARCHAR AS subissue,
           NULL::VARCHAR AS zip_code, NULL::VARCHAR AS consumer_consent_provided
    WHERE false
), numbered AS (
    SELECT row_number() OVER () AS rec, * FROM src
), keyed AS (
    SELECT *,
        coalesce(nullif(trim(complaint_id), ''),
                 'h' || left(row_hash, 16) || '-' || row_number() OVER (PARTITION BY row_hash ORDER BY rec)) AS cid
    FROM (SELECT *,
              md5(concat_ws(chr(31),
                  coalesce(date_received, ''), coalesce(product, ''), coalesce(subproduct, ''),
                  coalesce(issue, ''), coalesce(subissue, ''), coalesce(company, ''), coalesce(state, ''),
                  coalesce(zip_code, ''), coalesce(consumer_consent_provided, ''), coalesce(submitted_via, ''),
                  coalesce(date_sent_to_company, ''), coalesce(company_response_to_consumer, ''),
                  coalesce(timely_response, ''), coalesce(consumer_disputed, ''))) AS row_hash
          FROM numbered)
)
SELECT
    cid                                            AS contact_id,
    CASE WHEN trim(consumer_disputed) IN ('Yes', 'No') THEN cid END AS customer_key,
    cid                                            AS case_id,
    CASE
        WHEN nullif(trim(submitted_via), '') IS NULL THEN 'other'
        WHEN trim(submitted_via) IN ('Web', 'Phone', 'Email') THEN lower(trim(submitted_via))
        WHEN trim(submitted_via) IN ('Referral', 'Postal mail', 'Fax') THEN 'other'
        ELSE submitted_via
    END                                            AS channel,
    product                                        AS department,
    company                                        AS agent_id,
    issue                                          AS topic,
    regexp_replace(regexp_replace(trim(date_received),
        '^(\d{1,2}/\d{1,2}/)(\d{2})$', '\120\2'),
        '^(\d{4})-(\d{1,2})-(\d{1,2})$', '\2/\3/\1')  AS started_at,
    CASE
        WHEN company_response_to_consumer LIKE 'Closed%' THEN 'resolved'
        WHEN company_response_to_consumer IN ('In progress', 'Untimely response') THEN 'unresolved'
        ELSE company_response_to_consumer
    END                                            AS disposition,
    timely_response                                AS sla_met
FROM keyed
ORDER BY rec
