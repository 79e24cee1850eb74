// Package contract is the canonical data contract of the lake: the tables,
// their columns and types, the enums and the value rules. Every validation
// (the SQL that ingest runs, the Go checks used by the generator and tests)
// is derived from the definitions here, so a rule is stated exactly once.
package contract

import (
	"fmt"
	"slices"
	"strings"
)

// Channel values of contacts.channel.
var Channels = []string{"phone", "chat", "email", "branch", "store", "web", "app", "social", "ivr", "other"}

// Dispositions of contacts.disposition.
var Dispositions = []string{"resolved", "unresolved", "transferred", "escalated", "abandoned", "callback", "other"}

// OutcomeKinds of outcomes.kind.
var OutcomeKinds = []string{"resolved", "reopened", "complaint", "dispute", "churn", "refund", "cancelled"}

// Type is the DuckDB type a contract column is stored as.
type Type string

const (
	Text    Type = "VARCHAR"
	Instant Type = "TIMESTAMPTZ"
	Float   Type = "DOUBLE"
	Int     Type = "INTEGER"
	Bool    Type = "BOOLEAN"
)

// Column is one contract column with its rules.
type Column struct {
	Name     string
	Type     Type
	Required bool     // null is refused
	Enum     []string // allowed values (after lower-casing and trimming)
	Min, Max *float64 // inclusive numeric range
	MaxLen   int      // maximum length in characters for text (0 = default)
	Doc      string
}

// Table is one contract table.
type Table struct {
	Name string
	// Key columns: a key loaded twice keeps one row (the first).
	Key []string
	// Time is the instant column that partitions the table by business
	// date; empty means the table is not partitioned.
	Time    string
	Columns []Column
	Doc     string
}

// Lineage columns carried by every loaded row.
const (
	BatchCol = "_batch_id"
	FileCol  = "_source_file"
	LineCol  = "_source_line"
	// DateCol is the hive partition column: the business-time-zone date.
	DateCol = "date"
)

// DefaultMaxLen bounds text fields; longer values are refused, not truncated,
// so nothing is silently altered.
const DefaultMaxLen = 4096

func f(v float64) *float64 { return &v }

// Tables of the contract, in load order.
var Tables = []Table{
	{
		Name: "contacts", Key: []string{"source_system", "contact_id"}, Time: "started_at",
		Doc: "One interaction: a call, chat, e-mail, visit, web/app session or IVR call.",
		Columns: []Column{
			{Name: "contact_id", Type: Text, Required: true, Doc: "unique per source_system"},
			{Name: "source_system", Type: Text, Required: true, Doc: "the system that exported the row"},
			{Name: "customer_key", Type: Text, Doc: "customer id in the source system; null = anonymous"},
			{Name: "case_id", Type: Text, Doc: "ticket/case that groups contacts about one need"},
			{Name: "channel", Type: Text, Required: true, Enum: Channels},
			{Name: "department", Type: Text, Doc: "queue, skill or department that handled the contact"},
			{Name: "agent_id", Type: Text},
			{Name: "team", Type: Text},
			{Name: "topic", Type: Text},
			{Name: "started_at", Type: Instant, Required: true, Doc: "when the contact started (stored in UTC)"},
			{Name: "wait_seconds", Type: Float, Min: f(0), Max: f(7 * 86400)},
			{Name: "handle_seconds", Type: Float, Min: f(0), Max: f(7 * 86400),
				Doc: "the agent's whole handle time as AHT counts it: talk + hold + after-call work"},
			{Name: "hold_seconds", Type: Float, Min: f(0), Max: f(7 * 86400),
				Doc: "the part of handle_seconds the customer spent on hold; null when the source does not say"},
			{Name: "transferred_to", Type: Text},
			{Name: "disposition", Type: Text, Enum: Dispositions},
			{Name: "sla_met", Type: Bool, Doc: "the source's own SLA verdict"},
			{Name: "csat", Type: Float, Min: f(1), Max: f(5)},
			{Name: "reassignments", Type: Int, Min: f(0), Max: f(1000),
				Doc: "times the source passed the contact between groups or agents internally (e.g. ServiceNow reassignment_count); each is a silo hop of its journey"},
		},
	},
	{
		Name: "outcomes", Key: []string{"source_system", "event_id"}, Time: "occurred_at",
		Doc: "Customer-outcome events: verified resolutions, reopenings, complaints, disputes, churn.",
		Columns: []Column{
			{Name: "event_id", Type: Text, Required: true},
			{Name: "source_system", Type: Text, Required: true},
			{Name: "customer_key", Type: Text},
			{Name: "case_id", Type: Text},
			{Name: "occurred_at", Type: Instant, Required: true},
			{Name: "kind", Type: Text, Required: true, Enum: OutcomeKinds},
			{Name: "amount", Type: Float},
			{Name: "note", Type: Text},
		},
	},
	{
		Name: "surveys", Key: []string{"source_system", "contact_id"}, Time: "answered_at",
		Doc: "Post-contact surveys.",
		Columns: []Column{
			{Name: "contact_id", Type: Text, Required: true},
			{Name: "source_system", Type: Text, Required: true},
			{Name: "answered_at", Type: Instant, Required: true},
			{Name: "csat", Type: Float, Min: f(1), Max: f(5)},
			{Name: "nps", Type: Int, Min: f(0), Max: f(10)},
		},
	},
	{
		Name: "identities", Key: []string{"source_system", "customer_key"},
		Doc: "Maps each system's customer key to one person.",
		Columns: []Column{
			{Name: "source_system", Type: Text, Required: true},
			{Name: "customer_key", Type: Text, Required: true},
			{Name: "person_id", Type: Text, Required: true},
		},
	},
}

// Lookup returns the table named name.
func Lookup(name string) (Table, error) {
	for _, t := range Tables {
		if t.Name == name {
			return t, nil
		}
	}
	names := make([]string, len(Tables))
	for i, t := range Tables {
		names[i] = t.Name
	}
	return Table{}, fmt.Errorf("unknown table %q (want one of %s)", name, strings.Join(names, ", "))
}

// Column returns the column named name.
func (t Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// Normalize is how enum values are compared: trimmed, lower case.
func Normalize(v string) string { return strings.ToLower(strings.TrimSpace(v)) }

// CheckValue validates one non-null value already converted to the
// column's type (string, float64, int, bool, time.Time). It returns the
// reason a value is refused, or "" when it is acceptable.
func (c Column) CheckValue(v any) string {
	switch x := v.(type) {
	case string:
		if len(c.Enum) > 0 && !slices.Contains(c.Enum, Normalize(x)) {
			return fmt.Sprintf("%s: %q is not one of %s", c.Name, x, strings.Join(c.Enum, "|"))
		}
		if n := c.maxLen(); len([]rune(x)) > n {
			return fmt.Sprintf("%s: longer than %d characters", c.Name, n)
		}
		if c.Required && strings.TrimSpace(x) == "" {
			return fmt.Sprintf("%s: required but empty", c.Name)
		}
	case float64:
		return c.checkRange(x)
	case int:
		return c.checkRange(float64(x))
	}
	return ""
}

func (c Column) checkRange(x float64) string {
	if c.Min != nil && x < *c.Min {
		return fmt.Sprintf("%s: %v is below the minimum %v", c.Name, x, *c.Min)
	}
	if c.Max != nil && x > *c.Max {
		return fmt.Sprintf("%s: %v is above the maximum %v", c.Name, x, *c.Max)
	}
	return ""
}

func (c Column) maxLen() int {
	if c.MaxLen > 0 {
		return c.MaxLen
	}
	return DefaultMaxLen
}
