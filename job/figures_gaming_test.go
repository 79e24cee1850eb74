package job

import (
	"cmp"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/mcnamara/mcnamara/reports"
)

// The figure audit of the gaming sections: every statistic, threshold,
// share and slope the report prints is recomputed here from
// docs/definitions.md's words ("Gaming signals"), over the audit's own
// contact table (af), not from the gaming_signals mart. The tests are
// computed in Go from counts the queries below return, so the mart's SQL
// and this file share nothing but the definitions.

// gamingStat is one test of one member, as the definitions compute it.
type gamingStat struct {
	dim, member, signal, measure string
	tested                       bool
	raw                          float64 // z (before the dispersion) or the slope's t
	value, baseline              float64
	hasValue, hasBase            bool
	contacts                     float64
	// slopes: the estimate, its standard error and weeks
	slope, se, weeks, mean float64
}

// gamingAudit holds every member's tests and the verdicts.
type gamingAudit struct {
	stats      []*gamingStat
	dispersion map[string]float64 // dim|signal|measure → divisor of z
	tests      int                // p-value tests (the Bonferroni family)
	zq         float64            // the z the family's threshold asks for
	tq         map[float64]float64
	handoff    map[string]float64 // dim|member → share just under T handed off
}

func (a *auditor) gamingSettings() (b float64, minCount, minWeeks, weekContacts int, alpha, conf float64) {
	s := a.cfg.Build
	return s.GamingBand, s.GamingMinCount, s.GamingMinWeeks, s.GamingWeekContacts, s.GamingAlpha, s.GamingConfidence
}

// gamingRow is one member's counts: its dimension and name, then the
// query's numbers.
type gamingRow struct {
	dim, member string
	v           []float64
}

