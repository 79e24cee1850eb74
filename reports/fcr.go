package reports

import (
	"fmt"
	"slices"
)

// fcrWindows are the rungs of the FCR ladder (the fcr_ladder mart).
var fcrWindows = []int64{1, 3, 7, 30}

// fcrLadder draws the FCR ladder per department: the first-contact
// resolution the organisation claims beside what the customers' next
// contacts show at 1, 3, 7 and 30 days.
func (b *builder) fcrLadder(s *Section) error {
	if err := b.need("fcr_ladder", "dimension", "member", "grain", "window_days", "judged_contacts", "measured_fcr", "claimed_fcr"); err != nil {
		return err
	}
	t, err := rows[fcrRow](b, "fcr", "rungs", noMember)
	if err != nil {
		return err
	}
	if len(t) == 0 {
		return noData("No data: no identified contact's FCR window has closed yet (the ladder's first rung is a day).")
	}
	s.Data = &Table{Columns: []Column{
		col("level", "Level", fmtText), col("member", "Name", fmtText), col("window_days", "Window (days)", fmtInt),
		mcol("judged", "Contacts judged", fmtInt, "fcr_judged"), mcol("claimed", "Claimed FCR", fmtPct, "claimed_fcr"),
		mcol("measured", "Measured FCR", fmtPct, "measured_fcr"),
	}, RowScope: &RowScope{DimCol: "level", MemberCol: "member", Period: "all", ArgCol: "window_days"}}
	type ladder struct {
		level, member string
		claimed       map[int64]float64
		measured      map[int64]float64
	}
	var ls []*ladder
	byKey := map[string]*ladder{}
	for _, r := range t {
		k := r.Dimension + "\x00" + r.Member
		l := byKey[k]
		if l == nil {
			if len(ls) >= 31 { // the organisation and 30 departments
				continue
			}
			l = &ladder{level: r.Dimension, member: r.Member, claimed: map[int64]float64{}, measured: map[int64]float64{}}
			byKey[k] = l
			ls = append(ls, l)
		}
		w := r.Window
		if r.Claimed != nil {
			l.claimed[w] = *r.Claimed
		}
		if r.Measured != nil {
			l.measured[w] = *r.Measured
		}
		s.Data.Rows = append(s.Data.Rows, []any{l.level, l.member, w, r.Judged, nullable(roundedPtr(r.Claimed)), nullable(roundedPtr(r.Measured))})
	}
	// The chart: a band a member, the claim (at the 7-day rung, else the
	// widest) beside what each rung measured.
	wide := &Table{Columns: []Column{col("member", "Name", fmtText), col("claimed", "Claimed FCR (scorecard)", fmtPct)}}
	var windows []int64
	for _, w := range fcrWindows {
		for _, l := range ls {
			if _, ok := l.measured[w]; ok {
				windows = append(windows, w)
				break
			}
		}
	}
	for _, w := range windows {
		wide.Columns = append(wide.Columns, col(fmt.Sprintf("m%d", w), "Measured at "+plural(w, "day", "days"), fmtPct))
	}
	for _, l := range ls {
		name := l.member
		if l.level == "all" {
			name = "Organisation"
		}
		claim, ok := l.claimed[7]
		if !ok && len(windows) > 0 {
			claim, ok = l.claimed[windows[len(windows)-1]]
		}
		row := []any{name, nil}
		if ok {
			row[1] = round(claim)
		}
		for _, w := range windows {
			if m, ok := l.measured[w]; ok {
				row = append(row, round(m))
			} else {
				row = append(row, nil)
			}
		}
		wide.Rows = append(wide.Rows, row)
	}
	s.Chart = &Chart{Kind: "fcr", Option: fcrOption(wide)}
	s.Height = max(300, 100+40*len(ls))
	var f figs
	defer func() { s.Figures = f.list }()
	org := ls[0]
	if org.level != "all" {
		return nil
	}
	sc := func(l *ladder) Scope {
		if l.level == "all" {
			return allTime
		}
		return Scope{Dim: l.level, Member: l.member, Period: "all"}
	}
	// The rungs the data can judge, and the claim beside the 7-day one
	// (or the widest judged).
	var rungs []int64
	for _, w := range fcrWindows {
		if _, ok := org.measured[w]; ok {
			rungs = append(rungs, w)
		}
	}
	ref := rungs[len(rungs)-1]
	if slices.Contains(rungs, 7) {
		ref = 7
	}
	window := func(w int64) string { return f.add(plural(w, "day", "days"), "window_days", float64(w), Scope{}, "") }
	fs := fmt.Sprintf("The scorecard claims %s first-contact resolution; the customers' next contacts show ",
		f.pctArg("claimed_fcr", fmt.Sprint(ref), org.claimed[ref], sc(org)))
	var parts []string
	for _, w := range rungs {
		parts = append(parts, fmt.Sprintf("%s at %s", f.pctArg("measured_fcr", fmt.Sprint(w), org.measured[w], sc(org)), window(w)))
	}
	fs += and(parts)
	// The department that overstates its FCR the most at the reference rung.
	var worst *ladder
	for _, l := range ls[1:] {
		c, okc := l.claimed[ref]
		m, okm := l.measured[ref]
		if okc && okm && (worst == nil || c-m > worst.claimed[ref]-worst.measured[ref]) {
			worst = l
		}
	}
	if worst != nil && worst.claimed[ref] > worst.measured[ref] {
		fs += fmt.Sprintf(". %s claims %s, its customers' repeats within %s show %s",
			quoted(worst.member), f.pctArg("claimed_fcr", fmt.Sprint(ref), worst.claimed[ref], sc(worst)),
			window(ref), f.pctArg("measured_fcr", fmt.Sprint(ref), worst.measured[ref], sc(worst)))
	}
	s.Finding = fs + "."
	s.Note = "A contact is resolved at the first contact when the same customer's next contact, in any journey, does not start within the window; until the window has run past the end of the data it is open, never counted as resolved. Claimed FCR is the share of the same contacts the organisation marked resolved."
	return nil
}

// fcrRow is a row of sql/report/fcr.sql's rungs.
type fcrRow struct {
	Dimension string   `col:"dimension"`
	Member    string   `col:"member"`
	Window    int64    `col:"window_days"`
	Judged    int64    `col:"judged"`
	Claimed   *float64 `col:"claimed"`
	Measured  *float64 `col:"measured"`
}

// fcrShades colour the rungs, lighter to darker as the window widens.
var fcrShades = []string{"#f6c48a", "#ef9d4a", cVerm, "#7a2e00"}

// fcrOption draws the ladder from a table of a row a member: its name,
// the claim, then what each rung measured (m1, m3, …).
func fcrOption(t *Table) *Option {
	d := barDecl{Y: "member", LabelSize: 10, Grid: [4]int{160, 48, 56, 24},
		// every rung's colour must print: a plain legend wraps, a
		// scrolling one hides items
		Legend: plainLegend()}
	for i, c := range t.Columns[1:] {
		color := cBlue
		if i > 0 {
			color = fcrShades[(i-1)%len(fcrShades)]
		}
		d.Series = append(d.Series, barSeries{Name: c.Label, X: c.Key, Color: color})
		d.Tip = append(d.Tip, tipLine{c.Label, c.Key})
	}
	return d.option(t, nil)
}
