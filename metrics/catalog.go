package metrics

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Level is where a target applies. Precedence, most specific first:
// team > department > channel > default. A team usually belongs to one
// department and is the unit a supervisor is measured on, so its target
// wins; a department's target wins over a channel's because departments
// own their processes whatever the channel; the channel target only
// refines the default (an e-mail is not answered in phone time).
type Level string

const (
	LevelTeam       Level = "team"
	LevelDepartment Level = "department"
	LevelChannel    Level = "channel"
	LevelDefault    Level = "default"
)

// Levels in precedence order (first wins).
var Levels = []Level{LevelTeam, LevelDepartment, LevelChannel, LevelDefault}

func (l Level) rank() int { return slices.Index(Levels, l) }

// TargetSpec overrides the targets of one KPI. Maps are keyed by the
// member's exact value in the data (team name, department name, channel).
type TargetSpec struct {
	Default    *float64           `toml:"default" json:"default,omitempty"`
	Channel    map[string]float64 `toml:"channel" json:"channel,omitempty"`
	Department map[string]float64 `toml:"department" json:"department,omitempty"`
	Team       map[string]float64 `toml:"team" json:"team,omitempty"`
}

// Config is the [metrics] section of the configuration:
//
//	[metrics]
//	scorecard = ["handle_time_seconds", "wait_time_seconds", "csat_score"]
//	[metrics.targets.handle_time_seconds]
//	default = 300
//	department = { Billing = 420 }
//	team = { "Billing B" = 360 }
//	channel = { chat = 600 }
type Config struct {
	// Scorecard lists the KPIs whose targets must all hold for a contact
	// to count as a claimed success. Nil means DefaultScorecard; an empty
	// list means the disposition alone decides.
	Scorecard []string `toml:"scorecard"`
	// Targets override the built-in targets, per KPI.
	Targets map[string]TargetSpec `toml:"targets"`
	// ServiceLevelSeconds is the answer threshold of service_level_ratio
	// (nil: DefaultServiceLevelSeconds).
	ServiceLevelSeconds *float64 `toml:"service_level_seconds"`
	// AmberBand is how far on the wrong side of its target a KPI is amber
	// rather than red, as a share of the target (nil: DefaultAmberBand).
	AmberBand *float64 `toml:"amber_band"`
}

// Defaults of the [metrics] parameters.
const (
	DefaultServiceLevelSeconds = 20
	DefaultAmberBand           = 0.1
)

// Target is one target in force.
type Target struct {
	Metric string  `json:"metric"`
	Level  Level   `json:"level"`
	Member string  `json:"member,omitempty"` // empty for the default
	Value  float64 `json:"value"`
}

// Catalog is the metric definitions with the targets and scorecard in force.
type Catalog struct {
	metrics   []Metric
	scorecard []string
	targets   []Target // sorted by metric order, level precedence, member
	// serviceLevel is the service-level threshold in seconds, amberBand the
	// share of a target within which a missed KPI is amber.
	serviceLevel, amberBand float64
}

// Default returns the catalog with built-in targets and scorecard.
func Default() *Catalog {
	c, err := New(Config{})
	if err != nil {
		panic(err) // the built-in catalog is validated by tests
	}
	return c
}

// New applies cfg to the built-in definitions. Unknown metric names, targets
// on outcome measures, non-finite values and duplicate scorecard entries are
// errors that name the offending entry.
func New(cfg Config) (*Catalog, error) {
	return newCatalog(Builtin(), cfg)
}

