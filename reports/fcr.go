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
	t, err := b.q.query(b.ctx, `SELECT dimension, member, CAST(window_days AS BIGINT) AS w,
			CAST(judged_contacts AS BIGINT) AS judged, CAST(measured_fcr AS DOUBLE) AS measured, CAST(claimed_fcr AS DOUBLE) AS claimed,
			sum(judged_contacts) FILTER (WHERE window_days = 1) OVER (PARTITION BY dimension, member) AS size
		FROM fcr_ladder WHERE grain = 'total' AND dimension IN ('all', 'department') AND member <> ? AND judged_contacts > 0
		ORDER BY CASE dimension WHEN 'all' THEN 0 ELSE 1 END, size DESC, member, w`, noMember)
	if err != nil {
		return err
	}
	if len(t.rows) == 0 {
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
	for _, r := range t.recs() {
		k := r.str("dimension") + "\x00" + r.str("member")
		l := byKey[k]
		if l == nil {
			if len(ls) >= 31 { // the organisation and 30 departments
				continue
			}
			l = &ladder{level: r.str("dimension"), member: r.str("member"), claimed: map[int64]float64{}, measured: map[int64]float64{}}
			byKey[k] = l
			ls = append(ls, l)
		}
		w := r.int("w")
		l.claimed[w], l.measured[w] = r.float("claimed"), r.float("measured")
		s.Data.Rows = append(s.Data.Rows, []any{l.level, l.member, w, r.int("judged"), nullable(r.rounded("claimed")), nullable(r.rounded("measured"))})
	}
	var names []any
	for _, l := range ls {
		if l.level == "all" {
			names = append(names, "Organisation")
		} else {
			names = append(names, l.member)
		}
	}
	s.Chart = &Chart{Kind: "fcr", Params: map[string]any{"members": names, "windows": fcrWindows}}
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
