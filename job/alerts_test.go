package job

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// alertCalls is a small hand-made export whose figures are worked out by
// hand below (repeat window 7 days; every contact is a resolved phone call
// of 100 s after 10 s, so each is a claimed success):
//
//	Billing  b1 A 03-01 → b2 A 03-03 (2 days: same journey, b1 failed: gap)
//	         b3 B 03-02 → b5 B 03-07 (5 days: b3 gap), b4 C 03-04
//	         gap 2 of 5 claimed = 0.4; FCR at 7 days: b1, b3 repeated of 5
//	         judged = 0.6; at 3 days only b1 = 0.8
//	Tech     t1 D 03-01 → t2 D 03-02 → t3 D 03-05 09:00 (2 d 23 h after t2)
//	         gap 2 of 3 (t1, t2); FCR 1/3 at 3 and 7 days
//	Sales    s1 F 03-29 → s2 F 03-31, the end of the data: no settled
//	         contact (no value, never an alert), nothing judged at 3 or 7
//	         days. Over all its contacts (the total grain) s1 is judged,
//	         since F came back, and a gap: 1 of 1, the biased few the
//	         settled grain leaves out
//	all      gap 4 of 8 = 0.5 (total grain: 5 of 9); FCR at 7 days
//	         1 − 4/8 = 0.5, at 3 days 1 − 3/8 = 0.625
//
// and x8 (wait "ten") and x9 (channel "fax") are rejected: 2 of 12 rows
// read = 1/6.
const alertCalls = `contact_id,customer_key,channel,department,agent_id,team,started_at,wait_seconds,handle_seconds,disposition
b1,A,phone,Billing,ba,Billing,2024-03-01T09:00:00Z,10,100,resolved
b2,A,phone,Billing,ba,Billing,2024-03-03T09:00:00Z,10,100,resolved
b3,B,phone,Billing,bb,Billing,2024-03-02T09:00:00Z,10,100,resolved
b4,C,phone,Billing,bb,Billing,2024-03-04T09:00:00Z,10,100,resolved
b5,B,phone,Billing,bb,Billing,2024-03-07T09:00:00Z,10,100,resolved
t1,D,phone,Tech,ta,Tech,2024-03-01T10:00:00Z,10,100,resolved
t2,D,phone,Tech,ta,Tech,2024-03-02T10:00:00Z,10,100,resolved
t3,D,phone,Tech,ta,Tech,2024-03-05T09:00:00Z,10,100,resolved
x8,H,phone,Tech,ta,Tech,2024-03-06T09:00:00Z,ten,100,resolved
x9,G,fax,Tech,ta,Tech,2024-03-06T09:00:00Z,10,100,resolved
s1,F,phone,Sales,sa,Sales,2024-03-29T09:00:00Z,10,100,resolved
s2,F,phone,Sales,sa,Sales,2024-03-31T09:00:00Z,10,100,resolved
`

const alertConfig = `[lake]
dir = "lake"

[[sources]]
name = "calls"
table = "contacts"
source_system = "acd"
files = ["inbox/*.csv"]
[sources.columns]
contact_id = "contact_id"
customer_key = "customer_key"
channel = "channel"
department = "department"
agent_id = "agent_id"
team = "team"
started_at = "started_at"
wait_seconds = "wait_seconds"
handle_seconds = "handle_seconds"
disposition = "disposition"

[alerts.gap_ratio]
max = 0.5
dimensions = ["department", "all"]

[alerts.measured_fcr_ratio]
min = 0.6

[alerts.rejected_ratio]
max = 0.05
`

