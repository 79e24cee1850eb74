package job

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template"

	"github.com/mcnamara/mcnamara/internal/golden"
	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// The real data sets' figures in docs/datasets.md and the README are
// generated from the pipeline's own run by this test (templates in
// testdata/docs), each from a query written here from its definition: they
// cannot drift from the code. `go test -run TestDocs -update` rewrites them;
// without -update the test fails when the committed text differs.

// settledSQL is the glossary's settled contact: its repeat window closed
// before the end of the data (the last contact's start).
const settledSQL = "started_at + to_seconds({window}) <= (SELECT max(started_at) FROM contact_facts)"

// datasetFigures are the queries behind the figures, per data set. Each
// returns one value. {settled} is settledSQL, {window} the repeat window in
// seconds.
var datasetFigures = map[string]map[string]string{
	"anonymous-bank-1999": {
		"anonymous":          "SELECT count(*) FROM contact_facts WHERE person_id IS NULL",
		"anonymous_share":    "SELECT count(*) FILTER (WHERE person_id IS NULL) / count(*) FROM contact_facts",
		"customers":          "SELECT count(DISTINCT person_id) FROM contact_facts",
		"identified_calls":   "SELECT count(person_id) FROM contact_facts",
		"calls_per_customer": "SELECT count(person_id) / count(DISTINCT person_id) FROM contact_facts",
		"hang":               "SELECT count(*) FILTER (WHERE disposition = 'abandoned') FROM contact_facts",
		"hang_share":         "SELECT count(*) FILTER (WHERE disposition = 'abandoned') / count(*) FROM contact_facts",
		"aht":                "SELECT avg(handle_seconds) FILTER (WHERE disposition IS DISTINCT FROM 'abandoned') FROM contact_facts",
		"repeat_callers":     "SELECT count(DISTINCT person_id) FILTER (WHERE followed_by_repeat) FROM contact_facts",
		"repeat_callers_share": `SELECT count(DISTINCT person_id) FILTER (WHERE followed_by_repeat) / count(DISTINCT person_id)
			FROM contact_facts`,
		"hang_failed": `SELECT count(*) FILTER (WHERE outcome_failed) / count(outcome_failed) FROM contact_facts
			WHERE disposition = 'abandoned' AND {settled}`,
		"agent_gap_min": `SELECT min(g) FROM (SELECT count(*) FILTER (WHERE gap) / count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL) AS g
			FROM contact_facts WHERE agent_id IS NOT NULL AND {settled} GROUP BY agent_id)`,
		"agent_gap_max": `SELECT max(g) FROM (SELECT count(*) FILTER (WHERE gap) / count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL) AS g
			FROM contact_facts WHERE agent_id IS NOT NULL AND {settled} GROUP BY agent_id)`,
		"agents": "SELECT count(DISTINCT agent_id) FROM contact_facts",
		"rho":    "SELECT spearman_rho FROM kpi_outcome_correlation WHERE dimension = 'agent' AND kpi = 'handle_time_seconds'",
		"gap_NE": `SELECT count(*) FILTER (WHERE gap) / count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL)
			FROM contact_facts WHERE department LIKE '%(NE)' AND {settled}`,
		"gap_PS": `SELECT count(*) FILTER (WHERE gap) / count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL)
			FROM contact_facts WHERE department LIKE '%(PS)' AND {settled}`,
		"gap_TT": `SELECT count(*) FILTER (WHERE gap) / count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL)
			FROM contact_facts WHERE department LIKE '%(TT)' AND {settled}`,
		"top_dept":     topDept("department"),
		"top_dept_gap": topDept("g"),
		// gaming signals: which detectors the call log can feed, and what
		// they find
		"gaming_tests":         "SELECT count(p_value) FROM gaming_signals",
		"gaming_flags":         "SELECT count(DISTINCT (dimension, member, signal)) FILTER (WHERE flagged) FROM gaming_signals",
		"gaming_bunch_agents":  "SELECT count(statistic) FROM gaming_signals WHERE dimension = 'agent' AND measure = 'density_contrast'",
		"gaming_bunch_max_z":   "SELECT max(statistic) FROM gaming_signals WHERE measure = 'density_contrast'",
		"gaming_bunch_disp":    "SELECT max(dispersion) FROM gaming_signals WHERE dimension = 'agent' AND measure = 'density_contrast'",
		"gaming_padding_tests": "SELECT count(statistic) FROM gaming_signals WHERE signal IN ('hold_padding', 'transfer_padding')",
		"gaming_slope_teams":   "SELECT count(statistic) FROM gaming_signals WHERE measure = 'aht_slope'",
		"gaming_survey_tests":  "SELECT count(statistic) FROM gaming_signals WHERE measure = 'came_back_survey_share'",
	},
	"cfpb-complaints-disputes": {
		"companies": "SELECT n FROM kpi_outcome_correlation WHERE dimension = 'agent' AND kpi = 'sla_met_ratio'",
		// the id-less extract's complaints of 2013 equal to a kgtdbx one on
		// every mapped field
		"idless_2013": "SELECT count(*) FROM contacts WHERE _source_file LIKE '%nobieyi00%' AND year(started_at) = 2013",
		"idless_2013_dup": `SELECT count(*) FROM contacts a WHERE a._source_file LIKE '%nobieyi00%' AND year(a.started_at) = 2013
			AND EXISTS (SELECT 1 FROM contacts b WHERE b._source_file LIKE '%kgtdbx%'
				AND (a.channel, a.department, a.agent_id, a.team, a.topic, a.started_at, a.sla_met, a.disposition)
					IS NOT DISTINCT FROM (b.channel, b.department, b.agent_id, b.team, b.topic, b.started_at, b.sla_met, b.disposition))`,
		"disputes":        "SELECT count(*) FROM outcomes WHERE kind = 'dispute'",
		"untimely":        "SELECT count(*) FILTER (WHERE NOT sla_met) FROM contacts",
		"rho":             "SELECT spearman_rho FROM kpi_outcome_correlation WHERE dimension = 'agent' AND kpi = 'sla_met_ratio'",
		"not_judged":      "SELECT count(*) FILTER (WHERE outcome_failed IS NULL) FROM contact_facts",
		"not_judged_2017": `SELECT count(*) FILTER (WHERE outcome_failed IS NULL AND year(business_date) = 2017) FROM contact_facts`,
		"complaints_2017": "SELECT count(*) FILTER (WHERE year(business_date) = 2017) FROM contact_facts",
		"big_low_name":    bigCompany("agent_id", "ASC"),
		"big_low":         bigCompany("gap_rate", "ASC"),
		"big_high_name":   bigCompany("agent_id", "DESC"),
		"big_high":        bigCompany("gap_rate", "DESC"),
		"top_issues":      `SELECT string_agg('“' || topic || '”', ', ' ORDER BY g DESC, topic) FROM (` + topIssues + `)`,
		"top_issues_low":  `SELECT min(g) FROM (` + topIssues + `)`,
		"top_issues_high": `SELECT max(g) FROM (` + topIssues + `)`,
		"web_disputed":    `SELECT count(*) FILTER (WHERE outcome_failed) / count(outcome_failed) FROM contact_facts WHERE channel = 'web'`,
		"phone_disputed":  `SELECT count(*) FILTER (WHERE outcome_failed) / count(outcome_failed) FROM contact_facts WHERE channel = 'phone'`,
	},
	"servicenow-incident-log": {
		"reopened_incidents": "SELECT count(DISTINCT case_id) FROM outcomes WHERE kind = 'reopened'",
		"reopenings":         "SELECT count(*) FROM outcomes WHERE kind = 'reopened'",
		"made_sla":           "SELECT count(*) FILTER (WHERE sla_met) FROM contact_facts",
		"made_sla_share":     "SELECT count(*) FILTER (WHERE sla_met) / count(*) FROM contact_facts",
		"reassigned":         "SELECT count(*) FILTER (WHERE reassignments > 0) FROM contact_facts",
		"reassigned_share":   "SELECT count(*) FILTER (WHERE reassignments > 0) / count(*) FROM contact_facts",
		"callers":            "SELECT count(DISTINCT person_id) FROM contact_facts",
		"journeys":           "SELECT count(*) FROM journeys",
		"multi_journeys":     "SELECT count(*) FILTER (WHERE contacts > 1) FROM journeys",
		"reopened_sla":       "SELECT count(*) FILTER (WHERE sla_met) FROM contact_facts WHERE case_id IN (SELECT case_id FROM outcomes WHERE kind = 'reopened')",
		"reassigned_failed": `SELECT count(*) FILTER (WHERE outcome_failed) / count(outcome_failed) FROM contact_facts
			WHERE reassignments > 0 AND {settled}`,
		"other_failed": `SELECT count(*) FILTER (WHERE outcome_failed) / count(outcome_failed) FROM contact_facts
			WHERE reassignments = 0 AND {settled}`,
		"open_share": "SELECT count(*) FILTER (WHERE window_open) / count(*) FROM contact_facts",
	},
}

