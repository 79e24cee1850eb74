package metrics

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Alert is one kind of alert of the [alerts] section: a figure the marts
// (or the batch being judged) give per member of a dimension, and the
// bound past which it fires. Every kind is one entry of the alerts table
// below, its SQL a query over the marts: a new kind is a new entry, and
// the configuration, the evaluation and `mcnamara alerts` take it as it
// is.
//
//	[alerts.gap_ratio]
//	max = 0.25                      # fires for a member whose gap rate is above 0.25
//	dimensions = ["department"]     # the members judged
//	min_count = 30                  # members with fewer claimed successes are not judged
type Alert struct {
	// Name is the figure's name, snake_case with its unit suffix as in
	// the metric catalog, and the key of its [alerts.<name>] table.
	Name  string
	Title string
	// Description says what the figure is, for listings and docs.
	Description string
	Unit        string
	// Good is the figure's good direction: lower is better fires above
	// the bound (the key `max`), higher is better below it (`min`).
	Good Direction
	// Reads are the relations SQL reads: marts, or BatchInputs.
	Reads []string
	// Dimensions are the ones a member can be judged in;
	// DefaultDimensions are judged when the section names none.
	Dimensions, DefaultDimensions []string
	// Windows are the window_days it takes (none: it takes no window),
	// DefaultWindow the one used when none is given.
	Windows       []int
	DefaultWindow int
	// Count names the count the figure is a share of (its denominator),
	// which min_count bounds and a breach reports beside the value.
	Count string
	// SQL yields one row per member: dimension, member, value (NULL when
	// it cannot be judged) and count. {window_days} is replaced by the
	// window in force.
	SQL string
}

// BatchInputs is the relation of the inputs of the batch an evaluation
// judges (batch_id, source, rows_read, rows_rejected): the batch the run
// committed (none when it committed none), or for `mcnamara alerts` the
// lake's latest. The evaluation creates it beside the marts.
const BatchInputs = "batch_inputs"

// alerts is the table of alert kinds, in the order they are evaluated.
var alerts = []Alert{
	{
		Name: "gap_ratio", Title: "Gap rate", Unit: "ratio", Good: LowerIsBetter,
		Description: "The McNamara gap of a member over its settled contacts (gap contacts / claimed-success contacts): the report's whole-period figure, the gap mart's settled grain.",
		Reads:       []string{"gap"},
		Dimensions:  []string{"department", "team", "agent", "channel", "topic", "all"}, DefaultDimensions: []string{"department"},
		Count: "claimed_success_contacts",
		SQL: "SELECT dimension, member, gap_ratio AS value, claimed_success_contacts AS count\n" +
			"FROM gap WHERE grain = 'settled'",
	},
	{
		Name: "measured_fcr_ratio", Title: "Measured FCR", Unit: "ratio", Good: HigherIsBetter,
		Description: "Measured first-contact resolution of a member at window_days (1 − repeated / judged contacts: no further contact of the person within the window), over the whole period: the fcr_ladder mart's total grain.",
		Reads:       []string{"fcr_ladder"},
		Dimensions:  []string{"department", "team", "agent", "channel", "all"}, DefaultDimensions: []string{"department", "all"},
		Windows: []int{1, 3, 7, 30}, DefaultWindow: 7,
		Count: "judged_contacts",
		SQL: "SELECT dimension, member, measured_fcr AS value, judged_contacts AS count\n" +
			"FROM fcr_ladder WHERE grain = 'total' AND window_days = {window_days}",
	},
	{
		Name: "rejected_ratio", Title: "Rejected share", Unit: "ratio", Good: LowerIsBetter,
		Description: "Share of the rows read that were rejected (rejected rows / rows read) in the batch judged: the one the run committed, or for `mcnamara alerts` the lake's latest; per batch, or per configured source.",
		Reads:       []string{BatchInputs},
		Dimensions:  []string{"batch", "source"}, DefaultDimensions: []string{"batch"},
		Count: "rows_read",
		SQL: "SELECT 'batch' AS dimension, batch_id AS member,\n" +
			"    sum(rows_rejected) / nullif(sum(rows_read), 0) AS value, CAST(sum(rows_read) AS BIGINT) AS count\n" +
			"FROM " + BatchInputs + " GROUP BY batch_id\n" +
			"UNION ALL\n" +
			"SELECT 'source', coalesce(nullif(source, ''), '(none)'),\n" +
			"    sum(rows_rejected) / nullif(sum(rows_read), 0), CAST(sum(rows_read) AS BIGINT)\n" +
			"FROM " + BatchInputs + " GROUP BY 2",
	},
}

// Alerts returns a copy of the alert kinds.
func Alerts() []Alert {
	out := make([]Alert, len(alerts))
	copy(out, alerts)
	return out
}

// AlertNames are the kinds' names, in order.
func AlertNames() []string {
	names := make([]string, len(alerts))
	for i, a := range alerts {
		names[i] = a.Name
	}
	return names
}

// LookupAlert finds a kind by name.
func LookupAlert(name string) (Alert, bool) {
	for _, a := range alerts {
		if a.Name == name {
			return a, true
		}
	}
	return Alert{}, false
}

// Bound is the key of its threshold: "max" when it fires above it (lower
// is better), "min" when below.
func (a Alert) Bound() string {
	if a.Good == HigherIsBetter {
		return "min"
	}
	return "max"
}