// alertLake runs the fixture through Run (ingest, build, the alerts of
// alertConfig) and returns the job, what the run returned and its log.
func alertLake(t *testing.T) (Job, RunResult, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{"mcnamara.toml": alertConfig, "inbox/calls.csv": alertCalls} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(filepath.Join(dir, "mcnamara.toml"), true)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Lake.Dir = cfg.Resolve(cfg.Lake.Dir)
	var log bytes.Buffer
	j := Job{Config: cfg, Logger: slog.New(slog.NewJSONHandler(&log, nil))}
	sources, err := j.Sources(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := j.Run(context.Background(), RunOptions{}, sources)
	if err != nil {
		t.Fatal(err)
	}
	return j, res, &log
}

// TestAlertsAtTheEndOfRun: the run judges alertConfig's rules over what it
// built and logs each breach as one JSON record with its figures, and ends
// with an AlertError that carries the rejected rows too.
func TestAlertsAtTheEndOfRun(t *testing.T) {
	j, res, log := alertLake(t)
	if res.Ingest.Batch.RowsRead != 12 || res.Ingest.Batch.RowsRejected != 2 {
		t.Fatalf("the fixture: %d rows read, %d rejected; want 12 and 2", res.Ingest.Batch.RowsRead, res.Ingest.Batch.RowsRejected)
	}
	// By hand (alertCalls): gap above 0.5 only in Tech (2/3; all is 0.5,
	// on the bound); FCR at 7 days below 0.6 in Tech (1/3) and all (0.5;
	// Billing is 0.6, on the bound); rejected 1/6 above 0.05.
	batch := res.Ingest.Batch.ID
	twoThirds := 2.0 / 3 // 1 − 2/3 in floating point, as the mart computes it
	want := []Breach{
		{Metric: "gap_ratio", Dimension: "department", Member: "Tech", Value: 2.0 / 3, Threshold: 0.5, Bound: "max", CountName: "claimed_success_contacts", Count: 3},
		{Metric: "measured_fcr_ratio", Dimension: "department", Member: "Tech", Value: 1 - twoThirds, Threshold: 0.6, Bound: "min", WindowDays: 7, CountName: "judged_contacts", Count: 3},
		{Metric: "measured_fcr_ratio", Dimension: "all", Member: "all", Value: 0.5, Threshold: 0.6, Bound: "min", WindowDays: 7, CountName: "judged_contacts", Count: 8},
		{Metric: "rejected_ratio", Dimension: "batch", Member: batch, Value: 2.0 / 12, Threshold: 0.05, Bound: "max", CountName: "rows_read", Count: 12},
	}
	if diff := cmp.Diff(want, res.Alerts.Breaches); diff != "" {
		t.Errorf("breaches (-want +got):\n%s", diff)
	}
	// judged: gap Billing, Tech, all (Sales has no settled contact); FCR
	// Billing, Tech, all (Sales none judged at 7 days); the batch
	if res.Alerts.Rules != 3 || res.Alerts.Checks != 7 {
		t.Errorf("%d rules, %d checks; want 3 and 7", res.Alerts.Rules, res.Alerts.Checks)
	}

	// One JSON record per breach, with the fields a log collector reads.
	var logged []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["msg"] == "alert" {
			logged = append(logged, rec)
		}
	}
	if len(logged) != len(want) {
		t.Fatalf("%d alert records, want %d:\n%s", len(logged), len(want), log)
	}
	for i, b := range want {
		rec := logged[i]
		for k, v := range map[string]any{"level": "WARN", "metric": b.Metric, "dimension": b.Dimension, "member": b.Member,
			"value": b.Value, "threshold": b.Threshold, "bound": b.Bound, b.CountName: float64(b.Count)} {
			if rec[k] != v {
				t.Errorf("alert record %d: %s = %v, want %v (%v)", i, k, rec[k], v, rec)
			}
		}
	}

	// The figures, recomputed from the definitions by independent queries
	// over the lake: the gap rate of the settled contacts from
	// contact_facts' flags, measured FCR from the contacts themselves
	// (another contact of the same customer within 7 days), the rejected
	// share from the rejects and the loaded rows.
	db := openLake(t, j)
	recompute := map[string]string{
		"gap_ratio": `SELECT count_if(gap) / count_if(claimed_success AND outcome_failed IS NOT NULL) FROM contact_facts
			WHERE department = $1 AND started_at + INTERVAL 7 DAY <= (SELECT max(started_at) FROM contacts)`,
		"measured_fcr_ratio": `SELECT 1 - count_if(EXISTS (SELECT 1 FROM contacts n WHERE n.customer_key = c.customer_key
				AND n.started_at > c.started_at AND n.started_at <= c.started_at + INTERVAL 7 DAY)) / count(*)
			FROM contacts c WHERE ($1 = 'all' OR department = $1)
				AND started_at + INTERVAL 7 DAY <= (SELECT max(started_at) FROM contacts)`,
		"rejected_ratio": `SELECT (SELECT count(*) FROM rejects WHERE _batch_id = $1)
			/ ((SELECT count(*) FROM rejects WHERE _batch_id = $1) + (SELECT count(*) FROM contacts WHERE _batch_id = $1))`,
	}
	for _, b := range res.Alerts.Breaches {
		var v float64
		if err := db.QueryRow(recompute[b.Metric], b.Member).Scan(&v); err != nil {
			t.Fatalf("recompute %s of %s: %v", b.Metric, b.Member, err)
		}
		if v != b.Value {
			t.Errorf("%s of %s %q: the alert says %v, recomputed %v", b.Metric, b.Dimension, b.Member, b.Value, v)
		}
	}

	err := RunOutcome(res)
	var ae AlertError
	if !errors.As(err, &ae) || len(ae.Breaches) != 4 || ae.Rejected != 2 {
		t.Fatalf("RunOutcome = %v, want an AlertError of 4 breaches and 2 rejected rows", err)
	}
	if !strings.Contains(err.Error(), "4 alert(s) fired") || !strings.Contains(err.Error(), "finished with 2 rejected rows") {
		t.Errorf("the run's error says %q", err)
	}
}