// topDept is the name or gap rate of the department (call type) with the
// highest settled gap rate.
func topDept(col string) string {
	return `SELECT ` + col + ` FROM (SELECT department,
			count(*) FILTER (WHERE gap) / count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL) AS g
		FROM contact_facts WHERE {settled} GROUP BY department
		HAVING count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL) > 0)
		ORDER BY g DESC, department LIMIT 1`
}

// bigCompany is the name or gap rate of the company with the lowest (ASC)
// or highest (DESC) settled gap rate among those with 100 complaints or
// more.
func bigCompany(col, order string) string {
	return `SELECT ` + col + ` FROM (SELECT agent_id,
			count(*) FILTER (WHERE gap) / count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL) AS gap_rate
		FROM contact_facts WHERE {settled} GROUP BY agent_id HAVING count(*) >= 100)
		ORDER BY gap_rate ` + order + `, agent_id LIMIT 1`
}

// topIssues are the three issues (topics) of 150 complaints or more with
// the highest settled gap rates.
const topIssues = `SELECT topic, count(*) FILTER (WHERE gap) / count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL) AS g
	FROM contact_facts WHERE {settled} GROUP BY topic HAVING count(*) >= 150 ORDER BY g DESC, topic LIMIT 3`

// commonFigures hold for every data set: the headline of the gap, over the
// settled contacts, as the report's whole period.
var commonFigures = map[string]string{
	"contacts":         "SELECT count(*) FROM contact_facts",
	"settled_contacts": "SELECT count(*) FILTER (WHERE {settled}) FROM contact_facts",
	"judged":           "SELECT count(outcome_failed) FILTER (WHERE {settled}) FROM contact_facts",
	"claimed":          "SELECT count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL AND {settled}) FROM contact_facts",
	"claimed_rate": `SELECT count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL AND {settled})
		/ count(outcome_failed) FILTER (WHERE {settled}) FROM contact_facts`,
	"failed_rate": `SELECT count(*) FILTER (WHERE outcome_failed AND {settled}) / count(outcome_failed) FILTER (WHERE {settled})
		FROM contact_facts`,
	"gap":      "SELECT count(*) FILTER (WHERE gap AND {settled}) FROM contact_facts",
	"gap_rate": `SELECT count(*) FILTER (WHERE gap AND {settled}) / count(*) FILTER (WHERE claimed_success AND outcome_failed IS NOT NULL AND {settled}) FROM contact_facts`,
	// failure demand over identified customers' contacts (all of them)
	"failure_demand": "SELECT count(*) FILTER (WHERE seq_in_journey > 1) / count(person_id) FROM contact_facts",
	"open":           "SELECT count(*) FILTER (WHERE window_open) FROM contact_facts",
	"window_days":    "SELECT repeat_window_days FROM coverage",
	"settled_through": `SELECT strftime(timezone((SELECT time_zone FROM coverage), max(started_at) - to_seconds({window})), '%-d %b %Y %H:%M')
		FROM contact_facts`,
	"last_day": "SELECT strftime(timezone((SELECT time_zone FROM coverage), max(started_at)), '%-d %B') FROM contact_facts",
	// the FCR ladder, from the glossary: a contact of an identified
	// customer is repeated at W days when the same person's next contact
	// (any journey) starts within W days of its start; judged only once
	// its W days have run before the end of the data
	"fcr1_judged":   fcrSQL(1, "count(*)"),
	"fcr1_measured": fcrSQL(1, "1 - count(*) FILTER (WHERE next_at <= started_at + to_seconds(86400)) / count(*)"),
	"fcr1_claimed":  fcrSQL(1, "count(*) FILTER (WHERE claimed) / count(*)"),
	"fcr7_judged":   fcrSQL(7, "count(*)"),
	"fcr7_measured": fcrSQL(7, "1 - count(*) FILTER (WHERE next_at <= started_at + to_seconds(7 * 86400)) / count(*)"),
	"fcr7_claimed":  fcrSQL(7, "count(*) FILTER (WHERE claimed) / count(*)"),
	// the cost of the gap: handle time of the contacts that followed a
	// claimed success in their journey, in agent hours
	"gap_hours": `SELECT coalesce(sum(handle_seconds) FILTER (WHERE first_claimed < seq_in_journey), 0) / 3600 FROM (
		SELECT handle_seconds, seq_in_journey,
			min(seq_in_journey) FILTER (WHERE claimed_success) OVER (PARTITION BY journey_id) AS first_claimed
		FROM contact_facts WHERE journey_id IS NOT NULL)`,
	"agent_hours": "SELECT coalesce(sum(handle_seconds), 0) / 3600 FROM contact_facts",
}

