-- _macros.sql — logic the models share, defined once. The build runs this
-- file right after the prelude, before any model; the incremental build
-- (sql/incremental) uses the same macros, so a rule stated here cannot
-- drift between the two paths.

-- The person behind a (source_system, customer_key): the mapped person
-- (identities), else the system-qualified key — two systems' key 123 are
-- not the same person by accident. No key (anonymous): no person, so no
-- journey.
CREATE OR REPLACE TEMP MACRO person_of(source_system, customer_key, mapped_person) AS
    CASE WHEN nullif(trim(customer_key), '') IS NOT NULL
         THEN coalesce(mapped_person, source_system || '/' || customer_key) END;

-- The business date of an instant: its date in the business time zone.
-- offset_us is the zone's UTC offset for the instant's hour
-- (business_offsets.sql), NULL where a DST switch falls inside the hour:
-- then ICU decides, which is slow per row.
CREATE OR REPLACE TEMP MACRO business_date(started_at, offset_us) AS
    CASE WHEN offset_us IS NOT NULL
         THEN CAST(make_timestamp(epoch_us(started_at) + offset_us) AS DATE)
         ELSE CAST(timezone(getvariable('time_zone'), started_at) AS DATE) END;

-- A contact's place in a journey: "<department>·<channel>" ("(none)" for a
-- missing department); a hop is a change of node, a loop a hop into a node
-- already visited.
CREATE OR REPLACE TEMP MACRO journey_node(department, channel) AS
    coalesce(department, '(none)') || '·' || channel;

-- A contact is settled when its repeat window has closed by the end of the
-- data (compared as instants, a + window: no calendar needed). Among the
-- contacts that are not, only those whose customer already came back are
-- judged, a biased few: whole-period rates are over settled contacts.
CREATE OR REPLACE TEMP MACRO contact_settled(started_at) AS
    started_at + getvariable('repeat_window') <= getvariable('data_end');

-- The FCR ladder's rung of a contact at W days: did the person's next
-- contact (any journey) start within W days of this one? NULL without a
-- person, and while the W days run past the end of the data: an open
-- window is never counted as resolved.
CREATE OR REPLACE TEMP MACRO repeat_within(person_id, next_contact_at, started_at, days) AS
    CASE WHEN person_id IS NOT NULL AND started_at + to_seconds(days * 86400) <= getvariable('data_end')
         THEN coalesce(next_contact_at <= started_at + to_seconds(days * 86400), false) END;