// openLake opens the lake's views and marts read-only.
func openLake(t *testing.T, j Job) *sql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := duck.Open(ctx, duck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := lake.AttachInputs(ctx, db, j.Config.Lake.Dir); err != nil {
		t.Fatal(err)
	}
	if _, err := lake.AttachMarts(ctx, db, j.Config.Lake.Dir); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestAlertBounds: each rule over the fixture's marts with its bound just
// above, on and just below a value worked out by hand (alertCalls): a
// value on its bound does not fire. Members are listed as dimension/member.
func TestAlertBounds(t *testing.T) {
	j, res, _ := alertLake(t)
	batch := &res.Ingest.Batch
	db := openLake(t, j)
	f := func(v float64) *float64 { return &v }
	n := func(v int64) *int64 { return &v }
	w := func(v int) *int { return &v }
	dims := func(d ...string) []string { return d }
	tests := []struct {
		name   string
		spec   metrics.AlertSpec
		alert  string
		batch  *lake.Batch
		checks int
		want   []string
	}{
		{"gap on Billing's 0.4", metrics.AlertSpec{Max: f(0.4)}, "gap_ratio", nil, 2, []string{"department/Tech"}},
		{"gap just below Billing's", metrics.AlertSpec{Max: f(0.3999999)}, "gap_ratio", nil, 2, []string{"department/Billing", "department/Tech"}},
		{"gap on Tech's 2/3", metrics.AlertSpec{Max: f(2.0 / 3)}, "gap_ratio", nil, 2, nil},
		{"gap just below Tech's", metrics.AlertSpec{Max: f(0.6666666)}, "gap_ratio", nil, 2, []string{"department/Tech"}},
		{"gap by agent and all", metrics.AlertSpec{Max: f(0.49), Dimensions: dims("all", "agent")}, "gap_ratio", nil, 4,
			// all 0.5; agents: ba 1/2, bb 1/3, ta 2/3 (sa: none settled)
			[]string{"all/all", "agent/ba", "agent/ta"}},
		{"gap with min_count", metrics.AlertSpec{Max: f(0), MinCount: n(4)}, "gap_ratio", nil, 1, []string{"department/Billing"}},
		{"gap with min_count on the count", metrics.AlertSpec{Max: f(0), MinCount: n(3)}, "gap_ratio", nil, 2, []string{"department/Billing", "department/Tech"}},
		{"fcr on Billing's 0.6", metrics.AlertSpec{Min: f(0.6)}, "measured_fcr_ratio", nil, 3, []string{"department/Tech", "all/all"}},
		{"fcr just above Billing's", metrics.AlertSpec{Min: f(0.6000001)}, "measured_fcr_ratio", nil, 3, []string{"department/Billing", "department/Tech", "all/all"}},
		{"fcr at 3 days on Billing's 0.8", metrics.AlertSpec{Min: f(0.8), WindowDays: w(3)}, "measured_fcr_ratio", nil, 3, []string{"department/Tech", "all/all"}},
		{"fcr at 3 days just above all's 0.625", metrics.AlertSpec{Min: f(0.6250001), WindowDays: w(3), Dimensions: dims("all")}, "measured_fcr_ratio", nil, 1, []string{"all/all"}},
		{"fcr at 3 days on all's 0.625", metrics.AlertSpec{Min: f(0.625), WindowDays: w(3), Dimensions: dims("all")}, "measured_fcr_ratio", nil, 1, nil},
		// at 30 days only b1 is judged (03-01 09:00 + 30 days is the end of
		// the data), and b2 followed it: 0 in Billing and all
		{"fcr at 30 days on 0", metrics.AlertSpec{Min: f(0), WindowDays: w(30)}, "measured_fcr_ratio", nil, 2, nil},
		{"fcr at 30 days above 0", metrics.AlertSpec{Min: f(1e-9), WindowDays: w(30)}, "measured_fcr_ratio", nil, 2, []string{"department/Billing", "all/all"}},
		{"rejected on 1/6", metrics.AlertSpec{Max: f(1.0 / 6)}, "rejected_ratio", batch, 1, nil},
		{"rejected just below 1/6", metrics.AlertSpec{Max: f(0.1666666)}, "rejected_ratio", batch, 1, []string{"batch/" + batch.ID}},
		{"rejected by source", metrics.AlertSpec{Max: f(0), Dimensions: dims("source")}, "rejected_ratio", batch, 1, []string{"source/calls"}},
		{"rejected with min_count above the rows read", metrics.AlertSpec{Max: f(0), MinCount: n(13)}, "rejected_ratio", batch, 0, nil},
		{"rejected without a batch", metrics.AlertSpec{Max: f(0)}, "rejected_ratio", nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jj := j
			jj.Config.Alerts = map[string]metrics.AlertSpec{tt.alert: tt.spec}
			got, err := jj.EvaluateAlerts(context.Background(), db, tt.batch)
			if err != nil {
				t.Fatal(err)
			}
			var members []string
			for _, b := range got.Breaches {
				members = append(members, b.Dimension+"/"+b.Member)
			}
			if diff := cmp.Diff(tt.want, members); diff != "" || got.Checks != tt.checks {
				t.Errorf("breaches (-want +got):\n%s%d checks, want %d", diff, got.Checks, tt.checks)
			}
		})
	}
}

