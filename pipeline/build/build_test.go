package build_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/internal/golden"
	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// basicOptions are the options the basic fixture was worked out with.
func basicOptions(t testing.TB) build.Options {
	t.Helper()
	cat, err := metrics.New(metrics.Config{Targets: map[string]metrics.TargetSpec{
		"handle_time_seconds": {
			Department: map[string]float64{"Billing": 420},
			Team:       map[string]float64{"Billing B": 360},
			Channel:    map[string]float64{"chat": 600},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	o := build.DefaultOptions()
	o.TimeZone = "Europe/Berlin"
	o.Catalog = cat
	return o
}

// runFixture builds the fixture in dir and returns the lake directory.
func runFixture(t testing.TB, dir string, o build.Options) (*sql.DB, string) {
	t.Helper()
	db := openDB(t)
	attachFixture(t, db, dir)
	lakeDir := t.TempDir()
	if _, err := build.Build(context.Background(), db, lakeDir, o); err != nil {
		t.Fatal(err)
	}
	return db, lakeDir
}

// rows reads a query's result as strings (NULL = ""), floats with 10
// significant digits, instants in RFC 3339 UTC.
func rows(t testing.TB, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	r, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer r.Close()
	cols, _ := r.Columns()
	out := [][]string{cols}
	for r.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		rec := make([]string, len(cols))
		for i, v := range vals {
			rec[i] = format(v)
		}
		out = append(out, rec)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func format(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'g', 10, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', 10, 32)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 && x.Location() == time.UTC {
			return x.Format(time.RFC3339)
		}
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

func mart(lakeDir, name string) string {
	return duck.Quote(lake.MartPattern(lakeDir, name))
}

func readCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// TestBasicContacts compares contact_facts with the per-contact verdicts
// worked out by hand in testdata/basic/expect_contacts.csv.
func TestBasicContacts(t *testing.T) {
	db, lakeDir := runFixture(t, "testdata/basic", basicOptions(t))
	want := readCSV(t, "testdata/basic/expect_contacts.csv")
	cols := strings.Join(want[0], ", ")
	got := rows(t, db, fmt.Sprintf("SELECT %s FROM read_parquet(%s)", strings.Replace(cols, "seq,", "seq_in_journey AS seq,", 1), mart(lakeDir, "contact_facts")))
	sortRows := func(r [][]string) [][]string {
		body := slices.Clone(r[1:])
		slices.SortFunc(body, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
		return append([][]string{r[0]}, body...)
	}
	if diff := cmp.Diff(sortRows(want), sortRows(got)); diff != "" {
		t.Errorf("contact_facts differs from the hand-worked verdicts (-want +got):\n%s", diff)
	}
}

// TestBasicFacts checks the edge cases of the basic fixture one by one.
func TestBasicFacts(t *testing.T) {
	db, lakeDir := runFixture(t, "testdata/basic", basicOptions(t))
	q := func(format string, marts ...string) string {
		args := make([]any, len(marts))
		for i, m := range marts {
			args[i] = mart(lakeDir, m)
		}
		got := rows(t, db, fmt.Sprintf(format, args...))
		var lines []string
		for _, r := range got[1:] {
			lines = append(lines, strings.Join(r, ","))
		}
		return strings.Join(lines, "\n")
	}
	tests := []struct {
		name, query string
		marts       []string
		want        string
	}{
		{"targets: team > department > channel > default",
			`SELECT contact_id, target_handle_time_seconds, met_handle_time_seconds FROM read_parquet(%s)
			 WHERE contact_id IN ('h10', 'h11', 'h1', 'c1', 'c60') ORDER BY contact_id`, []string{"contact_facts"},
			"c1,300,true\nc60,300,\nh1,600,true\nh10,360,false\nh11,420,false"},
		{"channel default target for wait (store)",
			`SELECT contact_id, target_wait_time_seconds, met_wait_time_seconds FROM read_parquet(%s) WHERE contact_id IN ('s1', 'c2') ORDER BY 1`,
			[]string{"contact_facts"}, "c2,60,false\ns1,600,true"},
		{"csat: the contact's own score wins over its survey; unsurveyed is not measured",
			`SELECT contact_id, csat, met_csat_score, nps FROM read_parquet(%s) WHERE contact_id IN ('c3', 'h1', 'c21', 'c1') ORDER BY 1`,
			[]string{"contact_facts"}, "c1,,,\nc21,4,true,9\nc3,5,true,0\nh1,2,false,3"},
		{"abandoned: never claimed, not in AHT, its wait still counts",
			`SELECT contact_id, handle_time_seconds, met_wait_time_seconds, claimed_resolution, claimed_success FROM read_parquet(%s) WHERE contact_id = 'c60'`,
			[]string{"contact_facts"}, "c60,,false,false,false"},
		{"no disposition: the SLA verdict decides the claim",
			`SELECT contact_id, claimed_resolution, claimed_success FROM read_parquet(%s) WHERE contact_id IN ('c61', 'c70', 'w1') ORDER BY 1`,
			[]string{"contact_facts"}, "c61,true,true\nc70,false,false\nw1,false,false"},
		{"business dates and periods in the business time zone",
			`SELECT contact_id, business_date FROM read_parquet(%s) WHERE contact_id IN ('c90', 'c91') ORDER BY 1`,
			[]string{"contact_facts"}, "c90,2024-01-08T00:00:00Z\nc91,2024-02-01T00:00:00Z"},
		{"week of a Sunday-night UTC contact is the Berlin Monday's",
			`SELECT period_start, contacts FROM read_parquet(%s) WHERE dimension = 'agent' AND member = 'a7' AND grain = 'week' ORDER BY 1`,
			[]string{"gap"}, "2024-01-08T00:00:00Z,1\n2024-01-29T00:00:00Z,1"},
		{"month of a 31 Jan 23:30 UTC contact is February in Berlin",
			`SELECT period_start, contacts FROM read_parquet(%s) WHERE dimension = 'agent' AND member = 'a3' AND grain = 'month' ORDER BY 1`,
			[]string{"gap"}, "2024-01-01T00:00:00Z,1\n2024-02-01T00:00:00Z,2"},
		{"gap totals worked out by hand",
			`SELECT contacts, claimed_success_ratio * 22, outcome_failed_ratio * 22, gap_contacts, gap_ratio * 13,
			        claimed_resolution_contacts, verified_resolution_ratio * 22, failure_demand_ratio * 23,
			        handle_time_seconds * 23, target_handle_time_seconds * 23
			 FROM read_parquet(%s) WHERE dimension = 'all' AND grain = 'total'`,
			[]string{"gap"}, "25,13,12,7,7,17,10,9,5410,8100"},
		{"gap counts beside the rates, worked out by hand",
			`SELECT judged_contacts, claimed_success_contacts, outcome_failed_contacts, gap_contacts,
			        claimed_resolution_contacts, verified_resolution_contacts, journeyed_contacts, repeat_contacts,
			        handle_time_seconds_contacts, csat_score_contacts
			 FROM read_parquet(%s) WHERE dimension = 'all' AND grain = 'total'`,
			[]string{"gap"}, "22,13,12,7,17,10,23,9,23,3"},
		// The data end 20 Feb 12:00 UTC: a contact is settled when its 7-day
		// window has closed by then, i.e. it started by 13 Feb 12:00 UTC.
		// Three did not: c40 (15 Feb), c50 (18 Feb) and the last (20 Feb).
		// A week is settled when all its contacts are.
		{"settled: the repeat window of every contact of the row closed before the end of data",
			`SELECT grain, period_start, settled, contacts FROM read_parquet(%s)
			 WHERE dimension = 'all' AND (grain <> 'week' OR period_start >= '2024-02-05') ORDER BY grain, period_start`,
			[]string{"gap"}, "month,2024-01-01T00:00:00Z,true,19\nmonth,2024-02-01T00:00:00Z,false,6\nsettled,,true,22\ntotal,,false,25\n" +
				"week,2024-02-05T00:00:00Z,true,1\nweek,2024-02-12T00:00:00Z,false,2\nweek,2024-02-19T00:00:00Z,false,1"},
		{"missing members are '(none)'",
			`SELECT member, contacts FROM read_parquet(%s) WHERE dimension = 'department' AND grain = 'total' ORDER BY 1`,
			[]string{"gap"}, "(none),2\nBilling,8\nRetail,2\nSupport,13"},
		{"the warranty journey's customer scorecard",
			`SELECT journey_id, person_id, contacts, calls, chats, visits, wait_seconds, handle_seconds, travel_seconds,
			        round(customer_hours, 4), hops, loops, round(journey_days, 4), days_to_resolution,
			        complaint, refund, outcome, gap_contacts, claimed_success_contacts
			 FROM read_parquet(%s) WHERE journey_id = 'acd:c1'`,
			[]string{"journeys"}, "acd:c1,P1,6,3,1,2,550,1850,3600,1.6667,5,3,17.0013,,true,true,failed,3,3"},
		{"case journey: spans 22 days, its dispute attaches by case, the next contact makes it fail",
			`SELECT journey_id, case_id, contacts, dispute, came_back, verified_resolved, outcome FROM read_parquet(%s)
			 WHERE person_id = 'P4' ORDER BY 1`,
			[]string{"journeys"}, "acd:c30,K-1,2,true,true,false,failed\nacd:c32,,1,false,false,true,resolved"},
		{"censoring: open with one contact; a complaint closes an open window",
			`SELECT journey_id, window_open, outcome_failed, outcome FROM read_parquet(%s) WHERE journey_id IN ('acd:c40', 'acd:c50') ORDER BY 1`,
			[]string{"journeys"}, "acd:c40,true,,open\nacd:c50,false,true,failed"},
		{"measured resolution: days to resolution is to the end of the last contact",
			`SELECT journey_id, resolution_basis, verified_resolved, round(days_to_resolution * 86400) FROM read_parquet(%s)
			 WHERE journey_id IN ('acd:c20', 'acd:c10') ORDER BY 1`,
			[]string{"journeys"}, "acd:c10,measured,true,440\nacd:c20,measured,true,604930"},
		{"coverage counts",
			`SELECT contacts, anonymous_contacts, open_contacts, judged_contacts, persons, journeys, open_journeys,
			        outcomes, outcomes_attached, outcomes_unattached, data_end, repeat_window_days, outcome_horizon_days, time_zone, scorecard
			 FROM read_parquet(%s)`,
			[]string{"coverage"}, "25,2,1,22,12,14,1,7,4,3,2024-02-20T12:00:00Z,7,90,Europe/Berlin,handle_time_seconds,wait_time_seconds,csat_score"},
		{"flows: step-indexed nodes, loops visible, every journey ends in an outcome",
			`SELECT from_node, to_node, journeys, loop_journeys FROM read_parquet(%s) WHERE from_node LIKE '%%store%%' OR to_node LIKE '%%store%%' ORDER BY step, 1, 2`,
			[]string{"journey_flows"}, "Support·phone #1,Retail·store #2,1,0\nRetail·store #2,Support·phone #3,1,1\nSupport·phone #3,Retail·store #4,1,1\nRetail·store #4,Support·chat #5,1,0"},
		{"flows end nodes",
			`SELECT to_node, sum(journeys) FROM read_parquet(%s) WHERE to_node LIKE 'outcome·%%' GROUP BY 1 ORDER BY 1`,
			[]string{"journey_flows"}, "outcome·failed,5\noutcome·open,1\noutcome·resolved,8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := q(tt.query, tt.marts...); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestEvents covers resolution events, the per-system choice of basis, the
// forced bases and as_of.
func TestEvents(t *testing.T) {
	base := build.DefaultOptions()
	measured := base
	measured.Resolution = "measured"
	asOf := base
	asOf.AsOf = time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		o    build.Options
		want string // journey_id,resolution_basis,window_open,verified_resolved,outcome,days_to_resolution,gap_contacts
	}{
		{"auto", base, strings.Join([]string{
			"acd:a1,measured,false,true,resolved,0.001388888889,0",
			"itsm:i1,event,false,true,resolved,2,0",
			"itsm:i2,event,false,false,failed,,1",
			"itsm:i4,event,true,,open,,0",
			"itsm:i5,event,false,true,failed,,1", // resolved, then reopened: no resolution time
		}, "\n")},
		{"measured", measured, strings.Join([]string{
			"acd:a1,measured,false,true,resolved,0.001388888889,0",
			"itsm:i1,measured,false,true,resolved,0.001273148148,0",
			"itsm:i2,measured,false,true,resolved,0.001273148148,0",
			"itsm:i4,measured,true,,open,,0",
			"itsm:i5,measured,false,false,failed,,1",
		}, "\n")},
		{"as_of", asOf, strings.Join([]string{
			"acd:a1,measured,true,,open,,0",
			"itsm:i1,event,true,,open,,0",
			"itsm:i2,event,true,,open,,0",
		}, "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, lakeDir := runFixture(t, "testdata/events", tt.o)
			got := rows(t, db, fmt.Sprintf(`SELECT journey_id, resolution_basis, window_open, verified_resolved, outcome,
				days_to_resolution, gap_contacts FROM read_parquet(%s) ORDER BY 1`, mart(lakeDir, "journeys")))
			var lines []string
			for _, r := range got[1:] {
				lines = append(lines, strings.Join(r, ","))
			}
			if g := strings.Join(lines, "\n"); g != tt.want {
				t.Errorf("journeys:\n%s\nwant\n%s", g, tt.want)
			}
		})
	}
}

// TestGolden keeps every mart of every fixture as a golden CSV.
func TestGolden(t *testing.T) {
	fixtures := map[string]build.Options{
		"basic":  basicOptions(t),
		"events": build.DefaultOptions(),
		"empty":  build.DefaultOptions(),
	}
	for name, o := range fixtures {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			db, lakeDir := runFixture(t, dir, o)
			// The marts' column types are the analysts' interface too
			// (schema.txt): a count must not turn DOUBLE unnoticed.
			var schema bytes.Buffer
			for _, m := range build.Marts {
				var buf bytes.Buffer
				_ = csv.NewWriter(&buf).WriteAll(rows(t, db, fmt.Sprintf("SELECT * FROM read_parquet(%s) ORDER BY ALL", mart(lakeDir, m.Name))))
				golden.Check(t, filepath.Join(dir, "golden", m.Name+".csv"), buf.Bytes())
				for _, r := range rows(t, db, fmt.Sprintf("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(%s))", mart(lakeDir, m.Name)))[1:] { // [0] is the header
					fmt.Fprintf(&schema, "%s.%s %s\n", m.Name, r[0], r[1])
				}
			}
			golden.Check(t, filepath.Join(dir, "golden", "schema.txt"), schema.Bytes())
		})
	}
}

// TestCorrelation recomputes the Spearman correlations of the basic
// fixture in Go from contact_facts (over the settled contacts) and compares
// them with the mart.
func TestCorrelation(t *testing.T) {
	o := basicOptions(t)
	db, lakeDir := runFixture(t, "testdata/basic", o)
	got := rows(t, db, fmt.Sprintf("SELECT dimension, kpi, n, spearman_rho FROM read_parquet(%s)", mart(lakeDir, "kpi_outcome_correlation")))
	facts := fmt.Sprintf("read_parquet(%s)", mart(lakeDir, "contact_facts"))
	type key struct{ dim, kpi string }
	mart := map[key][]string{}
	for _, r := range got[1:] {
		mart[key{r[0], r[1]}] = r[2:]
	}
	kpis := []string{"claimed_success"}
	for _, m := range o.Catalog.KPIs() {
		kpis = append(kpis, m.Name)
	}
	checked := 0
	for _, dim := range []struct{ name, col string }{{"agent", "agent_id"}, {"team", "team"}} {
		for _, kpi := range kpis {
			flag := "met_" + kpi
			if kpi == "claimed_success" {
				flag = kpi
			}
			// Settled contacts only: the data end 20 Feb 12:00 UTC, so those
			// that started by 13 Feb 12:00 UTC (7 days before).
			per := rows(t, db, fmt.Sprintf(`SELECT avg(CAST(%s AS DOUBLE)), avg(CAST(outcome_failed AS DOUBLE))
				FROM %s WHERE %s IS NOT NULL AND started_at <= TIMESTAMPTZ '2024-02-13 12:00:00+00'
				GROUP BY %s`, flag, facts, dim.col, dim.col))
			var xs, ys []float64
			for _, r := range per[1:] {
				if r[0] == "" || r[1] == "" {
					continue
				}
				x, _ := strconv.ParseFloat(r[0], 64)
				y, _ := strconv.ParseFloat(r[1], 64)
				xs, ys = append(xs, x), append(ys, y)
			}
			m, ok := mart[key{dim.name, kpi}]
			if !ok {
				t.Errorf("%s/%s: missing from kpi_outcome_correlation", dim.name, kpi)
				continue
			}
			if m[0] != strconv.Itoa(len(xs)) {
				t.Errorf("%s/%s: n = %s, want %d", dim.name, kpi, m[0], len(xs))
			}
			rho, ok := spearman(xs, ys)
			switch {
			case !ok && m[1] != "":
				t.Errorf("%s/%s: rho = %s, want NULL", dim.name, kpi, m[1])
			case ok:
				g, err := strconv.ParseFloat(m[1], 64)
				if err != nil || math.Abs(g-rho) > 1e-9 {
					t.Errorf("%s/%s: rho = %s, want %.10g", dim.name, kpi, m[1], rho)
				}
				checked++
			}
		}
	}
	if checked < 3 {
		t.Errorf("only %d correlations were defined; the fixture should exercise more", checked)
	}
}

// spearman is the textbook definition: Pearson correlation of average ranks.
func spearman(x, y []float64) (float64, bool) {
	if len(x) < 3 {
		return 0, false
	}
	rx, ry := ranks(x), ranks(y)
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= float64(len(rx))
	my /= float64(len(ry))
	var sxy, sxx, syy float64
	for i := range rx {
		sxy += (rx[i] - mx) * (ry[i] - my)
		sxx += (rx[i] - mx) * (rx[i] - mx)
		syy += (ry[i] - my) * (ry[i] - my)
	}
	if sxx == 0 || syy == 0 {
		return 0, false
	}
	return sxy / math.Sqrt(sxx*syy), true
}

func ranks(v []float64) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		less, equal := 0, 0
		for j := range v {
			switch {
			case v[j] < v[i]:
				less++
			case v[j] == v[i]:
				equal++
			}
		}
		out[i] = float64(less) + float64(equal+1)/2
	}
	return out
}

func TestSpearmanReference(t *testing.T) {
	// 1 - 6·Σd²/(n(n²-1)) with d = (0, 1, 1, 0): 1 - 12/60.
	if rho, _ := spearman([]float64{1, 2, 3, 4}, []float64{10, 30, 20, 40}); math.Abs(rho-0.8) > 1e-12 {
		t.Errorf("rho = %v, want 0.8", rho)
	}
	if got := ranks([]float64{5, 1, 5, 3}); !slices.Equal(got, []float64{3.5, 1, 3.5, 2}) {
		t.Errorf("ranks with ties = %v", got)
	}
}

// TestTargetsMatchCatalog: the SQL target lookup (01_targets.sql) gives,
// for every contact, the target the Go catalog resolves.
func TestTargetsMatchCatalog(t *testing.T) {
	o := basicOptions(t)
	db, lakeDir := runFixture(t, "testdata/basic", o)
	var cols []string
	for _, m := range o.Catalog.KPIs() {
		cols = append(cols, "target_"+m.Name)
	}
	got := rows(t, db, fmt.Sprintf("SELECT contact_id, team, department, channel, %s FROM read_parquet(%s)",
		strings.Join(cols, ", "), mart(lakeDir, "contact_facts")))
	for _, r := range got[1:] {
		for i, m := range o.Catalog.KPIs() {
			want := ""
			if tg, ok := o.Catalog.Resolve(m.Name, r[1], r[2], r[3]); ok {
				want = format(tg.Value)
			}
			if r[4+i] != want {
				t.Errorf("%s: target_%s = %q, catalog says %q", r[0], m.Name, r[4+i], want)
			}
		}
	}
}

// TestBusinessDateAcrossDST: business_date (02_contacts.sql takes the
// zone's UTC offset once per hour of the data rather than per contact)
// equals the contact's date in the zone, for contacts every 7 minutes
// across a spring and an autumn switch, in zones with half- and
// quarter-hour offsets and with switches at local midnight.
func TestBusinessDateAcrossDST(t *testing.T) {
	ctx := context.Background()
	for _, zone := range []string{"Europe/Berlin", "America/Chicago", "Australia/Lord_Howe", "America/Havana", "Asia/Kathmandu"} {
		t.Run(zone, func(t *testing.T) {
			db := openDB(t)
			root := t.TempDir()
			writeBatch(t, db, root, "b1", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), map[string]string{
				"contacts": `SELECT 'c' || i AS contact_id, 'acd' AS source_system, 'k' || (i % 50) AS customer_key,
					'phone' AS channel, TIMESTAMPTZ '2024-03-08 00:00:00+00' + to_minutes(7 * i) AS started_at
				FROM range(0, 20000) r(i)
				UNION ALL
				SELECT 'd' || i, 'acd', 'k' || (i % 50), 'phone', TIMESTAMPTZ '2024-10-25 00:00:00+00' + to_minutes(7 * i)
				FROM range(0, 12000) r(i)`,
			})
			o := build.DefaultOptions()
			o.TimeZone = zone
			o.Batches = []string{"b1"}
			if _, err := build.Build(ctx, db, root, o); err != nil {
				t.Fatal(err)
			}
			var n, wrong int64
			err := db.QueryRow(fmt.Sprintf(`SELECT count(*), count(*) FILTER (WHERE business_date IS DISTINCT FROM CAST(timezone(%s, started_at) AS DATE))
				FROM read_parquet(%s)`, duck.Quote(zone), mart(root, "contact_facts"))).Scan(&n, &wrong)
			if err != nil {
				t.Fatal(err)
			}
			if n != 32000 || wrong != 0 {
				t.Errorf("%d of %d contacts have another business_date than their date in %s", wrong, n, zone)
			}
		})
	}
}
