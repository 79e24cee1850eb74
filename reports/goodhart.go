package reports

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// kpi is one per-KPI met flag of contact_facts.
type kpi struct {
	col   string // met_<name>
	name  string // catalog name
	title string // for sentences and legends
}

// kpis lists contact_facts' met_<kpi> BOOLEAN columns.
func (b *builder) kpis() []kpi {
	var out []kpi
	for c, typ := range b.schema["contact_facts"] {
		name, ok := strings.CutPrefix(c, "met_")
		if !ok || name == "" || typ != "BOOLEAN" {
			continue
		}
		out = append(out, kpi{col: c, name: name, title: humanize(name)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].col < out[j].col })
	return out
}

func (b *builder) goodhart(s *Section) error {
	if err := b.need("contact_facts", "agent_id", "team", "outcome_failed", "followed_by_repeat", "business_date"); err != nil {
		return err
	}
	ks := b.kpis()
	if len(ks) == 0 {
		return noData("No data: contact_facts has no met_<kpi> columns, so there is no KPI to compare with outcomes.")
	}
	if !b.total.ok {
		return noData(fmt.Sprintf("No data yet: no week has closed its %s-day repeat window, so no agent's outcomes are known.", b.window()))
	}
	t, err := rows[goodhartRow](b, "goodhart", "members", b.total.through)
	if err != nil {
		return err
	}
	ki := map[string]int{}
	for i, k := range ks {
		ki[k.col] = i
	}
	s.Data = &Table{Columns: []Column{
		col("agent", "Agent", fmtText), mcol("contacts", "Contacts", fmtInt, "contacts"), col("kpi", "KPI", fmtText),
		col("kpi_name", "Catalog name", fmtText), mcol("met_rate", "KPI met", fmtPct, "met_rate"),
		mcol("customer_rate", "Customer success", fmtPct, "customer_rate"),
	}, RowScope: &RowScope{Dim: "agent", MemberCol: "agent", Period: "settled", ArgCol: "kpi_name"}}
	xs := make([][]float64, len(ks))
	ys := make([][]float64, len(ks))
	type teamHit struct {
		team      string
		k         int
		met, back float64
		contacts  int64
	}
	var hit *teamHit
	for _, r := range t {
		i, ok := ki[r.KPI]
		if !ok {
			continue // a met_ column that is not a flag
		}
		k := ks[i]
		if r.Level == "team" {
			// The sentence names a team that mostly meets the KPI and
			// whose customers come back the most after it did.
			if r.Met != nil && r.Back != nil && *r.Met >= 0.5 && (hit == nil || *r.Back > hit.back) {
				hit = &teamHit{team: r.Member, k: i, met: *r.Met, back: *r.Back, contacts: r.Contacts}
			}
			continue
		}
		if r.Met == nil || r.Customer == nil {
			continue
		}
		s.Data.Rows = append(s.Data.Rows, []any{r.Member, r.Contacts, k.title, k.name, round(*r.Met), round(*r.Customer)})
		xs[i] = append(xs[i], *r.Met)
		ys[i] = append(ys[i], *r.Customer)
	}
	if len(s.Data.Rows) == 0 {
		return noData("No data: no agent has contacts with both a KPI flag and a known outcome.")
	}
	// Correlations: the kpi_outcome_correlation mart when present, else
	// computed here across the agents plotted, the same way round.
	type corr struct {
		kpi, level, source string
		rho                *float64
		n                  int64
	}
	var cs []corr
	// The mart's rho relates KPI attainment to the outcome-failed rate: above
	// zero, the members who meet the KPI more often fail more customers.
	if b.has("kpi_outcome_correlation", "kpi", "dimension", "spearman_rho", "n") {
		ct, err := rows[correlationRow](b, "goodhart", "correlation")
		if err != nil {
			return err
		}
		for _, r := range ct {
			cs = append(cs, corr{kpi: strings.TrimPrefix(r.KPI, "met_"), level: r.Level, rho: roundedPtr(r.Rho), n: r.N, source: "mart"})
		}
	}
	if len(cs) == 0 {
		for i, k := range ks {
			c := corr{kpi: k.name, level: "agent", n: int64(len(xs[i])), source: "computed"}
			failed := make([]float64, len(ys[i]))
			for k, y := range ys[i] {
				failed[k] = 1 - y
			}
			if rho, ok := spearman(xs[i], failed); ok {
				rho = round(rho)
				c.rho = &rho
			}
			cs = append(cs, c)
		}
	}
	title := func(name string) string {
		for _, k := range ks {
			if k.name == name {
				return k.title
			}
		}
		if name == "claimed_success" {
			return "whole scorecard"
		}
		return humanize(name)
	}
	s.Table = &Table{Columns: []Column{
		col("kpi", "KPI", fmtText), col("kpi_name", "Catalog name", fmtText), col("level", "Across", fmtText),
		mcol("rho", "Spearman ρ, KPI met vs customers failed", fmtNum, "spearman_rho"),
		mcol("n", "Members", fmtInt, "rho_members"), col("source", "Computed by", fmtText),
	}, RowScope: &RowScope{DimCol: "level", Period: "settled", ArgCol: "kpi_name"}}
	var focus *corr
	for i, c := range cs {
		s.Table.Rows = append(s.Table.Rows, []any{title(c.kpi), c.kpi, c.level, nullable(c.rho), c.n, c.source})
		if c.level == "agent" && c.rho != nil && (focus == nil || *c.rho > *focus.rho) {
			focus = &cs[i]
		}
	}
	selected := ""
	if focus != nil {
		// The chart opens on the KPI the sentence is about.
		selected = title(focus.kpi)
	}
	s.Chart = &Chart{Kind: "goodhart", Option: goodhartOption(s.Data, ks, selected)}
	var f figs
	defer func() { s.Figures = f.list }()
	agents := Scope{Dim: "agent", Period: "settled"}
	if focus == nil {
		s.Finding = "Too few agents to measure whether meeting a KPI goes with better customer outcomes."
	} else {
		across := f.nArg("rho_members", focus.kpi, focus.n, agents) + " " + noun(focus.n, "agent", "agents")
		r := f.rho("spearman_rho", focus.kpi, *focus.rho, agents)
		switch {
		case *focus.rho > 0.1:
			s.Finding = fmt.Sprintf("Across %s, meeting the %s target goes with more failed customers (Spearman ρ = %s): the agents who hit it most often fail their customers more.",
				across, title(focus.kpi), r)
		case *focus.rho >= -0.1:
			s.Finding = fmt.Sprintf("Across %s, meeting the %s target is unrelated to customer outcomes (Spearman ρ = %s): hitting it says nothing about the customer.",
				across, title(focus.kpi), r)
		default:
			s.Finding = fmt.Sprintf("Across %s, every KPI goes with fewer failed customers; the weakest link is %s (Spearman ρ = %s).",
				across, title(focus.kpi), r)
		}
	}
	if hit != nil && hit.back > 0 {
		sc := Scope{Dim: "team", Member: hit.team, Period: "settled"}
		s.Finding += fmt.Sprintf(" Team %s meets its %s target on %s of contacts, yet %s of those customers had to come back.",
			quoted(hit.team), ks[hit.k].title, f.pctArg("met_rate", ks[hit.k].name, hit.met, sc), f.pctArg("back_rate", ks[hit.k].name, hit.back, sc))
	}
	s.Note = "Over the settled contacts (" + b.settledSpan(&f) + ")."
	return nil
}