// TestRunOutcome: the precedence of a finished run's outcomes: files
// refused (an error) over alerts over rejected rows.
func TestRunOutcome(t *testing.T) {
	breach := []Breach{{Metric: "gap_ratio", Dimension: "department", Member: "Tech", Value: 0.7, Threshold: 0.5, Bound: "max", CountName: "claimed_success_contacts", Count: 3}}
	var res RunResult
	if err := RunOutcome(res); err != nil {
		t.Errorf("nothing: %v", err)
	}
	res.Ingest.Batch.RowsRejected = 2
	var rej RejectedError
	if err := RunOutcome(res); !errors.As(err, &rej) || rej.Rows != 2 {
		t.Errorf("rejected rows: %v", err)
	}
	res.Alerts.Breaches = breach
	var ae AlertError
	if err := RunOutcome(res); !errors.As(err, &ae) || errors.As(err, &rej) || ae.Rejected != 2 {
		t.Errorf("alerts and rejected rows: %v, want an AlertError carrying the 2 rows", err)
	}
	res.Ingest.FileErrors = []error{errors.New("calls.csv: missing column")}
	err := RunOutcome(res)
	if errors.As(err, &ae) || errors.As(err, &rej) || !strings.Contains(err.Error(), "1 alert(s) fired") {
		t.Errorf("a refused file: %v, want a plain error that mentions the alert", err)
	}
	if got, want := (AlertError{Breaches: breach}).Error(), `finished, but 1 alert(s) fired: gap_ratio of department "Tech" is 0.7, above its max 0.5 (3 claimed_success_contacts)`; got != want {
		t.Errorf("AlertError says\n%s\nwant\n%s", got, want)
	}
}