-- Month-by-month writes. A full build of a lake too big for memory_limit
-- writes contact_facts one month at a time (pipeline/build:
-- Options.WriteMonthly): write_month is then the first day of the month
-- being written, and these filters give each write that month's contacts
-- (in_write_month, a date range DuckDB pushes into the scan, pruning row
-- groups by their statistics) and, a superset, the rows they join to
-- (near_write_month: spans that reach within two days of the month, more
-- than any time zone's offset). With write_month unset (every other
-- build, an analyst's copy of the SQL) both are true.
CREATE OR REPLACE TEMP MACRO in_write_month(d) AS
    getvariable('write_month') IS NULL
    OR (d >= CAST(getvariable('write_month') AS DATE) AND d < CAST(getvariable('write_month') AS DATE) + INTERVAL 1 MONTH);
CREATE OR REPLACE TEMP MACRO near_write_month(first_at, last_at) AS
    getvariable('write_month') IS NULL
    OR (last_at >= CAST(CAST(getvariable('write_month') AS DATE) - INTERVAL 2 DAY AS TIMESTAMPTZ)
        AND first_at < CAST(CAST(getvariable('write_month') AS DATE) + INTERVAL 1 MONTH + INTERVAL 2 DAY AS TIMESTAMPTZ));

-- The edges of the Sankey (journey_flows.sql): the move into each 2nd to
-- flow_steps-th contact of a journey, and the move from its last drawn
-- contact to its outcome ("outcome·resolved|failed|open"). steps names a
-- relation of (journey_id, seq, n, node, prev_node, is_loop,
-- is_ping_pong), one row per
-- contact of the journeys to draw; ends one of (journey_id, contacts,
-- last_node, outcome). The incremental build subtracts the edges of the
-- journeys it replaces with the same macro over their previous rows.
CREATE OR REPLACE TEMP MACRO flow_edges(steps, ends) AS TABLE
    SELECT seq - 1 AS step,
           prev_node || ' #' || (seq - 1) AS from_node,
           node || ' #' || seq AS to_node,
           is_loop, is_ping_pong
    FROM query_table(steps)
    WHERE seq BETWEEN 2 AND getvariable('flow_steps')
    UNION ALL
    -- the end of each journey, from its last contact…
    SELECT contacts AS step,
           last_node || ' #' || contacts AS from_node,
           'outcome·' || outcome AS to_node,
           false AS is_loop, false AS is_ping_pong
    FROM query_table(ends)
    WHERE contacts <= getvariable('flow_steps')
    UNION ALL
    -- …or, for long journeys, from their flow_steps-th contact
    SELECT s.seq AS step,
           s.node || ' #' || s.seq AS from_node,
           'outcome·' || j.outcome AS to_node,
           false AS is_loop, false AS is_ping_pong
    FROM query_table(steps) s
    JOIN (SELECT journey_id, outcome FROM query_table(ends) WHERE contacts > getvariable('flow_steps')) j
      ON j.journey_id = s.journey_id
    WHERE s.seq = getvariable('flow_steps') AND s.n > getvariable('flow_steps');

-- The upper tail of the standard normal, P(Z > z): the p-value of a
-- one-sided z test (gaming_signals.sql). erfc by the Chebyshev fit of
-- Numerical Recipes (erfcc), relative error under 1.2e-7 everywhere, so
-- tiny p-values keep their digits.
CREATE OR REPLACE TEMP MACRO erfc_pos(x) AS
    (1.0 / (1.0 + 0.5 * x)) * exp(-x * x - 1.26551223 + (1.0 / (1.0 + 0.5 * x)) * (1.00002368
        + (1.0 / (1.0 + 0.5 * x)) * (0.37409196 + (1.0 / (1.0 + 0.5 * x)) * (0.09678418
        + (1.0 / (1.0 + 0.5 * x)) * (-0.18628806 + (1.0 / (1.0 + 0.5 * x)) * (0.27886807
        + (1.0 / (1.0 + 0.5 * x)) * (-1.13520398 + (1.0 / (1.0 + 0.5 * x)) * (1.48851587
        + (1.0 / (1.0 + 0.5 * x)) * (-0.82215223 + (1.0 / (1.0 + 0.5 * x)) * 0.17087277)))))))));
CREATE OR REPLACE TEMP MACRO normal_sf(z) AS
    CASE WHEN z >= 0 THEN 0.5 * erfc_pos(z / sqrt(2.0))
         ELSE 1 - 0.5 * erfc_pos(-z / sqrt(2.0)) END;

-- Student's t quantile with df degrees of freedom at the two-sided level
-- whose normal quantile is z (the build's gaming_z): the Cornish–Fisher
-- expansion in 1/df (Abramowitz & Stegun 26.7.5), within 0.001 of the
-- exact value from 4 degrees of freedom on (2.776 for 4 at 95%).
CREATE OR REPLACE TEMP MACRO t_quantile(z, df) AS
    z + (z^3 + z) / 4 / df
      + (5 * z^5 + 16 * z^3 + 3 * z) / 96 / df^2
      + (3 * z^7 + 19 * z^5 + 17 * z^3 - 15 * z) / 384 / df^3
      + (79 * z^9 + 776 * z^7 + 1482 * z^5 - 1920 * z^3 - 945 * z) / 92160 / df^4;