// fcrSQL is agg over the contacts of identified customers whose w days
// have run before the end of the data (the last contact's start), each
// with next_at, the start of the same person's next contact, and claimed,
// whether the organisation marked it resolved (its disposition, or its
// SLA verdict where it has none).
func fcrSQL(w int, agg string) string {
	return fmt.Sprintf(`SELECT %s FROM (
		SELECT started_at, coalesce(disposition = 'resolved', sla_met, false) AS claimed,
			lead(started_at) OVER (PARTITION BY person_id ORDER BY started_at, hash(source_system, contact_id)) AS next_at
		FROM contact_facts WHERE person_id IS NOT NULL)
	WHERE started_at + to_seconds(%d) <= (SELECT max(started_at) FROM contact_facts)`, agg, w*86400)
}

type docFigures map[string]any

// figures runs the data set's queries.
func (r *datasetRun) figures(t *testing.T, defs ...map[string]string) docFigures {
	t.Helper()
	window := strconv.FormatFloat(r.cfg.Build.RepeatWindowDays*86400, 'f', -1, 64)
	fill := strings.NewReplacer("{settled}", strings.ReplaceAll(settledSQL, "{window}", window), "{window}", window)
	out := docFigures{}
	for _, d := range defs {
		for name, q := range d {
			q = fill.Replace(q)
			var v any
			if err := r.db.QueryRow(q).Scan(&v); err != nil {
				t.Fatalf("figure %s: %v\n%s", name, err, q)
			}
			out[name] = v
		}
	}
	return out
}

