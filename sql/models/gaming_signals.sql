-- model: gaming_signals
-- reads: gaming_cells
-- scope: aggregate
-- mart: order by dimension, member, signal, measure
-- gaming_signals — statistical signs that an agent or team meets the
-- handle-time target by shifting the work rather than doing it. Evidence,
-- not a verdict: each row is a test with its statistic and threshold
-- (docs/definitions.md, "Gaming signals", states each and its measured
-- false-positive rate). Long form, one row per measure of a signal:
--
--   dimension    agent | team (the slopes: team only)
--   member       the agent id or team name
--   signal       bunching | hold_padding | transfer_padding |
--                aht_down_repeats_up | selective_survey
--   measure      what the row measures (below)
--   statistic    the test statistic, oriented so that larger is more
--                suspicious: a z for the p-value tests, Student's t of
--                the slope for the slopes; NULL when too few contacts
--   p_value      one-sided, P(Z > statistic) under the null; NULL for the
--                slopes (interval tests) and for descriptive measures
--   p_threshold  gaming_alpha / tests: the Bonferroni threshold over every
--                p-value the mart holds; flagged when p_value is under it
--   dispersion   the overdispersion the z was divided by (below; 1 = none)
--   estimate, lo, hi   the measure and its interval (normal, or t for the
--                slopes, at gaming_confidence)
--   value, baseline    the two figures the test compares
--   contacts     the contacts the measure is computed over
--   flagged      the signal's verdict (the same on each of its measures)
--   period_start, period_end   the business dates of those contacts
--
-- Handle time is read against the contact's own AHT target T
-- (target_handle_time_seconds); b = gaming_band, x = handle / T.
--
-- bunching / density_contrast: counts n1..n4 in the bands [1−2b, 1−b),
--   [1−b, 1), [1, 1+b), [1+b, 1+2b). A smooth (locally log-quadratic)
--   density has ln(n2/n3) = ln(n1/n4) / 3; the estimate is the contrast
--   c = ln(n2/n3) − ln(n1/n4)/3, its z = c / sqrt(1/n2 + 1/n3 +
--   (1/n1 + 1/n4)/9) (Poisson counts, delta method). value = n2/(n2+n3),
--   baseline = the share a smooth density predicts, r/(1+r), r =
--   (n1/n4)^(1/3). Tested when every band holds gaming_min_count.
-- bunching / handoff_share: of the contacts just under the target
--   [1−b, 1), the share ending transferred, callback or abandoned (passed
--   on or hung up); baseline: the same share over the whole dimension.
-- hold_padding / held_share, transfer_padding / handoff_share: the share
--   held (hold_seconds > 0; contacts with a known hold only) or handed
--   off in the band just under the target [1−b, 1) (value) against the
--   member's contacts further under it, x < 1−b (baseline): a pooled
--   two-proportion z test; the estimate is the difference.
-- aht_down_repeats_up / aht_slope, repeat_slope (teams): the OLS slope per
--   week of the weekly AHT and of the weekly 7-day repeat rate (share of
--   judged contacts the person followed within 7 days), over the whole
--   weeks (Monday to Sunday) inside the judged data with at least
--   gaming_week_contacts judged contacts; interval slope ± t·se, t with
--   weeks − 2 degrees of freedom. statistic: −t for AHT, t for repeats;
--   value: the mean of the weekly figures. Flagged when both intervals
--   exclude 0, the AHT's below and the repeats' above.
-- selective_survey / came_back_survey_share: which contacts get a survey
--   answer (csat) — those whose customer came back within 7 days or the
--   others — against the centre's own rates by wrap code (resolved or
--   not) and came-back, so a policy of surveying after "resolved" wrap
--   codes is not taken for the member's doing. Of the member's S surveyed
--   judged contacts, O are of customers who came back; the centre's rates
--   predict a share q. statistic z = (S·q − O) / sqrt(S·q·(1−q)),
--   estimate q − O/S; value: the survey rate of the member's came-back
--   contacts, baseline: of the others. Tested when S·q and S·(1−q) reach
--   gaming_min_count.
-- selective_survey / csat_came_back, csat_not_back: the mean CSAT of the
--   member's surveyed contacts of each group (descriptive).

