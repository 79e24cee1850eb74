-- model: business_offsets
-- reads: contacts
-- scope: person
-- business_offsets — the business time zone's UTC offset for each hour of
-- the data, for business_date (_macros.sql).
--
-- business_date is the date of started_at in time_zone. ICU is slow per
-- row, so the UTC offset is taken once per hour of the data, at its first
-- and last contact; an hour whose offset changes inside it (a DST switch)
-- has none here and its contacts ask ICU one by one.
CREATE OR REPLACE TEMP TABLE business_offsets AS
WITH hours AS (
    SELECT epoch_us(started_at) // 3600000000 AS hour, min(started_at) AS lo, max(started_at) AS hi
    FROM contacts
    WHERE started_at IS NOT NULL
    GROUP BY hour
), offsets AS (
    SELECT hour,
        epoch_us(timezone(getvariable('time_zone'), lo)) - epoch_us(lo) AS lo_offset,
        epoch_us(timezone(getvariable('time_zone'), hi)) - epoch_us(hi) AS hi_offset
    FROM hours
)
SELECT hour, CASE WHEN lo_offset = hi_offset THEN lo_offset END AS offset_us
FROM offsets;