// AlertSpec is one [alerts.<name>] table.
type AlertSpec struct {
	// Max (lower-is-better figures) or Min (higher-is-better): the bound
	// past which the alert fires; a value equal to it does not.
	Max *float64 `toml:"max" json:"max,omitempty"`
	Min *float64 `toml:"min" json:"min,omitempty"`
	// Dimensions judged (nil: the kind's defaults).
	Dimensions []string `toml:"dimensions" json:"dimensions,omitempty"`
	// WindowDays, for a kind with windows (nil: its default).
	WindowDays *int `toml:"window_days" json:"window_days,omitempty"`
	// MinCount: members whose count (the figure's denominator) is below it
	// are not judged (nil: 0, every member with a value).
	MinCount *int64 `toml:"min_count" json:"min_count,omitempty"`
}

// AlertRule is an alert in force: its kind with the configured bound.
type AlertRule struct {
	Alert
	Threshold  float64
	Dimensions []string
	WindowDays int // 0 for a kind without windows
	MinCount   int64
}

// AlertSpecError is a bad [alerts] table: the alert and the key (empty:
// the table itself) it is about, so the configuration can point at the line.
type AlertSpecError struct {
	Alert, Key string
	Err        error
}

func (e *AlertSpecError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("[alerts.%s]: %v", e.Alert, e.Err)
	}
	return fmt.Sprintf("[alerts.%s] %s: %v", e.Alert, e.Key, e.Err)
}

func (e *AlertSpecError) Unwrap() error { return e.Err }

// AlertRules checks the [alerts] tables and returns the rules in force, in
// the kinds' order.
func AlertRules(specs map[string]AlertSpec) ([]AlertRule, error) {
	for name := range specs {
		if _, ok := LookupAlert(name); !ok {
			return nil, &AlertSpecError{Alert: name, Err: fmt.Errorf("no such alert (alerts: %s)", strings.Join(AlertNames(), ", "))}
		}
	}
	var rules []AlertRule
	for _, a := range alerts {
		spec, ok := specs[a.Name]
		if !ok {
			continue
		}
		r, err := a.rule(spec)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

func (a Alert) rule(s AlertSpec) (AlertRule, error) {
	bad := func(key, format string, args ...any) (AlertRule, error) {
		return AlertRule{}, &AlertSpecError{Alert: a.Name, Key: key, Err: fmt.Errorf(format, args...)}
	}
	r := AlertRule{Alert: a, Dimensions: a.DefaultDimensions, WindowDays: a.DefaultWindow}
	bound, other := s.Max, s.Min
	if a.Bound() == "min" {
		bound, other = s.Min, s.Max
	}
	otherKey := "min"
	if a.Bound() == "min" {
		otherKey = "max"
	}
	if other != nil {
		how := "above"
		if a.Bound() == "min" {
			how = "below"
		}
		return bad(otherKey, "%s fires when it is %s its bound: give %s", a.Name, how, a.Bound())
	}
	if bound == nil {
		return bad("", "give %s, the %s past which it fires", a.Bound(), a.Unit)
	}
	v := *bound
	if math.IsNaN(v) || math.IsInf(v, 0) || a.Unit == "ratio" && (v < 0 || v > 1) {
		return bad(a.Bound(), "%v: want a ratio from 0 to 1", v)
	}
	r.Threshold = v
	if s.Dimensions != nil {
		if len(s.Dimensions) == 0 {
			return bad("dimensions", "empty: name at least one of %s (or leave it out for %s)", strings.Join(a.Dimensions, ", "), strings.Join(a.DefaultDimensions, ", "))
		}
		for i, d := range s.Dimensions {
			if !slices.Contains(a.Dimensions, d) {
				return bad("dimensions", "%q: want %s", d, strings.Join(a.Dimensions, ", "))
			}
			if slices.Contains(s.Dimensions[:i], d) {
				return bad("dimensions", "%q named twice", d)
			}
		}
		r.Dimensions = slices.Clone(s.Dimensions)
	}
	if s.WindowDays != nil {
		if len(a.Windows) == 0 {
			return bad("window_days", "%s has no window", a.Name)
		}
		if !slices.Contains(a.Windows, *s.WindowDays) {
			return bad("window_days", "%d: want one of %s (the fcr_ladder's rungs)", *s.WindowDays, joinInts(a.Windows))
		}
		r.WindowDays = *s.WindowDays
	}
	if s.MinCount != nil {
		if *s.MinCount < 0 {
			return bad("min_count", "%d: want zero or more %s", *s.MinCount, a.Count)
		}
		r.MinCount = *s.MinCount
	}
	return r, nil
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// Query is the SQL of the rule: the members of its dimensions that can be
// judged (a value, and at least min_count in the count), one row each:
// dimension, member, value, count, ordered by dimension (as configured)
// and member.
func (r AlertRule) Query() string {
	q := strings.ReplaceAll(r.SQL, "{window_days}", strconv.Itoa(r.WindowDays))
	// The dimensions are names from the kind's fixed list (checked by
	// AlertRules), so they are written as plain literals.
	dims := make([]string, len(r.Dimensions))
	order := make([]string, len(r.Dimensions))
	for i, d := range r.Dimensions {
		dims[i] = "'" + d + "'"
		order[i] = fmt.Sprintf("WHEN '%s' THEN %d", d, i)
	}
	return fmt.Sprintf("SELECT dimension, member, value, count FROM (\n%s\n) WHERE dimension IN (%s) AND value IS NOT NULL AND count >= %d\n"+
		"ORDER BY CASE dimension %s END, member", q, strings.Join(dims, ", "), r.MinCount, strings.Join(order, " "))
}

// Breached says whether value is past the rule's bound: above max (lower
// is better), below min (higher is better). A value on the bound holds.
func (r AlertRule) Breached(value float64) bool {
	if r.Good == HigherIsBetter {
		return value < r.Threshold
	}
	return value > r.Threshold
}