// humanize turns a catalog name such as handle_time_seconds into words
// for a sentence ("handle time"): the unit suffix goes, the unit is in the
// glossary.
func humanize(name string) string {
	for _, unit := range []string{"_seconds", "_minutes", "_hours", "_days", "_ratio", "_score", "_count", "_total"} {
		if n, ok := strings.CutSuffix(name, unit); ok && n != "" {
			name = n
			break
		}
	}
	return strings.ReplaceAll(name, "_", " ")
}

func rho(r float64) string {
	s := fmt.Sprintf("%.2f", r)
	if r < 0 {
		return "−" + s[1:]
	}
	return s
}

// spearman is the rank correlation of x and y (ties get their mean rank).
func spearman(x, y []float64) (float64, bool) {
	if len(x) < 3 || len(x) != len(y) {
		return 0, false
	}
	rx, ry := ranks(x), ranks(y)
	n := float64(len(x))
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mx, ry[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0, false
	}
	return sxy / math.Sqrt(sxx*syy), true
}

func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case v[a] < v[b]:
			return -1
		case v[a] > v[b]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}

// Typed rows of sql/report/goodhart.sql.

type goodhartRow struct {
	Level    string   `col:"level"`
	Member   string   `col:"member"`
	Contacts int64    `col:"contacts"`
	Customer *float64 `col:"customer_rate"`
	KPI      string   `col:"kpi"`
	Met      *float64 `col:"met_rate"`
	Back     *float64 `col:"back_rate"`
}

type correlationRow struct {
	KPI   string   `col:"kpi"`
	Level string   `col:"level"`
	Rho   *float64 `col:"rho"`
	N     int64    `col:"n"`
}

var goodhartTip = []tipLine{{"KPI", "kpi"}, {"KPI met", "met_rate"}, {"Customer success", "customer_rate"}, {"Contacts", "contacts"}}

// goodhartOption draws the agents, a series a KPI (one shown at a time,
// selected first), KPI met across, customer success up.
func goodhartOption(t *Table, ks []kpi, selected string) *Option {
	o := newOption()
	o.Legend = scrollLegend()
	o.Legend.SelectedMode = "single"
	o.Grid = grid(64, 24, 40, 52)
	o.Tooltip = tooltip("item")
	for _, l := range goodhartTip {
		o.TipLines = append(o.TipLines, l.Label)
	}
	o.XAxis = []opts.XAxis{{Type: "value", Name: "Share of contacts meeting the KPI target →", NameLocation: "middle", NameGap: 30,
		Min: 0, Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}}
	o.YAxis = []opts.YAxis{{Type: "value", Name: "Customer success →", NameLocation: "middle", NameGap: 46,
		Min: 0, Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}}
	for i, k := range ks {
		if selected != "" {
			if o.Legend.Selected == nil {
				o.Legend.Selected = map[string]bool{}
			}
			o.Legend.Selected[oneLine(k.title)] = k.title == selected
		}
		items := []Item{}
		for _, r := range t.Rows {
			if cellText(t, r, "kpi_name") != k.name {
				continue
			}
			items = append(items, Item{Value: []any{chartValue(colOf(t, "met_rate"), cellAt(t, r, "met_rate")),
				chartValue(colOf(t, "customer_rate"), cellAt(t, r, "customer_rate"))},
				Tip: tipOf(t, r, "Agent "+oneLine(cellText(t, r, "agent")), goodhartTip)})
		}
		o.Series = append(o.Series, Series{SingleSeries: charts.SingleSeries{Name: oneLine(k.title), Type: "scatter", SymbolSize: 10,
			ItemStyle: &opts.ItemStyle{Color: palette[i%len(palette)], Opacity: opts.Float(0.8)}, Data: items}})
	}
	return o
}