// gamingRows runs a query whose first two columns name the member.
func (a *auditor) gamingRows(q string, args ...any) []gamingRow {
	a.t.Helper()
	rows, err := a.db.Query(q, args...)
	if err != nil {
		a.t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []gamingRow
	for rows.Next() {
		r := gamingRow{v: make([]float64, len(cols)-2)}
		ns := make([]sql.NullFloat64, len(cols)-2)
		dst := []any{&r.dim, &r.member}
		for i := range ns {
			dst = append(dst, &ns[i])
		}
		if err := rows.Scan(dst...); err != nil {
			a.t.Fatal(err)
		}
		for i, n := range ns {
			r.v[i] = n.Float64
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		a.t.Fatal(err)
	}
	return out
}

// gamingBase is af's tested contacts: handled, with an agent or a team,
// one row per dimension they belong to; x is handle time over the AHT
// target.
const gamingBase = `(
	SELECT 'agent' AS dim, agent_id AS member, * FROM af WHERE handle_seconds > 0 AND agent_id IS NOT NULL
	UNION ALL
	SELECT 'team', team, * FROM af WHERE handle_seconds > 0 AND team IS NOT NULL)`

func (a *auditor) gamingTests() *gamingAudit {
	if a.gamingCache != nil {
		return a.gamingCache
	}
	t := a.t
	b, minCount, minWeeks, weekContacts, alpha, conf := a.gamingSettings()
	g := &gamingAudit{dispersion: map[string]float64{}, tq: map[float64]float64{}, handoff: map[string]float64{}}
	x := "handle_seconds / nullif(target_handle_time_seconds, 0)"
	off := "disposition IN ('transferred', 'callback', 'abandoned')"
	// bunching: the four bands around the target, and the hand-offs in the
	// one just under it
	for _, r := range a.gamingRows(fmt.Sprintf(`SELECT dim, member,
		count(*) FILTER (WHERE x >= 1 - 2 * $1 AND x < 1 - $1), count(*) FILTER (WHERE x >= 1 - $1 AND x < 1),
		count(*) FILTER (WHERE x >= 1 AND x < 1 + $1), count(*) FILTER (WHERE x >= 1 + $1 AND x < 1 + 2 * $1),
		count(*) FILTER (WHERE x >= 1 - $1 AND x < 1 AND %s)
		FROM (SELECT *, %s AS x FROM %s) WHERE x IS NOT NULL GROUP BY ALL`, off, x, gamingBase), b) {
		n1, n2, n3, n4, h2 := r.v[0], r.v[1], r.v[2], r.v[3], r.v[4]
		s := &gamingStat{dim: r.dim, member: r.member, signal: "bunching", measure: "density_contrast", contacts: n1 + n2 + n3 + n4}
		s.tested = math.Min(math.Min(n1, n2), math.Min(n3, n4)) >= float64(minCount)
		if s.tested {
			c := math.Log(n2/n3) - math.Log(n1/n4)/3
			s.raw = c / math.Sqrt(1/n2+1/n3+(1/n1+1/n4)/9)
		}
		if n2+n3 > 0 {
			s.value, s.hasValue = n2/(n2+n3), true
		}
		if n1 > 0 && n4 > 0 {
			r := math.Cbrt(n1 / n4)
			s.baseline, s.hasBase = r/(1+r), true
		}
		if n2 > 0 {
			g.handoff[s.dim+"|"+s.member] = h2 / n2
		}
		g.stats = append(g.stats, s)
	}
	// padding: held (of the contacts whose hold is known) and handed off,
	// just under the target against further under it
	for _, r := range a.gamingRows(fmt.Sprintf(`SELECT dim, member,
		count(hold_seconds) FILTER (WHERE x >= 1 - $1), count(*) FILTER (WHERE x >= 1 - $1 AND hold_seconds > 0),
		count(hold_seconds) FILTER (WHERE x < 1 - $1), count(*) FILTER (WHERE x < 1 - $1 AND hold_seconds > 0),
		count(*) FILTER (WHERE x >= 1 - $1), count(*) FILTER (WHERE x >= 1 - $1 AND %[1]s),
		count(*) FILTER (WHERE x < 1 - $1), count(*) FILTER (WHERE x < 1 - $1 AND %[1]s)
		FROM (SELECT *, %[2]s AS x FROM %[3]s) WHERE x < 1 GROUP BY ALL
		HAVING count(*) FILTER (WHERE x >= 1 - $1) > 0 AND count(*) FILTER (WHERE x < 1 - $1) > 0`, off, x, gamingBase), b) {
		for _, m := range []struct {
			signal, measure string
			nb, kb, nr, kr  float64
		}{
			{"hold_padding", "held_share", r.v[0], r.v[1], r.v[2], r.v[3]},
			{"transfer_padding", "handoff_share", r.v[4], r.v[5], r.v[6], r.v[7]},
		} {
			s := &gamingStat{dim: r.dim, member: r.member, signal: m.signal, measure: m.measure, contacts: m.nb + m.nr}
			k, n := m.kb+m.kr, m.nb+m.nr
			s.tested = math.Min(math.Min(m.nb, m.nr), math.Min(k, n-k)) >= float64(minCount)
			if m.nb > 0 {
				s.value, s.hasValue = m.kb/m.nb, true
			}
			if m.nr > 0 {
				s.baseline, s.hasBase = m.kr/m.nr, true
			}
			if s.tested {
				pool := k / n
				s.raw = (s.value - s.baseline) / math.Sqrt(pool*(1-pool)*(1/m.nb+1/m.nr))
			}
			g.stats = append(g.stats, s)
		}
	}
	// selective surveys: who got a survey answer, against what the centre's
	// survey rates by wrap code (resolved or not) and came-back predict
	for _, r := range a.gamingRows(fmt.Sprintf(`WITH j AS (
			SELECT *, coalesce(disposition = 'resolved', false) AS wrap FROM %s WHERE repeat_within_7d IS NOT NULL),
		centre AS (
			SELECT wrap, repeat_within_7d, count(csat) / count(*) AS rate FROM j WHERE dim = 'agent' OR (dim = 'team' AND agent_id IS NULL)
			GROUP BY ALL)
		SELECT dim, member,
			count(*) FILTER (WHERE j.repeat_within_7d), count(*) FILTER (WHERE NOT j.repeat_within_7d),
			count(csat), count(csat) FILTER (WHERE j.repeat_within_7d), count(csat) FILTER (WHERE NOT j.repeat_within_7d),
			sum(c.rate) FILTER (WHERE j.repeat_within_7d), sum(c.rate) FILTER (WHERE NOT j.repeat_within_7d)
		FROM j JOIN centre c ON c.wrap = j.wrap AND c.repeat_within_7d = j.repeat_within_7d
		GROUP BY ALL`, gamingBase)) {
		nBack, nNot, S, O, oNot, eBack, eNot := r.v[0], r.v[1], r.v[2], r.v[3], r.v[4], r.v[5], r.v[6]
		s := &gamingStat{dim: r.dim, member: r.member, signal: "selective_survey", measure: "came_back_survey_share", contacts: nBack + nNot}
		if nBack > 0 {
			s.value, s.hasValue = O/nBack, true
		}
		if nNot > 0 {
			s.baseline, s.hasBase = oNot/nNot, true
		}
		if eBack+eNot > 0 {
			q := eBack / (eBack + eNot)
			s.tested = math.Min(S*q, S*(1-q)) >= float64(minCount)
			if s.tested {
				s.raw = (S*q - O) / math.Sqrt(S*q*(1-q))
			}
		}
		g.stats = append(g.stats, s)
	}
	// the slopes: per team, the whole weeks whose 7-day repeat windows have
	// closed, each with enough judged contacts
	weekly := a.gamingRows(fmt.Sprintf(`WITH base AS (SELECT * FROM %s),
		w AS (SELECT min(business_date) AS first_day, max(business_date) FILTER (WHERE repeat_within_7d IS NOT NULL) AS last_judged
			FROM base WHERE dim = 'agent' OR (dim = 'team' AND agent_id IS NULL))
		SELECT dim, member, date_diff('day', date_trunc('week', w.first_day), date_trunc('week', business_date)) / 7.0,
			avg(handle_seconds) FILTER (WHERE repeat_within_7d IS NOT NULL), avg(CAST(repeat_within_7d AS DOUBLE)), count(repeat_within_7d)
		FROM base, w
		WHERE dim = 'team' AND date_trunc('week', business_date) >= w.first_day
			AND date_trunc('week', business_date) + INTERVAL 6 DAY <= w.last_judged
		GROUP BY dim, member, date_trunc('week', business_date), w.first_day
		HAVING count(repeat_within_7d) >= $1
		ORDER BY member`, gamingBase), weekContacts)
	byTeam := map[string][][3]float64{}
	var teams []string
	for _, r := range weekly {
		if _, ok := byTeam[r.member]; !ok {
			teams = append(teams, r.member)
		}
		byTeam[r.member] = append(byTeam[r.member], [3]float64{r.v[0], r.v[1], r.v[2]})
	}
	for _, team := range teams {
		pts := byTeam[team]
		for mi, m := range []struct {
			measure string
			sign    float64
		}{{"aht_slope", -1}, {"repeat_slope", 1}} {
			s := &gamingStat{dim: "team", member: team, signal: "aht_down_repeats_up", measure: m.measure, weeks: float64(len(pts))}
			var st, sy float64
			for _, p := range pts {
				st += p[0]
				sy += p[1+mi]
			}
			n := float64(len(pts))
			mt, my := st/n, sy/n
			var sxx, sxy, syy float64
			for _, p := range pts {
				dt, dy := p[0]-mt, p[1+mi]-my
				sxx, sxy, syy = sxx+dt*dt, sxy+dt*dy, syy+dy*dy
			}
			s.mean = my
			if sxx > 0 {
				s.slope = sxy / sxx
				if n > 2 {
					s.se = math.Sqrt(math.Max(syy-sxy*sxy/sxx, 0) / (n - 2) / sxx)
				}
			}
			s.tested = n >= float64(minWeeks) && s.se > 0
			if s.tested {
				s.raw = m.sign * s.slope / s.se
			}
			g.stats = append(g.stats, s)
		}
	}
	// the dispersion: the robust spread of each test's z across the members
	// it tested (median |z| / 0.6745), when over 1 and from enough members
	zs := map[string][]float64{}
	for _, s := range g.stats {
		if s.tested && s.signal != "aht_down_repeats_up" {
			k := s.dim + "|" + s.signal + "|" + s.measure
			zs[k] = append(zs[k], math.Abs(s.raw))
			g.tests++
		}
	}
	for k, v := range zs {
		g.dispersion[k] = 1
		if len(v) >= minCount {
			sort.Float64s(v)
			med := v[len(v)/2]
			if len(v)%2 == 0 {
				med = (v[len(v)/2-1] + v[len(v)/2]) / 2
			}
			g.dispersion[k] = math.Max(1, med/0.6744897501960817)
		}
	}
	if g.tests > 0 {
		g.zq = normalQuantileUpper(alpha / float64(g.tests))
	}
	for _, s := range g.stats {
		if s.signal == "aht_down_repeats_up" && s.weeks > 2 {
			if _, ok := g.tq[s.weeks]; !ok {
				g.tq[s.weeks] = studentQuantile(conf, s.weeks-2)
			}
		}
	}
	t.Logf("gaming audit: %d member tests, %d p-value tests, threshold z %.3f", len(g.stats), g.tests, g.zq)
	a.gamingCache = g
	return g
}

// z is a test's statistic after the dispersion.
func (g *gamingAudit) z(s *gamingStat) float64 {
	return s.raw / g.dispersion[s.dim+"|"+s.signal+"|"+s.measure]
}

// flagged says whether a member's signal is flagged, and with what
// strength (the statistic in units of its threshold) and statistic.
func (g *gamingAudit) flagged(dim, member, signal string) (flag bool, strength, stat, threshold float64, s *gamingStat) {
	if signal == "aht_down_repeats_up" {
		strength = math.Inf(1)
		both := 0
		for _, x := range g.stats {
			if x.dim != dim || x.member != member || x.signal != signal || !x.tested {
				continue
			}
			tq := g.tq[x.weeks]
			if st := x.raw / tq; st < strength {
				strength, stat, threshold, s = st, x.raw, tq, x
			}
			if x.raw > tq {
				both++
			}
		}
		return both == 2, strength, stat, threshold, s
	}
	for _, x := range g.stats {
		if x.dim == dim && x.member == member && x.signal == signal {
			if !x.tested {
				return false, 0, 0, g.zq, x
			}
			z := g.z(x)
			return z > g.zq, z / g.zq, z, g.zq, x
		}
	}
	return false, 0, 0, 0, nil
}

// gamingFigure recomputes a gaming measure; handled is false for a
// measure of another kind.
func (a *auditor) gamingFigure(measure, arg string, sc reports.Scope) (v float64, ok, handled bool) {
	b, _, _, _, alpha, _ := a.gamingSettings()
	switch measure {
	case "gaming_alpha":
		return alpha, true, true
	case "gaming_band":
		return b, true, true
	case "gaming_repeat_days":
		return 7, true, true
	case "survey_rate_came_back", "survey_rate_not_back", "csat_came_back", "csat_not_back", "gaming_judged_contacts":
		return a.surveyFigure(measure, sc), true, true
	case "handle_bin_contacts", "handle_bin_share":
		return a.binFigure(measure, arg, sc)
	case "gaming_week_aht", "gaming_week_repeat_rate", "gaming_week_judged":
		return a.weekFigure(measure, sc)
	}
	if !strings.HasPrefix(measure, "gaming_") {
		return 0, false, false
	}
	g := a.gamingTests()
	switch measure {
	case "gaming_tests":
		return float64(g.tests), true, true
	case "gaming_tested_members":
		seen := map[string]bool{}
		for _, s := range g.stats {
			if s.dim == sc.Dim && s.tested {
				seen[s.member] = true
			}
		}
		return float64(len(seen)), true, true
	case "gaming_flagged_members", "gaming_flagged_any":
		seen := map[string]bool{}
		for _, s := range g.stats {
			if (measure == "gaming_flagged_any" || (s.dim == sc.Dim && s.signal == arg)) && !seen[s.dim+"|"+s.member+"|"+s.signal] {
				if f, _, _, _, _ := g.flagged(s.dim, s.member, s.signal); f {
					seen[s.dim+"|"+s.member+"|"+s.signal] = true
				}
			}
		}
		if measure == "gaming_flagged_any" {
			members := map[string]bool{}
			for k := range seen {
				members[k[:strings.LastIndex(k, "|")]] = true
			}
			return float64(len(members)), true, true
		}
		return float64(len(seen)), true, true
	case "gaming_handoff_under":
		v, ok := g.handoff[sc.Dim+"|"+sc.Member]
		return v, ok, true
	}
	if strings.HasPrefix(measure, "gaming_slope") || strings.HasPrefix(measure, "gaming_aht_fall") || strings.HasPrefix(measure, "gaming_repeat_rise") {
		return a.slopeFigure(g, measure, arg, sc)
	}
	flag, strength, stat, threshold, s := g.flagged(sc.Dim, sc.Member, arg)
	if s == nil {
		return 0, false, true
	}
	switch measure {
	case "gaming_strength":
		return strength, flag, true
	case "gaming_statistic":
		return stat, true, true
	case "gaming_threshold":
		return threshold, true, true
	case "gaming_value":
		return s.value, s.hasValue, true
	case "gaming_baseline":
		return s.baseline, s.hasBase, true
	case "gaming_contacts":
		if arg == "aht_down_repeats_up" {
			return a.teamJudged(sc.Member), true, true
		}
		return s.contacts, true, true
	}
	a.t.Fatalf("no definition of gaming measure %q", measure)
	return 0, false, true
}

// slopeFigure is a team's slope, its interval, its weekly mean or its
// judged contacts; the repeat rate's in points in the table, as a rate in
// sentences.
func (a *auditor) slopeFigure(g *gamingAudit, measure, arg string, sc reports.Scope) (float64, bool, bool) {
	get := func(m string) *gamingStat {
		for _, s := range g.stats {
			if s.dim == "team" && s.member == sc.Member && s.signal == "aht_down_repeats_up" && s.measure == m {
				return s
			}
		}
		return nil
	}
	switch measure {
	case "gaming_aht_fall", "gaming_aht_fall_lo", "gaming_aht_fall_hi":
		s := get("aht_slope")
		if s == nil {
			return 0, false, true
		}
		h := g.tq[s.weeks] * s.se
		return map[string]float64{"gaming_aht_fall": -s.slope, "gaming_aht_fall_lo": -s.slope - h, "gaming_aht_fall_hi": -s.slope + h}[measure], true, true
	case "gaming_repeat_rise", "gaming_repeat_rise_lo", "gaming_repeat_rise_hi":
		s := get("repeat_slope")
		if s == nil {
			return 0, false, true
		}
		h := g.tq[s.weeks] * s.se
		return map[string]float64{"gaming_repeat_rise": s.slope, "gaming_repeat_rise_lo": s.slope - h, "gaming_repeat_rise_hi": s.slope + h}[measure], true, true
	}
	s := get(arg)
	if s == nil {
		return 0, false, true
	}
	k := 1.0
	if arg == "repeat_slope" {
		k = 100 // points a week
	}
	h := g.tq[s.weeks] * s.se
	switch measure {
	case "gaming_slope":
		return s.slope * k, true, true
	case "gaming_slope_lo":
		return (s.slope - h) * k, true, true
	case "gaming_slope_hi":
		return (s.slope + h) * k, true, true
	case "gaming_slope_mean":
		return s.mean * k, true, true
	case "gaming_slope_contacts":
		return a.teamJudged(sc.Member), true, true
	}
	a.t.Fatalf("no definition of gaming measure %q", measure)
	return 0, false, true
}

// teamJudged is the judged contacts of the weeks a team's slopes are
// fitted to.
func (a *auditor) teamJudged(team string) float64 {
	_, _, _, weekContacts, _, _ := a.gamingSettings()
	var n float64
	a.scan(&n, fmt.Sprintf(`WITH base AS (SELECT * FROM %s),
		w AS (SELECT min(business_date) AS first_day, max(business_date) FILTER (WHERE repeat_within_7d IS NOT NULL) AS last_judged
			FROM base WHERE dim = 'agent' OR (dim = 'team' AND agent_id IS NULL))
		SELECT coalesce(sum(n), 0) FROM (
			SELECT count(repeat_within_7d) AS n FROM base, w
			WHERE dim = 'team' AND member = $1 AND date_trunc('week', business_date) >= w.first_day
				AND date_trunc('week', business_date) + INTERVAL 6 DAY <= w.last_judged
			GROUP BY date_trunc('week', business_date) HAVING count(repeat_within_7d) >= $2)`, gamingBase), team, weekContacts)
	return n
}

// surveyFigure: who got a survey answer (a CSAT score) among the judged
// contacts whose customer came back within 7 days and the others.
func (a *auditor) surveyFigure(measure string, sc reports.Scope) float64 {
	agg := map[string]string{
		"survey_rate_came_back":  "count(csat) FILTER (WHERE repeat_within_7d) / count(*) FILTER (WHERE repeat_within_7d)",
		"survey_rate_not_back":   "count(csat) FILTER (WHERE NOT repeat_within_7d) / count(*) FILTER (WHERE NOT repeat_within_7d)",
		"csat_came_back":         "avg(csat) FILTER (WHERE repeat_within_7d)",
		"csat_not_back":          "avg(csat) FILTER (WHERE NOT repeat_within_7d)",
		"gaming_judged_contacts": "count(*)",
	}[measure]
	where := "handle_seconds > 0 AND (agent_id IS NOT NULL OR team IS NOT NULL) AND repeat_within_7d IS NOT NULL"
	var args []any
	switch sc.Dim {
	case "agent":
		where += " AND agent_id = $1"
		args = append(args, sc.Member)
	case "team":
		where += " AND team = $1"
		args = append(args, sc.Member)
	}
	var v sql.NullFloat64
	a.scan(&v, "SELECT "+agg+" FROM af WHERE "+where, args...)
	return v.Float64
}

// binFigure: of a member's tested contacts with handle / target in the
// histogram's range [1 − 4b, 1 + 4b), those in the bin [lo, hi).
func (a *auditor) binFigure(measure, arg string, sc reports.Scope) (float64, bool, bool) {
	lo, hi, ok := strings.Cut(arg, "-")
	l, err1 := strconv.ParseFloat(lo, 64)
	h, err2 := strconv.ParseFloat(hi, 64)
	if !ok || err1 != nil || err2 != nil {
		a.t.Fatalf("bin %q: want lo-hi", arg)
	}
	b, _, _, _, _, _ := a.gamingSettings()
	who := map[string]string{"agent": "agent_id", "team": "team"}[sc.Dim]
	if who == "" {
		who = "'all'" // the centre: every tested contact
	}
	var n, all float64
	if err := a.db.QueryRow(fmt.Sprintf(`SELECT count(*) FILTER (WHERE x >= $1 AND x < $2), count(*) FILTER (WHERE x >= $3 AND x < $4)
		FROM (SELECT handle_seconds / nullif(target_handle_time_seconds, 0) AS x FROM af
			WHERE handle_seconds > 0 AND (agent_id IS NOT NULL OR team IS NOT NULL) AND %s = $5)`, who),
		l, h, 1-4*b, 1+4*b, cmp.Or(sc.Member, "all")).Scan(&n, &all); err != nil {
		a.t.Fatal(err)
	}
	if measure == "handle_bin_contacts" {
		return n, true, true
	}
	return n / all, all > 0, true
}

// weekFigure: a team's week, as the slopes read it: its AHT over the
// judged contacts, its 7-day repeat rate, its judged contacts.
func (a *auditor) weekFigure(measure string, sc reports.Scope) (float64, bool, bool) {
	agg := map[string]string{
		"gaming_week_aht":         "avg(handle_seconds) FILTER (WHERE repeat_within_7d IS NOT NULL)",
		"gaming_week_repeat_rate": "avg(CAST(repeat_within_7d AS DOUBLE))",
		"gaming_week_judged":      "count(repeat_within_7d)",
	}[measure]
	var v sql.NullFloat64
	a.scan(&v, "SELECT "+agg+" FROM af WHERE handle_seconds > 0 AND team = $1 AND "+period(sc.Period), sc.Member)
	return v.Float64, v.Valid, true
}

// normalQuantileUpper is the z with P(Z > z) = p, by bisection on erfc.
func normalQuantileUpper(p float64) float64 {
	lo, hi := -10.0, 40.0
	for range 200 {
		mid := (lo + hi) / 2
		if 0.5*math.Erfc(mid/math.Sqrt2) > p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// studentQuantile is the two-sided quantile of Student's t with df degrees
// of freedom at confidence conf: P(|T| < t) = conf, the density integrated
// by Simpson's rule and the quantile found by bisection.
func studentQuantile(conf, df float64) float64 {
	lg1, _ := math.Lgamma((df + 1) / 2)
	lg2, _ := math.Lgamma(df / 2)
	k := math.Exp(lg1-lg2) / math.Sqrt(df*math.Pi)
	pdf := func(x float64) float64 { return k * math.Pow(1+x*x/df, -(df+1)/2) }
	central := func(t float64) float64 { // P(|T| < t)
		const n = 4000
		h := t / n
		s := pdf(0) + pdf(t)
		for i := 1; i < n; i++ {
			w := 2.0
			if i%2 == 1 {
				w = 4
			}
			s += w * pdf(float64(i)*h)
		}
		return 2 * s * h / 3
	}
	lo, hi := 0.0, 50.0
	for range 100 {
		mid := (lo + hi) / 2
		if central(mid) < conf {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}
