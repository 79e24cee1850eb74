-- model: group_targets
-- reads: contacts, kpi_targets
-- scope: person
-- group_targets — the KPI target in force for every (team, department,
-- channel) combination that occurs in the contacts.
--
-- Inputs: the view contacts, and the table kpi_targets(metric, level, member,
-- target) that the build fills from the metric catalog and the configuration
-- (one 'default' row per KPI, target NULL when the KPI has no default).
-- Variables (SET VARIABLE … before running): as_of — see contact_base.sql.
--
-- Precedence, most specific first: team > department > channel > default.
-- Members match the data exactly (case-sensitive). A contact whose team,
-- department or channel has no target of its own falls through to the next
-- level; with no target at any level the KPI is not measured for it.

CREATE OR REPLACE TEMP TABLE target_groups AS
SELECT DISTINCT team, department, channel FROM contacts
UNION
-- an all-NULL group (no contact has a NULL channel) so that the pivot below
-- has every target_<kpi> column even before the first contact is loaded.
SELECT NULL, NULL, NULL;

CREATE OR REPLACE TEMP TABLE group_targets AS
PIVOT (
    SELECT
        g.team       AS t_team,
        g.department AS t_department,
        g.channel    AS t_channel,
        'target_' || m.metric AS metric,
        arg_min(k.target, CASE k.level WHEN 'team' THEN 1 WHEN 'department' THEN 2
                                       WHEN 'channel' THEN 3 ELSE 4 END) AS target
    FROM target_groups g
    CROSS JOIN (SELECT DISTINCT metric FROM kpi_targets) m
    LEFT JOIN kpi_targets k
           ON k.metric = m.metric
          AND k.target IS NOT NULL
          AND (    k.level = 'default'
               OR (k.level = 'channel'    AND k.member = g.channel)
               OR (k.level = 'department' AND k.member = g.department)
               OR (k.level = 'team'       AND k.member = g.team))
    GROUP BY ALL
) ON metric USING first(target);

-- Its working tables go once it is made (the build holds every table
-- to its end: at 100M contacts gaming_base was 100M rows through the
-- models after it).
DROP TABLE target_groups;