// withWindow is the data set's settled gap rate had the marts been built
// with another repeat window (into a scratch directory).
func (r *datasetRun) withWindow(t *testing.T, days float64) float64 {
	t.Helper()
	o, err := Job{Config: r.cfg}.BuildOptions()
	if err != nil {
		t.Fatal(err)
	}
	o.RepeatWindowDays = days
	dir := t.TempDir()
	if _, err := build.Build(context.Background(), r.db, dir, o); err != nil {
		t.Fatal(err)
	}
	var g float64
	q := fmt.Sprintf("SELECT gap_ratio FROM read_parquet(%s) WHERE dimension = 'all' AND grain = 'settled'",
		duck.Quote(filepath.Join(dir, "marts", "gap.parquet")))
	if err := r.db.QueryRow(q).Scan(&g); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestDocs renders docs/datasets.md and the README's real-data lines from
// the data sets' runs.
func TestDocs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every real data set (-short)")
	}
	figs := map[string]docFigures{}
	for _, d := range Datasets {
		r := runDataset(t, d.Name)
		figs[d.Name] = r.figures(t, commonFigures, datasetFigures[d.Name])
		fg := figs[d.Name]
		switch d.Name {
		case "anonymous-bank-1999":
			in := r.input(t, "anonymous_bank_1999", "data_anonymous_bank_february.txt")
			fg["read"], fg["loaded"], fg["rejected"] = in.RowsRead, in.RowsLoaded, in.RowsRejected
			fg["gap_rate_3d"] = r.withWindow(t, 3)
			fg["gap_rate_7d"] = r.withWindow(t, 7)
		case "servicenow-incident-log":
			raw := readRaw(t, filepath.Join(r.d.Path(sharedForTest(t)), serviceNowFile), ',')
			in := r.input(t, "servicenow_incidents", serviceNowFile)
			fg["read"], fg["loaded"], fg["rejected"] = int64(len(raw.rows)), in.RowsLoaded, in.RowsRejected
		case "cfpb-complaints-disputes":
			var read, rejected int64
			for _, f := range cfpbFiles {
				in := r.input(t, "cfpb_complaints", f)
				read, rejected = read+in.RowsRead, rejected+in.RowsRejected
			}
			fg["read"], fg["rejected"] = read, rejected
			for _, f := range cfpbFiles {
				in := r.input(t, "cfpb_complaints", f)
				din := r.input(t, "cfpb_disputes", f)
				key := strings.SplitN(strings.TrimPrefix(f, "cfpb_"), "_", 2)[0]
				figs[d.Name]["read_"+key], figs[d.Name]["rejected_"+key] = in.RowsRead, in.RowsRejected
				figs[d.Name]["disputes_"+key] = din.RowsLoaded
				var untimely int64
				if err := r.db.QueryRow("SELECT count(*) FROM contacts WHERE NOT sla_met AND _source_file LIKE '%/' || ?", f).Scan(&untimely); err != nil {
					t.Fatal(err)
				}
				figs[d.Name]["untimely_"+key] = untimely
			}
		}
	}
	render := func(tmpl string) string {
		t.Helper()
		get := func(ds, name string) any {
			v, ok := figs[ds][name]
			if !ok {
				t.Fatalf("%s: no figure %s.%s", tmpl, ds, name)
			}
			return v
		}
		num := func(ds, name string) float64 {
			switch v := get(ds, name).(type) {
			case float64:
				return v
			case int64:
				return float64(v)
			case int32:
				return float64(v)
			case nil:
				t.Fatalf("%s: figure %s.%s is NULL", tmpl, ds, name)
			}
			f, err := strconv.ParseFloat(fmt.Sprint(get(ds, name)), 64)
			if err != nil {
				t.Fatalf("%s: figure %s.%s = %v is not a number", tmpl, ds, name, get(ds, name))
			}
			return f
		}
		tp := template.Must(template.New(filepath.Base(tmpl)).Funcs(template.FuncMap{
			"n":  func(ds, name string) string { return count64(int64(math.Round(num(ds, name)))) },
			"p0": func(ds, name string) string { return strconv.FormatFloat(num(ds, name)*100, 'f', 0, 64) + "%" },
			"p1": func(ds, name string) string { return strconv.FormatFloat(num(ds, name)*100, 'f', 1, 64) + "%" },
			"d1": func(ds, name string) string { return strconv.FormatFloat(num(ds, name), 'f', 1, 64) },
			"d0": func(ds, name string) string { return strconv.FormatFloat(num(ds, name), 'f', 0, 64) },
			"r2": func(ds, name string) string {
				return strings.Replace(strconv.FormatFloat(num(ds, name), 'f', 2, 64), "-", "−", 1)
			},
			"s": func(ds, name string) string { return fmt.Sprint(get(ds, name)) },
			"v": num,
		}).ParseFiles(filepath.Join("testdata", "docs", tmpl)))
		var b bytes.Buffer
		if err := tp.Execute(&b, nil); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	golden.Check(t, filepath.Join("..", "docs", "datasets.md"), render("datasets.md.tmpl"))

	// The README's block between the markers.
	readme := filepath.Join("..", "README.md")
	b, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- datasets:begin (generated by TestDocs) -->\n", "<!-- datasets:end -->"
	i, j := bytes.Index(b, []byte(begin)), bytes.Index(b, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the generated block's markers %q … %q", begin, end)
	}
	golden.Check(t, readme, string(b[:i+len(begin)])+render("readme.md.tmpl")+string(b[j:]))
}

func count64(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
