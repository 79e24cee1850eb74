// Package metrics is the metric catalog: every KPI (the organisation's own
// scorecard view of a contact) and every outcome measure (the customer's
// view) is defined here exactly once — name, kind, unit, which direction is
// good, the SQL expression it aggregates and, for KPIs, the default target.
// The models (sql/models) materialise the KPI expressions as columns of
// contact_facts, reports read names, units and descriptions from here, and
// `mcnamara metrics` prints it with the targets in force.
package metrics

import (
	"fmt"
	"regexp"
	"strings"
)

// Kind says whose view a metric takes.
type Kind string

const (
	// KPI is the organisation's view: measured per contact, it has a
	// target, and can be part of the scorecard that makes up claimed success.
	KPI Kind = "kpi"
	// Outcome is the customer's view: measured after the fact, per contact
	// or per journey; it has no target.
	Outcome Kind = "outcome"
	// Summary is a verdict over the scorecard as a whole (claimed success)
	// or over both views at once (the gap); it has no target.
	Summary Kind = "summary"
)

// phrase names the kind in a sentence: "an outcome measure".
func (k Kind) phrase() string {
	switch k {
	case Outcome:
		return "an outcome measure"
	case Summary:
		return "a summary measure"
	}
	return "a " + string(k)
}

// Direction says which way a metric is good.
type Direction string

const (
	LowerIsBetter  Direction = "lower"
	HigherIsBetter Direction = "higher"
)

// Tables a metric expression can be evaluated over (marts).
const (
	ContactFacts = "contact_facts"
	Journeys     = "journeys"
)

// Metric is one catalog entry.
type Metric struct {
	// Name is snake_case with a unit suffix, Prometheus style.
	Name string
	// Title is what the report calls it ("Gap rate").
	Title       string
	Kind        Kind
	Description string
	Unit        string
	Good        Direction
	// Table is the mart the metric is aggregated over.
	Table string
	// Expr is the per-row value. For a KPI it is evaluated over the
	// contract columns of a contact (plus csat from surveys and
	// claimed_resolution) and materialised in contact_facts as a column
	// named Name; for an outcome measure it is evaluated over Table.
	Expr string
	// AggNum and AggDen, when set, aggregate the KPI over a group as
	// AggNum / AggDen × AggMul, both sums of integers over the contacts (x
	// is the per-contact value), so any split of the contacts sums to the
	// same exact figure; the default is the mean, sum(round(x × 10⁶)) /
	// count(x) × 10⁻⁶. AggDoc says it in words for listings. The gap mart
	// carries the aggregate as a column named after the KPI.
	AggNum, AggDen, AggDoc string
	AggMul                 float64
	// Target is the default target of a KPI (nil: no default target).
	Target *float64
	// ChannelTargets are built-in per-channel defaults of a KPI (a chat or
	// an e-mail is not answered in phone time).
	ChannelTargets map[string]float64
}

// Aggregate is the SQL that computes the metric over its table: the mean
// of the per-row values (NULL rows — not measured, censored — are skipped).
func (m Metric) Aggregate() string {
	if m.Kind == KPI {
		if m.AggDoc != "" {
			return m.AggDoc
		}
		return "avg(" + m.Name + ")"
	}
	return "avg(" + m.Expr + ")"
}

// AggParts are the two sums of integers whose ratio, times mul, aggregates
// a KPI over a group of contacts (by default: the mean), over the column
// named after it.
func (m Metric) AggParts() (num, den string, mul float64) {
	num, den, mul = "sum(CAST(round(x * 1e6) AS BIGINT))", "count(x)", 1e-6
	if m.AggNum != "" {
		num, den, mul = m.AggNum, m.AggDen, m.AggMul
	}
	x := regexp.MustCompile(`\bx\b`)
	return x.ReplaceAllString(num, m.Name), x.ReplaceAllString(den, m.Name), mul
}

// Met returns the SQL predicate "value meets target": value <= target when
// lower is better, value >= target when higher is better. Either side NULL
// gives NULL (not measured).
func (m Metric) Met(value, target string) string {
	op := "<="
	if m.Good == HigherIsBetter {
		op = ">="
	}
	return value + " " + op + " " + target
}

