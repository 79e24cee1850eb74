-- model: metric_targets
-- reads: kpi_targets, kpi_catalog
-- scope: aggregate
-- mart: order by ordinal, level_rank, member
-- metric_targets — the KPI targets in force when the marts were built,
-- with each KPI's kind, unit, direction and scorecard membership; level_rank
-- is the precedence (team 1 > department 2 > channel 3 > default 4).

CREATE OR REPLACE TEMP TABLE metric_targets AS
SELECT c.ordinal, k.metric, c.kind, c.unit, c.good, c.in_scorecard, k.level,
       CASE k.level WHEN 'team' THEN 1 WHEN 'department' THEN 2 WHEN 'channel' THEN 3 ELSE 4 END AS level_rank,
       k.member, k.target
FROM kpi_targets k
JOIN kpi_catalog c USING (metric)
WHERE k.target IS NOT NULL;
