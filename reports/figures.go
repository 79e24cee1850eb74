package reports

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// figs collects the figures of one section's sentences in the order they
// are printed: every number a finding or note prints goes through one of
// its methods, which formats it and records what it measures (Figure). The
// figure audit test parses the numbers back out of the text and
// recomputes each from its definition.
type figs struct{ list []Figure }

func (f *figs) add(text, measure string, v float64, sc Scope, arg string) string {
	f.list = append(f.list, Figure{Text: text, Measure: measure, Value: v, Scope: sc, Arg: arg})
	return text
}

// pct prints a rate.
func (f *figs) pct(measure string, v float64, sc Scope) string {
	return f.add(pct(v), measure, v, sc, "")
}

// pctArg prints a rate of a measure with a parameter (a KPI).
func (f *figs) pctArg(measure, arg string, v float64, sc Scope) string {
	return f.add(pct(v), measure, v, sc, arg)
}

// change prints the change of a rate measure between two scopes.
func (f *figs) change(measure string, cur, prev float64, sc, from Scope) string {
	f.list = append(f.list, Figure{Text: pts(cur - prev), Measure: measure + "_change", Value: cur - prev, Scope: sc, Compare: &from})
	return pts(cur - prev)
}

// n prints a count.
func (f *figs) n(measure string, v int64, sc Scope) string {
	return f.add(count(v), measure, float64(v), sc, "")
}

// nArg prints a count of a measure with a parameter.
func (f *figs) nArg(measure, arg string, v int64, sc Scope) string {
	return f.add(count(v), measure, float64(v), sc, arg)
}

// plural prints a count with its noun: "3 teams".
func (f *figs) plural(measure string, v int64, sc Scope, one, many string) string {
	f.n(measure, v, sc)
	return plural(v, one, many)
}

// days prints a number of days.
func (f *figs) days(measure string, v float64, sc Scope, arg string) string {
	return f.add(days(v), measure, v, sc, arg)
}

// dur prints seconds as a duration.
func (f *figs) dur(measure string, v float64, sc Scope) string {
	return f.add(dur(v), measure, v, sc, "")
}

// rho prints a correlation.
func (f *figs) rho(measure, arg string, v float64, sc Scope) string {
	return f.add(rho(v), measure, v, sc, arg)
}

// week prints the date of a week (its Monday): the scope says which.
func (f *figs) week(w string) string {
	return f.add(day(w), "week_start", 0, Scope{Dim: "all", Period: "week:" + w}, "")
}

// window prints the repeat window in days.
func (f *figs) window(days float64) string {
	s := strconv.FormatFloat(days, 'f', -1, 64)
	return f.add(s, "repeat_window_days", days, Scope{}, "")
}

var (
	allSettled = Scope{Dim: "all", Period: "settled"}
	allTime    = Scope{Dim: "all", Period: "all"}
)

func weekScope(dim, member, week string) Scope {
	return Scope{Dim: dim, Member: member, Period: "week:" + week}
}

// SentenceNumbers returns the numbers a sentence prints, in order, as the
// figure audit reads them: percentages, changes in points, counts,
// durations, days, correlations and dates. Names from the data are quoted
// (“…”) and skipped, so a team called "Team 7" is not a number.
func SentenceNumbers(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "“")
		if i < 0 {
			break
		}
		out = append(out, numberRE.FindAllString(s[:i], -1)...)
		j := strings.Index(s[i:], "”")
		if j < 0 {
			s = ""
			break
		}
		s = s[i+j+len("”"):]
	}
	return append(out, numberRE.FindAllString(s, -1)...)
}

// fnum keeps a float figure finite for JSON.
func fnum(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// numberRE matches a printed figure, longest forms first.
var numberRE = regexp.MustCompile(strings.Join([]string{
	`\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}(?: \d{2}:\d{2})?`, // a date, a time
	`−?[$€£]\d{1,3}(?:,\d{3})*(?:\.\d\d)?|\d{1,3}(?:,\d{3})*(?:\.\d\d)? [A-Z]{3}\b`,      // money
	`[+−]\d+\.\d pts|no change`,                             // a change of a rate
	`\d+ h \d+ min|\d+ min \d+ s|\d+ h\b|\d+ min\b|\d+ s\b`, // a duration
	`under a day|the same day|\d+(?:\.\d)? days?\b`,         // days
	`\d+(?:\.\d)?%`,          // a rate
	`−?\d\.\d\d\b`,           // a correlation
	`\d{1,3}(?:,\d{3})+|\d+`, // a count
}, "|"))
