-- Rejected rows by file and reason: what the exports got wrong.
--
-- Every refused row is kept in the lake's _rejects area with its file,
-- line, column and reason; this groups them so the owner of an export can
-- fix the cause. Reasons are cut at the first quote so values group.
SELECT
    "table",
    _source_file                          AS file,
    coalesce("column", '(row)')           AS "column",
    split_part(reason, '"', 1)            AS reason,
    count(*)                              AS rows,
    min(_source_line)                     AS first_line
FROM rejects
GROUP BY ALL
ORDER BY rows DESC