// MetValue is Met evaluated in Go, with the same semantics.
func (m Metric) MetValue(value, target float64) bool {
	if m.Good == HigherIsBetter {
		return value >= target
	}
	return value <= target
}

func ptr(v float64) *float64 { return &v }

// builtin is the catalog. Order is the order of columns and of listings.
var builtin = []Metric{
	{
		Name: "handle_time_seconds", Title: "Handle time", Kind: KPI, Unit: "seconds", Good: LowerIsBetter, Table: ContactFacts,
		Description: "Handle time of a contact; its mean is AHT. Abandoned contacts were never handled and are not measured.",
		Expr:        "CASE WHEN disposition = 'abandoned' THEN NULL ELSE handle_seconds END",
		Target:      ptr(300),
	},
	{
		Name: "wait_time_seconds", Title: "Wait time", Kind: KPI, Unit: "seconds", Good: LowerIsBetter, Table: ContactFacts,
		Description: "Time the customer waited before an agent answered (abandoned contacts included: they waited).",
		Expr:        "wait_seconds",
		Target:      ptr(60),
		ChannelTargets: map[string]float64{
			"email":  86400, // a reply within a day
			"branch": 600, "store": 600,
		},
	},
	{
		Name: "csat_score", Title: "CSAT", Kind: KPI, Unit: "score 1-5", Good: HigherIsBetter, Table: ContactFacts,
		Description: "Customer satisfaction score of the contact (its own, else its survey's); measured only when surveyed.",
		Expr:        "csat",
		Target:      ptr(4),
	},
	{
		Name: "sla_met_ratio", Title: "SLA met", Kind: KPI, Unit: "ratio", Good: HigherIsBetter, Table: ContactFacts,
		Description: "Share of contacts the source system itself marked as within SLA (a contact meets it when marked).",
		Expr:        "CAST(sla_met AS DOUBLE)",
		Target:      ptr(0.8),
	},
	{
		Name: "claimed_resolution_ratio", Title: "Claimed resolution", Kind: KPI, Unit: "ratio", Good: HigherIsBetter, Table: ContactFacts,
		Description: "Share of contacts the organisation says resolved the need: disposition resolved (without a disposition, the source's SLA verdict). Set beside verified resolution (the report's comparison by department), both are over the judged contacts.",
		Expr:        "CAST(claimed_resolution AS DOUBLE)",
		Target:      ptr(0.8),
	},
	{
		Name: "transfer_ratio", Title: "Transfer rate", Kind: KPI, Unit: "ratio", Good: LowerIsBetter, Table: ContactFacts,
		Description: "Share of contacts passed on to someone else (disposition transferred or a transfer target recorded).",
		Expr:        "CASE WHEN disposition = 'transferred' OR transferred_to IS NOT NULL THEN 1.0 ELSE 0.0 END",
		Target:      ptr(0.1),
	},
	{
		Name: "hold_seconds", Title: "Hold time", Kind: KPI, Unit: "seconds", Good: LowerIsBetter, Table: ContactFacts,
		Description: "Time the customer spent on hold during the contact (part of its handle time); measured where the source reports hold.",
		Expr:        "hold_seconds",
		Target:      ptr(60),
	},
	{
		Name: "average_speed_of_answer_seconds", Title: "Speed of answer", Kind: KPI, Unit: "seconds", Good: LowerIsBetter, Table: ContactFacts,
		Description: "Wait before an agent answered, over answered contacts only (abandoned ones are not answered); its mean is ASA.",
		Expr:        "CASE WHEN disposition = 'abandoned' THEN NULL ELSE wait_seconds END",
		Target:      ptr(30),
		ChannelTargets: map[string]float64{
			"email":  86400,
			"branch": 600, "store": 600,
		},
	},
	{
		Name: "service_level_ratio", Title: "Service level", Kind: KPI, Unit: "ratio", Good: HigherIsBetter, Table: ContactFacts,
		Description: "Share of queued phone and chat contacts answered within the service-level threshold ({service_level_seconds} s, [metrics] service_level_seconds); a contact abandoned in the queue counts against it.",
		Expr: "CASE WHEN channel NOT IN ('phone', 'chat') OR wait_seconds IS NULL THEN NULL " +
			"WHEN disposition = 'abandoned' THEN 0.0 WHEN wait_seconds <= {service_level_seconds} THEN 1.0 ELSE 0.0 END",
		Target: ptr(0.8),
	},
	{
		Name: "abandonment_ratio", Title: "Abandonment", Kind: KPI, Unit: "ratio", Good: LowerIsBetter, Table: ContactFacts,
		Description: "Share of queued phone and chat contacts the customer abandoned before an agent answered.",
		Expr:        "CASE WHEN channel NOT IN ('phone', 'chat') OR wait_seconds IS NULL THEN NULL ELSE CAST(coalesce(disposition = 'abandoned', false) AS DOUBLE) END",
		Target:      ptr(0.05),
	},
	{
		// Per agent-day, not per agent hour: no export mapped here carries
		// shift or login time, and contacts per handled hour is only AHT
		// turned upside down.
		Name: "contacts_handled_per_agent_day", Title: "Contacts per agent-day", Kind: KPI, Unit: "contacts", Good: HigherIsBetter, Table: ContactFacts,
		Description: "The call-count KPI: contacts the agent handled on the business day of the contact (abandoned ones excluded). Over a group, handled contacts / agent-days worked (a day shared between groups counts in proportion). Per agent-day because exports carry no shift or login time.",
		// agent_day_contacts: the day's count from the agent_days model
		Expr: "CASE WHEN agent_id IS NOT NULL AND disposition IS DISTINCT FROM 'abandoned' THEN agent_day_contacts END",
		// agent-days: each handled contact is 1/x of its day, summed in
		// billionths so the sum is exact in any order
		AggNum: "count(x)", AggDen: "sum(CAST(round(1e9 / x) AS BIGINT))", AggMul: 1e9,
		AggDoc: "count(contacts_handled_per_agent_day) / sum(1 / contacts_handled_per_agent_day): handled contacts / agent-days",
		Target: ptr(40),
		ChannelTargets: map[string]float64{
			"chat": 60, "email": 50,
			"branch": 20, "store": 20,
		},
	},
	{
		Name: "claimed_success_ratio", Title: "KPI-met rate", Kind: Summary, Unit: "ratio", Good: HigherIsBetter, Table: ContactFacts,
		Description: "Share of judged contacts the scorecard counts a success: claimed resolved and every scorecard KPI target held. Judged: of an identified customer, and no longer open.",
		Expr:        "CASE WHEN outcome_failed IS NOT NULL THEN CAST(claimed_success AS DOUBLE) END",
	},
	{
		Name: "verified_outcome_ratio", Title: "Verified-outcome rate", Kind: Outcome, Unit: "ratio", Good: HigherIsBetter, Table: ContactFacts,
		Description: "Share of judged contacts whose customer did not fail: no further contact followed in the journey and the journey did not end badly (1 − failed-outcome rate).",
		Expr:        "CASE WHEN outcome_failed IS NOT NULL THEN 1 - CAST(outcome_failed AS DOUBLE) END",
	},
	{
		Name: "outcome_failed_ratio", Title: "Failed-outcome rate", Kind: Outcome, Unit: "ratio", Good: LowerIsBetter, Table: ContactFacts,
		Description: "Share of judged contacts whose customer failed: they came back in the same journey, or the journey ended badly. Judged: of an identified customer, and no longer open.",
		Expr:        "CAST(outcome_failed AS DOUBLE)",
	},
	{
		Name: "gap_ratio", Title: "Gap rate", Kind: Summary, Unit: "ratio", Good: LowerIsBetter, Table: ContactFacts,
		Description: "The McNamara gap: share of the judged claimed successes whose customer nevertheless failed (gap contacts / claimed-success contacts).",
		Expr:        "CASE WHEN claimed_success THEN CAST(gap AS DOUBLE) END",
	},
	{
		Name: "repeat_contact_ratio", Title: "Repeat-contact rate", Kind: Outcome, Unit: "ratio", Good: LowerIsBetter, Table: ContactFacts,
		Description: "Share of judged contacts after which the customer had to come back within the same journey.",
		Expr:        "CASE WHEN outcome_failed IS NOT NULL THEN CAST(followed_by_repeat AS DOUBLE) END",
	},
	{
		Name: "failure_demand_ratio", Title: "Failure demand share", Kind: Outcome, Unit: "ratio", Good: LowerIsBetter, Table: ContactFacts,
		Description: "Failure demand (Seddon): share of the contacts of identified customers (the ones a journey can follow) that are a 2nd or later contact of their journey. Anonymous contacts cannot be known as repeats and are left out of both counts.",
		Expr:        "CAST(is_repeat AS DOUBLE)",
	},
	{
		Name: "verified_resolution_ratio", Title: "Verified resolution", Kind: Outcome, Unit: "ratio", Good: HigherIsBetter, Table: ContactFacts,
		Description: "Share of judged contacts after which the need was verifiably resolved with no further contact (the last contact of a journey verified resolved).",
		Expr:        "CAST(verified_resolution AS DOUBLE)",
	},
	{
		Name: "days_to_resolution", Title: "Days to resolution", Kind: Outcome, Unit: "days", Good: LowerIsBetter, Table: Journeys,
		Description: "Days from a journey's first contact to its verified resolution: only journeys verified resolved that did not end badly (a resolution undone by a reopening, complaint, dispute or churn is none).",
		Expr:        "days_to_resolution",
	},
	{
		Name: "customer_effort_hours", Title: "Customer's time", Kind: Outcome, Unit: "hours", Good: LowerIsBetter, Table: Journeys,
		Description: "Hours the customer spent on a journey: waiting, being handled, and travelling to visits.",
		Expr:        "customer_hours",
	},
	{
		Name: "contacts_per_journey", Title: "Contacts per journey", Kind: Outcome, Unit: "contacts", Good: LowerIsBetter, Table: Journeys,
		Description: "Contacts the customer needed for one need.",
		Expr:        "CAST(contacts AS DOUBLE)",
	},
	{
		Name: "silo_hops", Title: "Hops", Kind: Outcome, Unit: "hops", Good: LowerIsBetter, Table: Journeys,
		Description: "Moves between departments or channels within a journey.",
		Expr:        "CAST(hops AS DOUBLE)",
	},
	{
		Name: "silo_loops", Title: "Loops", Kind: Outcome, Unit: "loops", Good: LowerIsBetter, Table: Journeys,
		Description: "Returns to a department·channel the journey had already visited (rinse and repeat).",
		Expr:        "CAST(loops AS DOUBLE)",
	},
}

