package metrics

import (
	"slices"
	"strings"
	"testing"
)

// TestAlertTable: every alert kind is complete: a catalog-style name, a
// bound from its direction, defaults among its dimensions, the relations
// it reads named in its SQL, and a window placeholder exactly when it has
// windows.
func TestAlertTable(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range Alerts() {
		if !nameRE.MatchString(a.Name) || !strings.HasSuffix(a.Name, "_"+a.Unit) || seen[a.Name] {
			t.Errorf("%s: want a unique snake_case name ending in its unit %q", a.Name, a.Unit)
		}
		seen[a.Name] = true
		if a.Title == "" || a.Description == "" || a.Count == "" || (a.Good != LowerIsBetter && a.Good != HigherIsBetter) {
			t.Errorf("%s: incomplete: %+v", a.Name, a)
		}
		if len(a.DefaultDimensions) == 0 {
			t.Errorf("%s: no default dimensions", a.Name)
		}
		for _, d := range a.DefaultDimensions {
			if !slices.Contains(a.Dimensions, d) {
				t.Errorf("%s: default dimension %s is not one of %v", a.Name, d, a.Dimensions)
			}
		}
		for _, r := range a.Reads {
			if !strings.Contains(a.SQL, r) {
				t.Errorf("%s: reads %s, which its SQL does not name", a.Name, r)
			}
		}
		if hasW := strings.Contains(a.SQL, "{window_days}"); hasW != (len(a.Windows) > 0) || hasW && !slices.Contains(a.Windows, a.DefaultWindow) {
			t.Errorf("%s: windows %v (default %d), SQL placeholder %v", a.Name, a.Windows, a.DefaultWindow, hasW)
		}
	}
}

// TestAlertRuleBreached: a value past the bound fires, one on it holds,
// in both directions.
func TestAlertRuleBreached(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	rules, err := AlertRules(map[string]AlertSpec{"gap_ratio": {Max: f(0.25)}, "measured_fcr_ratio": {Min: f(0.6)}})
	if err != nil {
		t.Fatal(err)
	}
	gap, fcr := rules[0], rules[1]
	for _, tt := range []struct {
		r     AlertRule
		value float64
		want  bool
	}{
		{gap, 0.25, false}, {gap, 0.2500001, true}, {gap, 0.2499999, false},
		{fcr, 0.6, false}, {fcr, 0.5999999, true}, {fcr, 0.6000001, false},
	} {
		if got := tt.r.Breached(tt.value); got != tt.want {
			t.Errorf("%s %s %v: breached %v at %v, want %v", tt.r.Name, tt.r.Bound(), tt.r.Threshold, got, tt.value, tt.want)
		}
	}
	if q := fcr.Query(); !strings.Contains(q, "window_days = 7") || !strings.Contains(q, "dimension IN ('department', 'all')") {
		t.Errorf("the FCR rule's query lacks its default window or dimensions:\n%s", q)
	}
}
