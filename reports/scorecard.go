package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// scorecardKPI is a KPI the gap mart aggregates (<kpi>, target_<kpi>,
// <kpi>_contacts) with what the report needs to judge it.
type scorecardKPI struct {
	name, title, unit string
	good              metrics.Direction
}

// scorecardKPIs are the catalog's KPIs the gap mart has columns for, in
// catalog order.
func (b *builder) scorecardKPIs() []scorecardKPI {
	var out []scorecardKPI
	for _, m := range b.meta.Metrics {
		if m.Kind != string(metrics.KPI) || !b.has("gap", m.Name, "target_"+m.Name, m.Name+"_contacts") {
			continue
		}
		out = append(out, scorecardKPI{name: m.Name, title: m.Title, unit: m.Unit, good: metrics.Direction(m.Good)})
	}
	return out
}

func (b *builder) amberBand() float64 {
	if b.meta.AmberBand > 0 {
		return b.meta.AmberBand
	}
	return metrics.DefaultAmberBand
}

// scorecard is the organisation's own scorecard: every KPI of every
// department and team against the target in force, red, amber or green
// (metrics.Status), over the settled contacts, beside the customers'
// verified-outcome rate it does not show.
func (b *builder) scorecard(s *Section) error {
	if err := b.need("gap", gapCols...); err != nil {
		return err
	}
	ks := b.scorecardKPIs()
	if len(ks) == 0 {
		return noData("No data: the gap mart has no KPI columns (rebuild the marts with this version of mcnamara, with the metric catalog).")
	}
	if !b.total.ok {
		return noData(fmt.Sprintf("No data yet: no contact has closed its %s-day repeat window, so the customers' side of the scorecard is unknown.", b.window()))
	}
	sel := []string{"dimension", "member", "CAST(contacts AS BIGINT) AS contacts",
		"CAST(judged_contacts AS BIGINT) AS judged", "CAST(outcome_failed_contacts AS BIGINT) AS failed"}
	for i, k := range ks {
		sel = append(sel, fmt.Sprintf("CAST(%s AS DOUBLE) AS v%d, CAST(%s AS DOUBLE) AS t%d, CAST(%s AS BIGINT) AS n%d",
			duck.Ident(k.name), i, duck.Ident("target_"+k.name), i, duck.Ident(k.name+"_contacts"), i))
	}
	t, err := b.q.query(b.ctx, "SELECT "+strings.Join(sel, ", ")+`
		FROM gap WHERE grain = 'settled' AND dimension IN ('all', 'department', 'team') AND member <> ?
		ORDER BY CASE dimension WHEN 'all' THEN 0 WHEN 'department' THEN 1 ELSE 2 END, contacts DESC, member`, noMember)
	if err != nil {
		return err
	}
	rs := t.recs()
	if len(rs) > 61 { // the organisation, then at most 60 members
		rs = rs[:61]
	}
	s.Data = &Table{Columns: []Column{
		col("level", "Level", fmtText), col("member", "Name", fmtText), col("kpi", "KPI", fmtText), col("kpi_name", "Catalog name", fmtText),
		col("unit", "Unit", fmtText), mcol("value", "Value", fmtNum, "kpi_value"), mcol("target", "Target in force", fmtNum, "kpi_target"),
		mcol("status", "Status", fmtText, "kpi_status"), mcol("contacts", "Contacts measured", fmtInt, "kpi_contacts"),
	}, RowScope: &RowScope{DimCol: "level", MemberCol: "member", Period: "settled", ArgCol: "kpi_name"}}
	band := b.amberBand()
	type tally struct {
		member, level string
		green, judged int
		customer      *float64
		contacts      int64
	}
	var members []tally
	g := &Grid{Corner: "Department / team"}
	for _, k := range ks {
		g.Columns = append(g.Columns, GridColumn{Label: k.title, Help: k.name})
	}
	g.Columns = append(g.Columns, GridColumn{Label: "Verified good outcome (customers)", Help: "customer_rate"})
	for _, r := range rs {
		level, name := r.str("dimension"), r.str("member")
		m := tally{member: name, level: level, contacts: r.int("contacts")}
		_, m.customer, _ = rates(r.int("judged"), 0, r.int("failed"), 0)
		sc := Scope{Dim: level, Member: name, Period: "settled"}
		row := GridRow{Label: level + " " + name}
		if level == "all" {
			row.Label = "Organisation"
		}
		for i, k := range ks {
			v, okv := r.num(fmt.Sprintf("v%d", i))
			tg, okt := r.num(fmt.Sprintf("t%d", i))
			n := r.int(fmt.Sprintf("n%d", i))
			if !okv || !okt || n == 0 {
				row.Cells = append(row.Cells, GridCell{})
				continue
			}
			st := metrics.Status(k.good, v, tg, band)
			m.judged++
			if st == "green" {
				m.green++
			}
			s.Data.Rows = append(s.Data.Rows, []any{level, name, k.title, k.name, k.unit, round(v), round(tg), st, n})
			vt, tt := kpiText(k.unit, v), kpiText(k.unit, tg)
			row.Cells = append(row.Cells, GridCell{Text: vt, Status: st,
				Title:  fmt.Sprintf("%s: %s against a target of %s (%s is better); %s contacts", st, vt, tt, k.good, count(n)),
				Figure: &Figure{Text: vt, Measure: "kpi_value", Value: v, Scope: sc, Arg: k.name},
				Target: &Figure{Text: tt, Measure: "kpi_target", Value: tg, Scope: sc, Arg: k.name}})
		}
		cell := GridCell{}
		if m.customer != nil {
			t := pct(*m.customer)
			cell = GridCell{Text: t, Figure: &Figure{Text: t, Measure: "customer_rate", Value: fnum(*m.customer), Scope: sc}}
		}
		row.Cells = append(row.Cells, cell)
		g.Rows = append(g.Rows, row)
		members = append(members, m)
	}
	if len(s.Data.Rows) == 0 {
		return noData("No data: no department or team was measured on a KPI with a target.")
	}
	s.Grid = g
	var f figs
	defer func() { s.Figures = f.list }()
	// The department the scorecard likes best, and what its customers say.
	var best *tally
	var org *tally
	for i := range members {
		m := &members[i]
		if m.level == "all" {
			org = m
		}
		if m.level == "department" && m.judged > 0 && (best == nil || m.green*best.judged > best.green*m.judged ||
			(m.green*best.judged == best.green*m.judged && m.contacts > best.contacts)) {
			best = m
		}
	}
	switch {
	case best == nil || org == nil || best.customer == nil || org.customer == nil:
		s.Finding = "The scorecard has no department measured on its KPIs."
	default:
		sc := Scope{Dim: "department", Member: best.member, Period: "settled"}
		s.Finding = fmt.Sprintf("By its own scorecard %s does best, green on %s of %s KPIs, yet %s of its judged customers had a verified good outcome (the organisation: %s).",
			quoted(best.member), f.nArg("kpis_green", "", int64(best.green), sc), f.nArg("kpis_measured", "", int64(best.judged), sc),
			f.pct("customer_rate", *best.customer, sc), f.pct("customer_rate", *org.customer, allSettled))
	}
	s.Note = fmt.Sprintf("Green ✓: the target in force holds; amber ~: missed by at most %s of the target; red ✗: further off. Over the settled contacts (%s); the last column is the customers' view.",
		f.add(strconv.FormatFloat(band*100, 'f', -1, 64)+"%", "amber_band", band, Scope{}, ""), b.settledSpan(&f))
	return nil
}

// kpiText prints a KPI's value by its catalog unit: durations as dur,
// ratios as percentages, scores and counts to a tenth below ten.
func kpiText(unit string, v float64) string {
	switch unit {
	case "seconds", "s":
		return dur(v)
	case "ratio", "share", "rate":
		return pct(v)
	}
	if math.Abs(v) >= 10 {
		return count(int64(math.Round(v)))
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}