-- Every count below is a sum of the members' monthly cells
-- (gaming_cells.sql), which hold the same counts over the same contacts.
CREATE OR REPLACE TEMP TABLE gaming_tests AS
WITH members AS (
    SELECT * FROM gaming_cells WHERE dimension <> 'all'
), bands AS (
    SELECT dimension, member,
        CAST(coalesce(sum(contacts) FILTER (WHERE band = 'b1'), 0) AS BIGINT) AS n1,
        CAST(coalesce(sum(contacts) FILTER (WHERE band = 'b2'), 0) AS BIGINT) AS n2,
        CAST(coalesce(sum(contacts) FILTER (WHERE band = 'b3'), 0) AS BIGINT) AS n3,
        CAST(coalesce(sum(contacts) FILTER (WHERE band = 'b4'), 0) AS BIGINT) AS n4,
        CAST(coalesce(sum(handed_off) FILTER (WHERE band = 'b2'), 0) AS BIGINT) AS h2,
        min(first_date) FILTER (WHERE band IN ('b1', 'b2', 'b3', 'b4')) AS d0,
        max(last_date) FILTER (WHERE band IN ('b1', 'b2', 'b3', 'b4')) AS d1
    FROM members
    WHERE cell = 'band' AND band IS NOT NULL
    GROUP BY ALL
), bunching AS (
    SELECT *,
        least(n1, n2, n3, n4) >= getvariable('gaming_min_count') AS tested,
        CASE WHEN least(n1, n2, n3, n4) > 0 THEN ln(n2 / n3) - ln(n1 / n4) / 3 END AS c,
        CASE WHEN least(n1, n2, n3, n4) > 0 THEN sqrt(1 / n2 + 1 / n3 + (1 / n1 + 1 / n4) / 9) END AS se
    FROM bands
), under AS (
    -- x < 1: just under the target (b2) or further under it
    SELECT dimension, member,
        band = 'b2' AS in_band,
        CAST(sum(contacts) AS BIGINT) AS n,
        CAST(sum(handed_off) AS BIGINT) AS handed,
        CAST(sum(hold_known) AS BIGINT) AS n_hold,
        CAST(sum(held) AS BIGINT) AS held,
        min(first_date) AS d0, max(last_date) AS d1
    FROM members
    WHERE cell = 'band' AND band IN ('below', 'b1', 'b2')
    GROUP BY ALL
), padding AS (
    SELECT b.dimension, b.member, m.measure, m.signal,
        m.k_band, m.n_band, m.k_rest, m.n_rest,
        least(b.d0, r.d0) AS d0, greatest(b.d1, r.d1) AS d1
    FROM under b
    JOIN under r ON r.dimension = b.dimension AND r.member = b.member AND NOT r.in_band
    CROSS JOIN LATERAL (VALUES
        ('hold_padding', 'held_share', b.held, b.n_hold, r.held, r.n_hold),
        ('transfer_padding', 'handoff_share', b.handed, b.n, r.handed, r.n)
    ) m(signal, measure, k_band, n_band, k_rest, n_rest)
    WHERE b.in_band
), padding_z AS (
    SELECT *,
        k_band / nullif(n_band, 0) AS p1,
        k_rest / nullif(n_rest, 0) AS p2,
        (k_band + k_rest) / nullif(n_band + n_rest, 0) AS pool,
        least(n_band, n_rest, k_band + k_rest, n_band + n_rest - k_band - k_rest) >= getvariable('gaming_min_count') AS tested
    FROM padding
), weeks AS (
    -- every tested contact once: the centre's survey cells
    SELECT min(first_date) AS first_day,
        max(last_date) FILTER (WHERE came_back IS NOT NULL) AS last_judged
    FROM gaming_cells
    WHERE cell = 'survey' AND dimension = 'all'
), weekly AS (
    SELECT c.member, c.week,
        sum(c.handle_judged_e6) / nullif(sum(c.judged), 0) / 1e6 AS aht,
        sum(c.came_back_n) / nullif(sum(c.judged), 0) AS repeat_rate,
        CAST(sum(c.judged) AS BIGINT) AS n
    FROM members c, weeks w
    WHERE c.cell = 'week'
      AND c.week >= w.first_day
      AND c.week + INTERVAL 6 DAY <= w.last_judged
    GROUP BY ALL
    HAVING sum(c.judged) >= getvariable('gaming_week_contacts')
), fits AS (
    SELECT w.member, m.measure, m.sign,
        count(*) AS k,
        sum(w.n) AS n,
        avg(m.y) AS mean_y,
        regr_slope(m.y, tt.t) AS slope,
        sqrt(greatest(regr_syy(m.y, tt.t) - regr_sxy(m.y, tt.t)^2 / nullif(regr_sxx(m.y, tt.t), 0), 0)
             / nullif(count(*) - 2, 0) / nullif(regr_sxx(m.y, tt.t), 0)) AS se,
        min(w.week) AS d0, max(w.week) + INTERVAL 6 DAY AS d1
    FROM weekly w, weeks ws
    CROSS JOIN LATERAL (VALUES
        ('aht_slope', w.aht, -1),
        ('repeat_slope', w.repeat_rate, 1)
    ) m(measure, y, sign)
    CROSS JOIN LATERAL (SELECT date_diff('day', date_trunc('week', ws.first_day), w.week) / 7.0 AS t) tt
    GROUP BY ALL
), slopes AS (
    SELECT *,
        k >= getvariable('gaming_min_weeks') AND se > 0 AS tested,
        t_quantile(getvariable('gaming_z'), k - 2) AS tq
    FROM fits
), centre AS (
    -- the centre's survey rate by wrap code and came-back
    SELECT resolved_wrap, came_back, sum(surveyed) / sum(contacts) AS rate
    FROM gaming_cells
    WHERE cell = 'survey' AND dimension = 'all' AND came_back IS NOT NULL
    GROUP BY ALL
), member_wraps AS (
    -- a member's judged contacts by wrap code and came-back: the counts
    -- first, so that the expected surveys below add two products (one a
    -- wrap code), in any order the same
    SELECT dimension, member, resolved_wrap, came_back,
        CAST(sum(contacts) AS BIGINT) AS n,
        CAST(sum(surveyed) AS BIGINT) AS s,
        CAST(sum(csat_e6) AS BIGINT) AS csat_e6,
        min(first_date) AS d0, max(last_date) AS d1
    FROM members
    WHERE cell = 'survey' AND came_back IS NOT NULL
    GROUP BY ALL
), surveyed AS (
    SELECT c.dimension, c.member,
        CAST(coalesce(sum(c.n) FILTER (WHERE c.came_back), 0) AS BIGINT) AS n_back,
        CAST(coalesce(sum(c.n) FILTER (WHERE NOT c.came_back), 0) AS BIGINT) AS n_not,
        CAST(sum(c.s) AS BIGINT) AS s,
        CAST(coalesce(sum(c.s) FILTER (WHERE c.came_back), 0) AS BIGINT) AS o,
        sum(c.n * r.rate) FILTER (WHERE c.came_back) AS e_back,
        sum(c.n * r.rate) FILTER (WHERE NOT c.came_back) AS e_not,
        sum(c.csat_e6) FILTER (WHERE c.came_back) / nullif(sum(c.s) FILTER (WHERE c.came_back), 0) / 1e6 AS csat_back,
        sum(c.csat_e6) FILTER (WHERE NOT c.came_back) / nullif(sum(c.s) FILTER (WHERE NOT c.came_back), 0) / 1e6 AS csat_not,
        CAST(coalesce(sum(c.s) FILTER (WHERE NOT c.came_back), 0) AS BIGINT) AS o_not,
        min(c.d0) AS d0, max(c.d1) AS d1
    FROM member_wraps c
    JOIN centre r ON r.resolved_wrap = c.resolved_wrap AND r.came_back = c.came_back
    GROUP BY ALL
), surveys AS (
    SELECT *, e_back / nullif(e_back + e_not, 0) AS q
    FROM surveyed
), rows AS (
    SELECT dimension, member, 'bunching' AS signal, 'density_contrast' AS measure,
        CASE WHEN tested THEN c / se END AS statistic,
        CASE WHEN tested THEN c END AS estimate,
        CASE WHEN tested THEN c - getvariable('gaming_z') * se END AS lo,
        CASE WHEN tested THEN c + getvariable('gaming_z') * se END AS hi,
        n2 / nullif(n2 + n3, 0) AS value,
        CASE WHEN n1 > 0 AND n4 > 0 THEN (n1 / n4) ^ (1 / 3) / (1 + (n1 / n4) ^ (1 / 3)) END AS baseline,
        n1 + n2 + n3 + n4 AS contacts, true AS has_p, CAST(NULL AS BOOLEAN) AS interval_flag, d0, d1
    FROM bunching
    UNION ALL
    SELECT dimension, member, 'bunching', 'handoff_share',
        NULL, h2 / nullif(n2, 0), NULL, NULL, h2 / nullif(n2, 0),
        sum(h2) OVER (PARTITION BY dimension) / nullif(sum(n2) OVER (PARTITION BY dimension), 0),
        n2, false, NULL, d0, d1
    FROM bunching
    UNION ALL
    SELECT dimension, member, signal, measure,
        CASE WHEN tested THEN (p1 - p2) / sqrt(pool * (1 - pool) * (1 / n_band + 1 / n_rest)) END,
        CASE WHEN tested THEN p1 - p2 END,
        CASE WHEN tested THEN p1 - p2 - getvariable('gaming_z') * sqrt(p1 * (1 - p1) / n_band + p2 * (1 - p2) / n_rest) END,
        CASE WHEN tested THEN p1 - p2 + getvariable('gaming_z') * sqrt(p1 * (1 - p1) / n_band + p2 * (1 - p2) / n_rest) END,
        p1, p2, n_band + n_rest, true, NULL, d0, d1
    FROM padding_z
    UNION ALL
    SELECT 'team', member, 'aht_down_repeats_up', measure,
        CASE WHEN tested THEN sign * slope / se END,
        slope,
        CASE WHEN tested THEN slope - tq * se END,
        CASE WHEN tested THEN slope + tq * se END,
        mean_y, NULL, n, false,
        -- this measure's half of the verdict: its interval excludes 0 on
        -- the gaming side
        tested AND (sign * (slope - sign * tq * se)) > 0,
        d0, d1
    FROM slopes
    UNION ALL
    SELECT dimension, member, 'selective_survey', 'came_back_survey_share',
        CASE WHEN least(s * q, s * (1 - q)) >= getvariable('gaming_min_count') THEN (s * q - o) / sqrt(s * q * (1 - q)) END,
        CASE WHEN least(s * q, s * (1 - q)) >= getvariable('gaming_min_count') THEN q - o / s END,
        CASE WHEN least(s * q, s * (1 - q)) >= getvariable('gaming_min_count') THEN q - o / s - getvariable('gaming_z') * sqrt(q * (1 - q) / s) END,
        CASE WHEN least(s * q, s * (1 - q)) >= getvariable('gaming_min_count') THEN q - o / s + getvariable('gaming_z') * sqrt(q * (1 - q) / s) END,
        o / nullif(n_back, 0), o_not / nullif(n_not, 0), n_back + n_not, true, NULL, d0, d1
    FROM surveys
    UNION ALL
    SELECT dimension, member, 'selective_survey', m.measure, NULL, m.v, NULL, NULL, m.v, NULL, m.k, false, NULL, d0, d1
    FROM surveys
    CROSS JOIN LATERAL (VALUES ('csat_came_back', csat_back, o), ('csat_not_back', csat_not, o_not)) m(measure, v, k)
)
SELECT * FROM rows;

