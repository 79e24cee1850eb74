package reports

import (
	"fmt"
	"math"
	"strconv"
)

// money renders an amount in the report's currency: whole units with
// thousands separators, cents below 100 ("$43,128", "$4.27", "1,200 CHF").
func money(v float64, currency string) string {
	neg := v < 0
	v = math.Abs(v)
	var s string
	if v < 100 {
		whole := int64(v)
		s = count(whole) + "." + fmt.Sprintf("%02d", int64(math.Round((v-float64(whole))*100))%100)
		if math.Round((v-float64(whole))*100) >= 100 {
			s = count(whole+1) + ".00"
		}
	} else {
		s = count(int64(math.Round(v)))
	}
	sym := map[string]string{"USD": "$", "EUR": "€", "GBP": "£"}[currency]
	if sym != "" {
		s = sym + s
	} else {
		s += " " + currency
	}
	if neg {
		return "−" + s
	}
	return s
}

// currency is the cost marts' currency (from the run, else the mart).
func (b *builder) currency() string {
	if b.meta.Currency != "" {
		return b.meta.Currency
	}
	return "USD"
}

// costWeeks are how many of the latest weeks the cost tile adds up.
const costWeeks = 13

// costTile is the headline's cost of the gap: the agent cost of the
// rework false successes caused, over the latest weeks, and annualised.
func (b *builder) costTile() *Tile {
	if !b.has("cost", "dimension", "grain", "period_start", "gap_cost", "gap_hours") {
		return nil
	}
	t, err := rows[costTileRow](b, "cost", "tile", costWeeks)
	if err != nil || len(t) == 0 || t[0].Weeks == 0 || t[0].Since == nil {
		return nil
	}
	r := t[0]
	weeks, since := r.Weeks, *r.Since
	sc := Scope{Dim: "all", Period: "since:" + since}
	var f figs
	cur := b.currency()
	value := num0(r.Cost)
	tile := &Tile{Key: "cost", Measure: "gap_cost", Label: "Cost of the gap",
		Help: "Agent cost of the contacts that followed a claimed success in the same journey: the rework false successes caused.",
		Good: "down", Text: f.add(money(value, cur), "gap_cost", value, sc, "")}
	annual := value * 52 / float64(weeks)
	tile.Detail = fmt.Sprintf("%s agent hours in the last %s; annualised %s",
		f.add(count(int64(math.Round(num0(r.Hours)))), "gap_hours", num0(r.Hours), sc, ""),
		f.plural("weeks_in", weeks, sc, "week", "weeks"),
		f.add(money(annual, cur), "gap_cost_annualised", annual, sc, strconv.FormatInt(weeks, 10)))
	tile.Figures = f.list
	return tile
}

