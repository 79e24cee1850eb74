package reports

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/mcnamara/mcnamara/sql/duck"
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
	// One scan for both levels, over the settled contacts (as the mart).
	// Open contacts (repeat window not yet closed) are neither success nor
	// failure: outcome_failed is NULL and avg skips them.
	sel := []string{
		"CASE WHEN grouping(agent_id) = 0 THEN 'agent' ELSE 'team' END AS level",
		"coalesce(agent_id, team) AS member",
		"count(*) AS contacts",
		"1 - avg(CAST(outcome_failed AS DOUBLE)) AS customer_rate",
	}
	for i, k := range ks {
		sel = append(sel,
			fmt.Sprintf("avg(CAST(%s AS DOUBLE)) AS k%d_met", duck.Ident(k.col), i),
			fmt.Sprintf("avg(CASE WHEN %s THEN CAST(followed_by_repeat AS DOUBLE) END) AS k%d_back", duck.Ident(k.col), i))
	}
	t, err := b.q.query(b.ctx, "SELECT "+strings.Join(sel, ", ")+`
		FROM contact_facts WHERE started_at <= CAST(? AS TIMESTAMPTZ)
		GROUP BY GROUPING SETS ((agent_id), (team))
		HAVING coalesce(agent_id, team) IS NOT NULL
		QUALIFY row_number() OVER (PARTITION BY level ORDER BY contacts DESC, member) <= 1000
		ORDER BY level, contacts DESC, member`, b.total.through)
	if err != nil {
		return err
	}
	s.Chart = &Chart{Kind: "goodhart"}
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
	for _, r := range t.recs() {
		cust, okc := r.num("customer_rate")
		for i, k := range ks {
			met, okm := r.num(fmt.Sprintf("k%d_met", i))
			if r.str("level") == "team" {
				back, okb := r.num(fmt.Sprintf("k%d_back", i))
				// The sentence names a team that mostly meets the KPI and
				// whose customers come back the most after it did.
				if okm && okb && met >= 0.5 && (hit == nil || back > hit.back) {
					hit = &teamHit{team: r.str("member"), k: i, met: met, back: back, contacts: r.int("contacts")}
				}
				continue
			}
			if !okm || !okc {
				continue
			}
			s.Data.Rows = append(s.Data.Rows, []any{r.get("member"), r.int("contacts"), k.title, k.name, round(met), round(cust)})
			xs[i] = append(xs[i], met)
			ys[i] = append(ys[i], cust)
		}
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
	if lv := b.firstCol("kpi_outcome_correlation", "level", "dimension"); lv != "" && b.has("kpi_outcome_correlation", "kpi", "spearman_rho", "n") {
		ct, err := b.q.query(b.ctx, `SELECT kpi, `+duck.Ident(lv)+` AS level, CAST(spearman_rho AS DOUBLE) AS rho, CAST(n AS BIGINT) AS n
			FROM kpi_outcome_correlation ORDER BY level, kpi`)
		if err != nil {
			return err
		}
		for _, r := range ct.recs() {
			cs = append(cs, corr{kpi: strings.TrimPrefix(r.str("kpi"), "met_"), level: r.str("level"), rho: r.rounded("rho"), n: r.int("n"), source: "mart"})
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
	kt := make([]any, len(ks))
	for i, k := range ks {
		kt[i] = k.title
	}
	s.Chart.Params = map[string]any{"kpis": kt}
	if focus != nil {
		// The chart opens on the KPI the sentence is about.
		s.Chart.Params["selected"] = title(focus.kpi)
	}
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
