-- mcnamara:mapping
-- table: outcomes
-- source_system: cfpb
-- timezone: America/New_York
-- match: cfpb_*.csv
-- format occurred_at: %m/%d/%Y
-- doc: CFPB Consumer Complaint Database export, one dispute event per complaint the consumer disputed ("Consumer disputed?" = Yes).
--
-- The consumer's verdict on the company's response: a complaint marked
-- "Consumer disputed?" = Yes yields one outcome event of kind dispute,
-- attached to the complaint's own journey through case_id = the complaint's
-- id (the same id cfpb_complaints.sql gives the contact; see there for the
-- layouts and the derived ids of extracts without Complaint ID — the
-- derivation below is the same and must stay so).
--
-- rows_read of this mapping counts disputed complaints only: a complaint
-- that was not disputed is an event that did not happen, not a refused row
-- (the complaint itself is loaded by cfpb_complaints.sql). Because rows are
-- selected, the mapping yields _source_line itself: the record's ordinal
-- plus the header line, which is the line in the file when no field spans
-- lines and DuckDB refused no line before it (true of the shipped
-- extracts; a refused line shifts the lines after it by one).
--
-- occurred_at: the extract carries no date for the dispute. It is dated
-- when the complaint was sent to the company (the earliest a consumer can
-- dispute the response; the date received when that is blank), up to ten
-- months after the complaint in these extracts, so the dataset's outcome
-- horizon must cover that.
-- Rejects: only a date in an unknown shape (refused naming it) and lines
-- DuckDB's CSV reader refuses; none in the shipped extracts.
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
    cid                                            AS event_id,
    cid                                            AS customer_key,
    cid                                            AS case_id,
    regexp_replace(regexp_replace(trim(coalesce(nullif(trim(date_sent_to_company), ''), date_received)),
        '^(\d{1,2}/\d{1,2}/)(\d{2})$', '\120\2'),
        '^(\d{4})-(\d{1,2})-(\d{1,2})$', '\2/\3/\1')  AS occurred_at,
    'dispute'                                      AS kind,
    'consumer disputed the company response: ' || coalesce(company_response_to_consumer, '(none recorded)') AS note,
    rec + 1                                        AS _source_line
FROM keyed
WHERE trim(consumer_disputed) = 'Yes'
ORDER BY rec