func newCatalog(defs []Metric, cfg Config) (*Catalog, error) {
	if err := validateDefs(defs); err != nil {
		return nil, err
	}
	c := &Catalog{metrics: defs, serviceLevel: DefaultServiceLevelSeconds, amberBand: DefaultAmberBand}
	if v := cfg.ServiceLevelSeconds; v != nil {
		if math.IsNaN(*v) || math.IsInf(*v, 0) || *v <= 0 {
			return nil, fmt.Errorf("metrics.service_level_seconds = %v: want a positive number of seconds", *v)
		}
		c.serviceLevel = *v
	}
	if v := cfg.AmberBand; v != nil {
		if math.IsNaN(*v) || *v < 0 || *v >= 1 {
			return nil, fmt.Errorf("metrics.amber_band = %v: want a share of the target from 0 to below 1 (0.1 = within 10%%)", *v)
		}
		c.amberBand = *v
	}
	sl := strconv.FormatFloat(c.serviceLevel, 'f', -1, 64)
	for i := range c.metrics {
		c.metrics[i].Expr = strings.ReplaceAll(c.metrics[i].Expr, "{service_level_seconds}", sl)
		c.metrics[i].Description = strings.ReplaceAll(c.metrics[i].Description, "{service_level_seconds}", sl)
	}
	sc := cfg.Scorecard
	if sc == nil {
		sc = DefaultScorecard
	}
	seen := map[string]bool{}
	for _, name := range sc {
		m, ok := lookup(defs, name)
		switch {
		case !ok:
			return nil, fmt.Errorf("metrics.scorecard: unknown KPI %q (known KPIs: %s)", name, kpiNames(defs))
		case m.Kind != KPI:
			return nil, fmt.Errorf("metrics.scorecard: %q is %s, not a KPI (known KPIs: %s)", name, m.Kind.phrase(), kpiNames(defs))
		case seen[name]:
			return nil, fmt.Errorf("metrics.scorecard: %q listed twice", name)
		}
		seen[name] = true
	}
	c.scorecard = slices.Clone(sc)

	for _, name := range slices.Sorted(maps.Keys(cfg.Targets)) {
		m, ok := lookup(defs, name)
		if !ok {
			return nil, fmt.Errorf("metrics.targets.%s: unknown KPI %q (known KPIs: %s)", name, name, kpiNames(defs))
		}
		if m.Kind != KPI {
			return nil, fmt.Errorf("metrics.targets.%s: %q is %s; targets apply to KPIs only", name, name, m.Kind.phrase())
		}
		if err := cfg.Targets[name].validate("metrics.targets." + name); err != nil {
			return nil, err
		}
	}
	for _, m := range defs {
		if m.Kind != KPI {
			continue
		}
		spec := cfg.Targets[m.Name]
		def := m.Target
		if spec.Default != nil {
			def = spec.Default
		}
		if def != nil {
			c.targets = append(c.targets, Target{Metric: m.Name, Level: LevelDefault, Value: *def})
		}
		add := func(l Level, builtin, over map[string]float64) {
			merged := maps.Clone(builtin)
			if merged == nil {
				merged = map[string]float64{}
			}
			maps.Copy(merged, over)
			for _, member := range slices.Sorted(maps.Keys(merged)) {
				c.targets = append(c.targets, Target{Metric: m.Name, Level: l, Member: member, Value: merged[member]})
			}
		}
		add(LevelChannel, m.ChannelTargets, spec.Channel)
		add(LevelDepartment, nil, spec.Department)
		add(LevelTeam, nil, spec.Team)
	}
	order := map[string]int{}
	for i, m := range defs {
		order[m.Name] = i
	}
	slices.SortStableFunc(c.targets, func(a, b Target) int {
		return cmp.Or(cmp.Compare(order[a.Metric], order[b.Metric]),
			cmp.Compare(a.Level.rank(), b.Level.rank()), cmp.Compare(a.Member, b.Member))
	})
	return c, nil
}

func (s TargetSpec) validate(where string) error {
	check := func(key string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: %s is not a finite number", where, key)
		}
		return nil
	}
	if s.Default != nil {
		if err := check("default", *s.Default); err != nil {
			return err
		}
	}
	for level, m := range map[string]map[string]float64{"channel": s.Channel, "department": s.Department, "team": s.Team} {
		for member, v := range m {
			if strings.TrimSpace(member) == "" {
				return fmt.Errorf("%s.%s: empty %s name", where, level, level)
			}
			if err := check(fmt.Sprintf("%s %q", level, member), v); err != nil {
				return err
			}
		}
	}
	return nil
}