// costs ranks departments and teams by what the gap cost in rework, beside
// failure demand and what a resolved customer costs.
func (b *builder) costs(s *Section) error {
	if err := b.need("cost", "dimension", "member", "grain", "contacts", "agent_hours", "agent_cost", "failure_demand_cost",
		"gap_hours", "gap_cost", "cost_per_contact", "cost_per_resolved_journey"); err != nil {
		return err
	}
	rs, err := rows[costRow](b, "cost", "members", noMember)
	if err != nil {
		return err
	}
	if len(rs) == 0 || rs[0].Dimension != "all" || num0(rs[0].AgentCost) == 0 {
		return noData("No data: the cost mart has no handle time to price (no contact has a handle time).")
	}
	cur := b.currency()
	s.Data = &Table{Columns: []Column{
		col("level", "Level", fmtText), col("member", "Name", fmtText), mcol("contacts", "Contacts", fmtInt, "contacts"),
		mcol("agent_hours", "Agent hours", fmtNum, "agent_hours"), mcol("agent_cost", "Agent cost ("+cur+")", fmtNum, "agent_cost"),
		mcol("failure_demand_cost", "Failure-demand cost ("+cur+")", fmtNum, "failure_demand_cost"),
		mcol("gap_hours", "Gap rework hours", fmtNum, "gap_hours"), mcol("gap_cost", "Cost of the gap ("+cur+")", fmtNum, "gap_cost"),
		mcol("cost_per_contact", "Cost per contact ("+cur+")", fmtNum, "cost_per_contact"),
		mcol("cost_per_resolved_journey", "Cost per resolved customer ("+cur+")", fmtNum, "cost_per_resolved_journey"),
	}, RowScope: &RowScope{DimCol: "level", MemberCol: "member", Period: "all"}}
	deps := 0
	for _, r := range rs {
		s.Data.Rows = append(s.Data.Rows, []any{r.Dimension, r.Member, r.Contacts,
			nullable(roundedPtr(r.AgentHours)), nullable(roundedPtr(r.AgentCost)), nullable(roundedPtr(r.FailureDemandCost)),
			nullable(roundedPtr(r.GapHours)), nullable(roundedPtr(r.GapCost)), nullable(roundedPtr(r.CostPerContact)),
			nullable(roundedPtr(r.CostPerResolvedJourney))})
		if r.Dimension == "department" {
			deps++
		}
	}
	s.Chart = &Chart{Kind: "cost", Option: costOption(s.Data, cur)}
	s.Height = max(260, 90+34*deps)
	var f figs
	defer func() { s.Figures = f.list }()
	all := rs[0]
	fs := fmt.Sprintf("The gap cost %s of agent time (%s hours) in rework over the period, and failure demand — customers coming back — %s",
		f.add(money(num0(all.GapCost), cur), "gap_cost", num0(all.GapCost), allTime, ""),
		f.add(count(int64(math.Round(num0(all.GapHours)))), "gap_hours", num0(all.GapHours), allTime, ""),
		f.add(money(num0(all.FailureDemandCost), cur), "failure_demand_cost", num0(all.FailureDemandCost), allTime, ""))
	fs += fmt.Sprintf(", %s of all agent cost", f.pct("failure_demand_share_of_cost", num0(all.FailureDemandCost)/num0(all.AgentCost), allTime))
	if deps > 0 && num0(all.GapCost) > 0 {
		top := rs[1]
		fs += fmt.Sprintf("; %s carries %s of the gap's cost", quoted(top.Member),
			f.pct("gap_cost_share", num0(top.GapCost)/num0(all.GapCost), Scope{Dim: "department", Member: top.Member, Period: "all"}))
	}
	if v := all.CostPerResolvedJourney; v != nil {
		fs += fmt.Sprintf(". A verified-resolved customer costs %s in agent time, against %s per contact",
			f.add(money(*v, cur), "cost_per_resolved_journey", *v, allTime, ""),
			f.add(money(num0(all.CostPerContact), cur), "cost_per_contact", num0(all.CostPerContact), allTime, ""))
	}
	s.Finding = fs + "."
	s.Note = "Agent cost of a contact = its handle time (talk, hold and after-call work) × the agent hour of its channel ([costs]). Rework after the latest claimed successes is still to come: their customers may yet come back."
	return nil
}

// Typed rows of sql/report/cost.sql.

type costTileRow struct {
	Weeks int64    `col:"weeks"`
	Since *string  `col:"since"`
	Cost  *float64 `col:"cost"`
	Hours *float64 `col:"hours"`
}

type costRow struct {
	Dimension              string   `col:"dimension"`
	Member                 string   `col:"member"`
	Contacts               int64    `col:"contacts"`
	AgentHours             *float64 `col:"agent_hours"`
	AgentCost              *float64 `col:"agent_cost"`
	FailureDemandCost      *float64 `col:"failure_demand_cost"`
	GapHours               *float64 `col:"gap_hours"`
	GapCost                *float64 `col:"gap_cost"`
	CostPerContact         *float64 `col:"cost_per_contact"`
	CostPerResolvedJourney *float64 `col:"cost_per_resolved_journey"`
}

// num0 is an optional number, NULL as 0.
func num0(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// costOption draws the departments' cost of the gap beside their
// failure-demand cost, in money.
func costOption(t *Table, cur string) *Option {
	m := func(v float64) string { return money(v, cur) }
	axis := "{value} " + cur
	if sym := map[string]string{"USD": "$", "EUR": "€", "GBP": "£"}[cur]; sym != "" {
		axis = sym + "{value}"
	}
	d := barDecl{
		Y: "member",
		Series: []barSeries{
			{Name: "Cost of the gap (rework)", X: "gap_cost", Color: cVerm},
			{Name: "Failure-demand cost", X: "failure_demand_cost", Color: cGrey},
		},
		Tip: []tipLine{{"Cost of the gap", "gap_cost"}, {"Gap rework hours", "gap_hours"}, {"Failure-demand cost", "failure_demand_cost"},
			{"Agent cost", "agent_cost"}, {"Cost per contact", "cost_per_contact"}, {"Cost per resolved customer", "cost_per_resolved_journey"}},
		Value: m, AxisLabel: axis, LabelSize: 10, Grid: [4]int{160, 80, 36, 28}, Legend: plainLegend(),
		TipValue: map[string]func(float64) string{"gap_hours": func(v float64) string { return count(int64(math.Round(v))) },
			"gap_cost": m, "failure_demand_cost": m, "agent_cost": m, "cost_per_contact": m, "cost_per_resolved_journey": m},
	}
	return d.option(t, func(r []any) bool { return cellText(t, r, "level") == "department" })
}