// DefaultScorecard is the set of KPIs that make up claimed success unless
// configured otherwise: handled within the AHT target, answered within the
// wait target, and rated at or above the CSAT target when surveyed.
var DefaultScorecard = []string{"handle_time_seconds", "wait_time_seconds", "csat_score"}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Builtin returns a copy of the built-in metric definitions.
func Builtin() []Metric {
	out := make([]Metric, len(builtin))
	copy(out, builtin)
	return out
}

func lookup(ms []Metric, name string) (Metric, bool) {
	for _, m := range ms {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}

func kpiNames(ms []Metric) string {
	var n []string
	for _, m := range ms {
		if m.Kind == KPI {
			n = append(n, m.Name)
		}
	}
	return strings.Join(n, ", ")
}

func validateDefs(ms []Metric) error {
	seen := map[string]bool{}
	for _, m := range ms {
		switch {
		case !nameRE.MatchString(m.Name):
			return fmt.Errorf("metric %q: name must be snake_case", m.Name)
		case seen[m.Name]:
			return fmt.Errorf("metric %q defined twice", m.Name)
		case m.Kind != KPI && m.Kind != Outcome && m.Kind != Summary:
			return fmt.Errorf("metric %s: kind %q (want kpi, outcome or summary)", m.Name, m.Kind)
		case m.Title == "":
			return fmt.Errorf("metric %s: no title", m.Name)
		case m.Good != LowerIsBetter && m.Good != HigherIsBetter:
			return fmt.Errorf("metric %s: direction %q (want lower or higher)", m.Name, m.Good)
		case m.Expr == "":
			return fmt.Errorf("metric %s: no expression", m.Name)
		case m.Kind == KPI && m.Table != ContactFacts:
			return fmt.Errorf("metric %s: a KPI is measured per contact", m.Name)
		}
		seen[m.Name] = true
	}
	return nil
}