// ServiceLevelSeconds is the service-level threshold in force.
func (c *Catalog) ServiceLevelSeconds() float64 { return c.serviceLevel }

// AmberBand is the share of a target within which a missed KPI is amber.
func (c *Catalog) AmberBand() float64 { return c.amberBand }

// Status is a KPI's red/amber/green against its target: green when the
// target holds, amber when it misses by no more than band × target, red
// otherwise.
func Status(good Direction, value, target, band float64) string {
	switch {
	case Metric{Good: good}.MetValue(value, target):
		return "green"
	case good == HigherIsBetter && value >= target*(1-band),
		good == LowerIsBetter && value <= target*(1+band):
		return "amber"
	}
	return "red"
}

// Metrics returns all metrics in catalog order.
func (c *Catalog) Metrics() []Metric { return slices.Clone(c.metrics) }

// KPIs returns the KPIs in catalog order.
func (c *Catalog) KPIs() []Metric {
	var out []Metric
	for _, m := range c.metrics {
		if m.Kind == KPI {
			out = append(out, m)
		}
	}
	return out
}

// Metric returns the metric named name.
func (c *Catalog) Metric(name string) (Metric, bool) { return lookup(c.metrics, name) }

// Scorecard returns the KPIs that make up claimed success, in configured order.
func (c *Catalog) Scorecard() []string { return slices.Clone(c.scorecard) }

// InScorecard reports whether the KPI is part of claimed success.
func (c *Catalog) InScorecard(name string) bool { return slices.Contains(c.scorecard, name) }

// Targets returns every target in force: per metric (catalog order), most
// specific level first.
func (c *Catalog) Targets() []Target { return slices.Clone(c.targets) }

// Resolve returns the target in force for a contact of the given team,
// department and channel (empty = unknown), and the level it came from.
// ok is false when the KPI has no target for that contact: it is then not
// measured against anything and does not hold back claimed success.
func (c *Catalog) Resolve(metric, team, department, channel string) (t Target, ok bool) {
	for _, cand := range c.targets {
		if cand.Metric != metric {
			continue
		}
		var match bool
		switch cand.Level {
		case LevelTeam:
			match = team != "" && cand.Member == team
		case LevelDepartment:
			match = department != "" && cand.Member == department
		case LevelChannel:
			match = channel != "" && cand.Member == channel
		case LevelDefault:
			match = true
		}
		// targets are sorted most specific first, so the first match wins.
		if match {
			return cand, true
		}
	}
	return Target{}, false
}

// Entry is one metric as listed by `mcnamara metrics --format json`.
type Entry struct {
	Name        string    `json:"name"`
	Title       string    `json:"title"`
	Kind        Kind      `json:"kind"`
	Unit        string    `json:"unit"`
	Good        Direction `json:"good"`
	Table       string    `json:"table"`
	Expr        string    `json:"expr"`
	Aggregate   string    `json:"aggregate"`
	InScorecard bool      `json:"in_scorecard"`
	Description string    `json:"description"`
	Targets     []Target  `json:"targets,omitempty"`
}

// Entries lists the catalog with the targets in force.
func (c *Catalog) Entries() []Entry {
	out := make([]Entry, 0, len(c.metrics))
	for _, m := range c.metrics {
		e := Entry{Name: m.Name, Title: m.Title, Kind: m.Kind, Unit: m.Unit, Good: m.Good, Table: m.Table,
			Expr: m.Expr, Aggregate: m.Aggregate(), InScorecard: c.InScorecard(m.Name), Description: m.Description}
		for _, t := range c.targets {
			if t.Metric == m.Name {
				e.Targets = append(e.Targets, t)
			}
		}
		out = append(out, e)
	}
	return out
}
