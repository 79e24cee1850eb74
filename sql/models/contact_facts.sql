-- model: contact_facts
-- reads: contact_base, contact_seq, journeys, group_targets
-- scope: person
-- mart: monthly strftime(business_date, '%Y-%m')
-- key: source_system, contact_id
-- contact_facts — the contact_facts mart: every contact (anonymous
-- ones too) with its person, journey, place in the journey, KPI view
-- (<kpi>, target_<kpi>, met_<kpi>, kpi_held, claimed_success) and
-- customer view. The KPI columns use the placeholders of contact_base.sql.
--
--   is_repeat           a 2nd or later contact of its journey (failure demand)
--   followed_by_repeat  another contact of the same journey follows
--   window_open         the last contact of a journey whose end is not
--                       judged yet (censored): outcome_failed, gap and
--                       verified_resolution are NULL
--   outcome_failed      followed_by_repeat, or the journey ended badly
--   verified_resolution the last contact of a journey verified resolved
--   gap                 claimed_success AND outcome_failed (the McNamara gap)
--   ping_pong, agent_ping_pong  back to the department (agent) of two
--                       contacts before, from another: A → B → A
--   follows_gap         an earlier contact of the journey was a claimed
--                       success, so a gap: this one is its rework (cost)
--   journey_resolved    the journey is verified resolved (cost per
--                       resolved customer); journey_contacts its contacts
--   repeat_within_<W>d  the FCR ladder, W = 1, 3, 7, 30: another contact
--                       of the same person (any journey) started within W
--                       days of this one; NULL while the W days run past
--                       the end of the data (never counted as resolved)
-- Anonymous contacts (no customer key) have no person and no journey: all
-- journey and customer-view columns are NULL; their KPI view is kept.

-- The months of the contacts, which a month-by-month write writes
-- (pipeline/build reads <mart>_months).
CREATE OR REPLACE TEMP TABLE contact_facts_months AS
SELECT DISTINCT CAST(date_trunc('month', business_date) AS DATE) AS write_month FROM contact_base;

-- A view, written once like journeys.
CREATE OR REPLACE TEMP VIEW contact_facts AS
WITH joined AS (
    SELECT
        b.* EXCLUDE (ended_at, _batch_id, _source_file, _source_line),
        s.journey_id,
        s.seq AS seq_in_journey,
        s.seq > 1 AS is_repeat,
        s.seq < s.n AS followed_by_repeat,
        s.hop AS silo_hop,
        s.loop AS silo_loop,
        s.seq = s.n AND j.window_open AS window_open,
        CASE WHEN s.seq < s.n THEN true
             WHEN j.window_open THEN NULL
             ELSE j.ended_badly END AS outcome_failed,
        CASE WHEN s.seq < s.n THEN false
             WHEN j.window_open THEN NULL
             ELSE j.verified_resolved END AS verified_resolution,
        s.ping_pong,
        s.agent_ping_pong,
        s.follows_claimed AS follows_gap,
        j.verified_resolved AS journey_resolved,
        s.n AS journey_contacts,
        repeat_within(b.person_id, s.next_contact_at, b.started_at, 1) AS repeat_within_1d,
        repeat_within(b.person_id, s.next_contact_at, b.started_at, 3) AS repeat_within_3d,
        repeat_within(b.person_id, s.next_contact_at, b.started_at, 7) AS repeat_within_7d,
        repeat_within(b.person_id, s.next_contact_at, b.started_at, 30) AS repeat_within_30d,
        b._batch_id, b._source_file, b._source_line
    FROM contact_base b
    -- a month-by-month write (_macros.sql): the month's contacts, and
    -- only the sequence rows and journeys near it in the joins
    LEFT JOIN (SELECT * FROM contact_seq WHERE near_write_month(started_at, started_at)) s ON s.rid = b.rowid
    LEFT JOIN (SELECT journey_id, window_open, ended_badly, verified_resolved FROM journeys
               WHERE near_write_month(first_contact_at, last_contact_at)) j
           ON j.journey_id = s.journey_id
    WHERE in_write_month(b.business_date)
), targeted AS (
    SELECT j.*, t.* EXCLUDE (t_team, t_department, t_channel)
    FROM joined j
    LEFT JOIN group_targets t
           ON t.t_team IS NOT DISTINCT FROM j.team
          AND t.t_department IS NOT DISTINCT FROM j.department
          AND t.t_channel = j.channel
), valued AS (
    -- kpi_values: ", <expr> AS <kpi>" for every KPI that is not a contract
    -- column already (hold_seconds is)
    SELECT *{{kpi_values}}
    FROM targeted
), measured AS (
    SELECT *,
        {{kpi_met}}
    FROM valued
)
SELECT
    * EXCLUDE (_batch_id, _source_file, _source_line, agent_day_contacts),
    CASE WHEN outcome_failed IS NOT NULL THEN claimed_success AND outcome_failed END AS gap,
    _batch_id, _source_file, _source_line
FROM measured;