-- Overdispersion: contacts are not independent draws (a customer's repeat
-- contacts share their need), so the z statistics of a centre's members
-- spread wider than a standard normal even with nothing to find. Each
-- test's z is divided by the spread of its (dimension, signal, measure)'s
-- z across the members tested, as a robust standard deviation
-- (median |z| / 0.6745; only when over 1 and estimated from at least
-- gaming_min_count members), and its interval widened alike: few planted
-- members cannot move a median.
CREATE OR REPLACE TEMP TABLE gaming_scaled AS
WITH spread AS (
    SELECT dimension, signal, measure,
        CASE WHEN count(statistic) >= getvariable('gaming_min_count')
             THEN greatest(1, median(abs(statistic)) / 0.6744897501960817) ELSE 1 END AS dispersion
    FROM gaming_tests
    WHERE has_p
    GROUP BY ALL
)
SELECT t.* EXCLUDE (statistic, lo, hi),
    s.dispersion,
    t.statistic / coalesce(s.dispersion, 1) AS statistic,
    t.estimate - (t.estimate - t.lo) * coalesce(s.dispersion, 1) AS lo,
    t.estimate + (t.hi - t.estimate) * coalesce(s.dispersion, 1) AS hi,
    CASE WHEN t.has_p AND t.statistic IS NOT NULL THEN normal_sf(t.statistic / s.dispersion) END AS p_value
