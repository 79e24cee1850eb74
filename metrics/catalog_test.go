package metrics

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func f(v float64) *float64 { return &v }

func TestResolvePrecedence(t *testing.T) {
	cat, err := New(Config{Targets: map[string]TargetSpec{
		"handle_time_seconds": {
			Default:    f(310),
			Channel:    map[string]float64{"chat": 600},
			Department: map[string]float64{"Billing": 420},
			Team:       map[string]float64{"Billing B": 360},
		},
		"wait_time_seconds": {Channel: map[string]float64{"email": 3600}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		metric, team, dept, channel string
		want                        float64
		level                       Level
	}{
		{"handle_time_seconds", "Billing B", "Billing", "chat", 360, LevelTeam},
		{"handle_time_seconds", "Billing A", "Billing", "chat", 420, LevelDepartment},
		{"handle_time_seconds", "", "Billing", "phone", 420, LevelDepartment},
		{"handle_time_seconds", "Support A", "Support", "chat", 600, LevelChannel},
		{"handle_time_seconds", "Support A", "Support", "phone", 310, LevelDefault},
		{"handle_time_seconds", "", "", "phone", 310, LevelDefault},
		// a department named like a team does not match the team level
		{"handle_time_seconds", "", "Billing B", "phone", 310, LevelDefault},
		// config overrides a built-in channel target, keeps the others
		{"wait_time_seconds", "", "", "email", 3600, LevelChannel},
		{"wait_time_seconds", "", "", "store", 600, LevelChannel},
		{"wait_time_seconds", "", "", "phone", 60, LevelDefault},
		{"csat_score", "x", "y", "chat", 4, LevelDefault},
	}
	for _, tt := range tests {
		got, ok := cat.Resolve(tt.metric, tt.team, tt.dept, tt.channel)
		if !ok || got.Value != tt.want || got.Level != tt.level {
			t.Errorf("Resolve(%s, team=%q, dept=%q, channel=%q) = %+v, %v; want %v at %s",
				tt.metric, tt.team, tt.dept, tt.channel, got, ok, tt.want, tt.level)
		}
	}
	if _, ok := cat.Resolve("gap_ratio", "", "", "phone"); ok {
		t.Error("an outcome measure has no target")
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; "" = valid
	}{
		{"defaults", Config{}, ""},
		{"empty scorecard is allowed", Config{Scorecard: []string{}}, ""},
		{"unknown KPI in scorecard is named", Config{Scorecard: []string{"handle_time_seconds", "aht"}},
			`metrics.scorecard: unknown KPI "aht" (known KPIs: handle_time_seconds, wait_time_seconds`},
		{"outcome in scorecard", Config{Scorecard: []string{"gap_ratio"}}, `"gap_ratio" is a summary measure`},
		{"duplicate in scorecard", Config{Scorecard: []string{"csat_score", "csat_score"}}, `"csat_score" listed twice`},
		{"target on unknown metric", Config{Targets: map[string]TargetSpec{"aht_seconds": {Default: f(1)}}},
			`metrics.targets.aht_seconds: unknown KPI "aht_seconds"`},
		{"target on outcome", Config{Targets: map[string]TargetSpec{"days_to_resolution": {Default: f(1)}}},
			`"days_to_resolution" is an outcome measure; targets apply to KPIs only`},
		{"non-finite target", Config{Targets: map[string]TargetSpec{"csat_score": {Team: map[string]float64{"A": math.NaN()}}}},
			`metrics.targets.csat_score: team "A" is not a finite number`},
		{"empty member", Config{Targets: map[string]TargetSpec{"csat_score": {Department: map[string]float64{" ": 3}}}},
			"empty department name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestScorecard(t *testing.T) {
	if got := Default().Scorecard(); !cmp.Equal(got, DefaultScorecard) {
		t.Errorf("default scorecard = %v", got)
	}
	cat, err := New(Config{Scorecard: []string{"sla_met_ratio"}})
	if err != nil {
		t.Fatal(err)
	}
	if !cat.InScorecard("sla_met_ratio") || cat.InScorecard("handle_time_seconds") {
		t.Errorf("scorecard = %v", cat.Scorecard())
	}
	empty, _ := New(Config{Scorecard: []string{}})
	if len(empty.Scorecard()) != 0 {
		t.Errorf("explicit empty scorecard became %v", empty.Scorecard())
	}
}

func TestBuiltinCatalog(t *testing.T) {
	if err := validateDefs(builtin); err != nil {
		t.Fatal(err)
	}
	for _, m := range Builtin() {
		if m.Kind == KPI && m.Target == nil {
			t.Errorf("%s: KPI without a default target", m.Name)
		}
		if m.Kind != KPI && (m.Target != nil || m.ChannelTargets != nil) {
			t.Errorf("%s: %s measure with a target", m.Name, m.Kind)
		}
		if m.Description == "" || m.Unit == "" {
			t.Errorf("%s: missing description or unit", m.Name)
		}
	}
	// the marts name these; renaming one breaks the models
	for _, name := range []string{"handle_time_seconds", "wait_time_seconds", "csat_score"} {
		if _, ok := Default().Metric(name); !ok {
			t.Errorf("catalog lacks %s", name)
		}
	}
	bad := append(Builtin(), Metric{Name: "Bad-Name", Kind: KPI, Good: LowerIsBetter, Expr: "1", Table: ContactFacts})
	if _, err := newCatalog(bad, Config{}); err == nil || !strings.Contains(err.Error(), "snake_case") {
		t.Errorf("bad name accepted: %v", err)
	}
}

func TestMet(t *testing.T) {
	aht, _ := Default().Metric("handle_time_seconds")
	csat, _ := Default().Metric("csat_score")
	if got := aht.Met("handle_time_seconds", "target_handle_time_seconds"); got != "handle_time_seconds <= target_handle_time_seconds" {
		t.Errorf("Met = %q", got)
	}
	if got := csat.Met("x", "y"); got != "x >= y" {
		t.Errorf("Met = %q", got)
	}
	// the boundary meets the target in both directions
	if !aht.MetValue(300, 300) || aht.MetValue(301, 300) || !csat.MetValue(4, 4) || csat.MetValue(3.9, 4) {
		t.Error("MetValue boundary")
	}
}

func TestEntries(t *testing.T) {
	var aht Entry
	for _, e := range Default().Entries() {
		if e.Name == "handle_time_seconds" {
			aht = e
		}
	}
	want := Entry{Name: "handle_time_seconds", Title: "Handle time", Kind: KPI, Unit: "seconds", Good: LowerIsBetter, Table: ContactFacts,
		Expr: "CASE WHEN disposition = 'abandoned' THEN NULL ELSE handle_seconds END", Aggregate: "avg(handle_time_seconds)",
		InScorecard: true, Targets: []Target{{Metric: "handle_time_seconds", Level: LevelDefault, Value: 300}}}
	aht.Description = ""
	if diff := cmp.Diff(want, aht); diff != "" {
		t.Errorf("entry (-want +got):\n%s", diff)
	}
}
