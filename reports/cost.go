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
	t, err := b.q.query(b.ctx, `WITH w AS (
			SELECT CAST(period_start AS DATE) AS week, gap_cost, gap_hours FROM cost
			WHERE dimension = 'all' AND grain = 'week' AND period_start IS NOT NULL
			ORDER BY week DESC LIMIT ?)
		SELECT count(*) AS weeks, CAST(min(week) AS DATE) AS since, sum(gap_cost) AS cost, sum(gap_hours) AS hours FROM w`, costWeeks)
	if err != nil || len(t.rows) == 0 || t.recs()[0].int("weeks") == 0 {
		return nil
	}
	r := t.recs()[0]
	weeks, since := r.int("weeks"), r.str("since")
	sc := Scope{Dim: "all", Period: "since:" + since}
	var f figs
	cur := b.currency()
	value := r.float("cost")
	tile := &Tile{Key: "cost", Measure: "gap_cost", Label: "Cost of the gap",
		Help: "Agent cost of the contacts that followed a claimed success in the same journey: the rework false successes caused.",
		Good: "down", Text: f.add(money(value, cur), "gap_cost", value, sc, "")}
	annual := value * 52 / float64(weeks)
	tile.Detail = fmt.Sprintf("%s agent hours in the last %s; annualised %s",
		f.add(count(int64(math.Round(r.float("hours")))), "gap_hours", r.float("hours"), sc, ""),
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
	t, err := b.q.query(b.ctx, `SELECT dimension, member, CAST(contacts AS BIGINT) AS contacts, agent_hours, agent_cost,
			failure_demand_hours, failure_demand_cost, gap_hours, gap_cost, cost_per_contact, cost_per_resolved_journey,
			row_number() OVER (PARTITION BY dimension ORDER BY gap_cost DESC, member) AS rank
		FROM cost WHERE grain = 'total' AND dimension IN ('all', 'department', 'team') AND member <> ?
		QUALIFY dimension = 'all' OR rank <= 15
		ORDER BY CASE dimension WHEN 'all' THEN 0 WHEN 'department' THEN 1 ELSE 2 END, rank`, noMember)
	if err != nil {
		return err
	}
	rs := t.recs()
	if len(rs) == 0 || rs[0].str("dimension") != "all" || rs[0].float("agent_cost") == 0 {
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
	var deps []any
	for _, r := range rs {
		s.Data.Rows = append(s.Data.Rows, []any{r.str("dimension"), r.str("member"), r.int("contacts"),
			nullable(r.rounded("agent_hours")), nullable(r.rounded("agent_cost")), nullable(r.rounded("failure_demand_cost")),
			nullable(r.rounded("gap_hours")), nullable(r.rounded("gap_cost")), nullable(r.rounded("cost_per_contact")),
			nullable(r.rounded("cost_per_resolved_journey"))})
		if r.str("dimension") == "department" {
			deps = append(deps, r.str("member"))
		}
	}
	s.Chart = &Chart{Kind: "cost", Params: map[string]any{"currency": cur, "departments": deps}}
	s.Height = max(260, 90+34*len(deps))
	var f figs
	defer func() { s.Figures = f.list }()
	all := rs[0]
	fs := fmt.Sprintf("The gap cost %s of agent time (%s hours) in rework over the period, and failure demand — customers coming back — %s",
		f.add(money(all.float("gap_cost"), cur), "gap_cost", all.float("gap_cost"), allTime, ""),
		f.add(count(int64(math.Round(all.float("gap_hours")))), "gap_hours", all.float("gap_hours"), allTime, ""),
		f.add(money(all.float("failure_demand_cost"), cur), "failure_demand_cost", all.float("failure_demand_cost"), allTime, ""))
	fs += fmt.Sprintf(", %s of all agent cost", f.pct("failure_demand_share_of_cost", all.float("failure_demand_cost")/all.float("agent_cost"), allTime))
	if len(deps) > 0 && all.float("gap_cost") > 0 {
		top := rs[1]
		fs += fmt.Sprintf("; %s carries %s of the gap's cost", quoted(top.str("member")),
			f.pct("gap_cost_share", top.float("gap_cost")/all.float("gap_cost"), Scope{Dim: "department", Member: top.str("member"), Period: "all"}))
	}
	if v, ok := all.num("cost_per_resolved_journey"); ok {
		fs += fmt.Sprintf(". A verified-resolved customer costs %s in agent time, against %s per contact",
			f.add(money(v, cur), "cost_per_resolved_journey", v, allTime, ""),
			f.add(money(all.float("cost_per_contact"), cur), "cost_per_contact", all.float("cost_per_contact"), allTime, ""))
	}
	s.Finding = fs + "."
	s.Note = "Agent cost of a contact = its handle time (talk, hold and after-call work) × the agent hour of its channel ([costs]). Rework after the latest claimed successes is still to come: their customers may yet come back."
	return nil
}