FROM gaming_tests t
LEFT JOIN spread s USING (dimension, signal, measure);

CREATE OR REPLACE TEMP TABLE gaming_signals AS
WITH m AS (
    SELECT count(p_value) AS tests FROM gaming_scaled
), verdict AS (
    -- a signal's verdict: any p-value under the threshold, or (the slopes)
    -- every interval on the gaming side
    SELECT t.dimension, t.member, t.signal,
        coalesce(bool_or(t.p_value < getvariable('gaming_alpha') / nullif(m.tests, 0)), false)
            OR coalesce(bool_and(t.interval_flag), false) AS flagged
    FROM gaming_scaled t, m
    GROUP BY ALL
)
SELECT t.dimension, t.member, t.signal, t.measure,
    t.statistic, t.p_value,
    CASE WHEN t.has_p THEN getvariable('gaming_alpha') / nullif(m.tests, 0) END AS p_threshold,
    t.dispersion,
    t.estimate, t.lo, t.hi, t.value, t.baseline,
    CAST(t.contacts AS BIGINT) AS contacts,
    v.flagged,
    CAST(t.d0 AS DATE) AS period_start, CAST(t.d1 AS DATE) AS period_end
FROM gaming_scaled t
JOIN verdict v USING (dimension, member, signal), m;

-- Its working tables go once it is made (the build holds every table
-- to its end).
DROP TABLE gaming_tests;
DROP TABLE gaming_scaled;
