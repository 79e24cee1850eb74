package reports

import (
	"fmt"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"math"
	"strconv"
	"time"
)

// pct renders a 0..1 rate as a percentage: whole percents, one decimal
// below 10% so small rates do not all read "0%" or "3%".
func pct(x float64) string {
	p := x * 100
	if math.Abs(p) < 10 && p != math.Trunc(p) {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(math.Round(p), 'f', 0, 64) + "%"
}

// pts renders a change of a rate in percentage points.
func pts(d float64) string {
	p := d * 100
	if math.Abs(p) < 0.05 {
		return "no change"
	}
	s := strconv.FormatFloat(math.Abs(p), 'f', 1, 64)
	if p > 0 {
		return "+" + s + " pts"
	}
	return "−" + s + " pts"
}

// dur renders seconds as h/min, as min and s below ten minutes (where
// handle-time targets live: 450 s is "7 min 30 s", not "8 min"), as s
// below a minute.
func dur(sec float64) string {
	if math.IsNaN(sec) || sec < 0 {
		return "–"
	}
	s := int64(math.Round(sec))
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 600:
		if s%60 == 0 {
			return fmt.Sprintf("%d min", s/60)
		}
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	case s < 3600:
		m := int64(math.Round(float64(s) / 60))
		if m == 60 {
			return "1 h"
		}
		return fmt.Sprintf("%d min", m)
	}
	m := int64(math.Round(float64(s) / 60))
	h, m := m/60, m%60
	if m == 0 {
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// days renders a number of days.
func days(d float64) string {
	switch {
	case d < 1:
		return "under a day"
	case d < 10 && d != math.Trunc(d):
		return strconv.FormatFloat(d, 'f', 1, 64) + " days"
	case math.Round(d) == 1:
		return "1 day"
	}
	return strconv.FormatFloat(math.Round(d), 'f', 0, 64) + " days"
}

// count renders an integer with thousands separators ("12,345").
func count(n int64) string { return thousands.Sprintf("%d", n) }

// thousands groups digits as the report's English text does.
var thousands = message.NewPrinter(language.English)

// plural picks the singular or plural noun for n.
func plural(n int64, one, many string) string { return count(n) + " " + noun(n, one, many) }

// noun is the singular or plural noun for n.
func noun(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// day renders a YYYY-MM-DD (or RFC 3339) string as "5 Feb 2024".
func day(s string) string {
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2 Jan 2006")
		}
	}
	return s
}

// stamp renders an RFC 3339 instant as "5 Feb 2024 14:03".
func stamp(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format("2 Jan 2006 15:04")
	}
	return s
}

// quoted marks a label from the data as a name ("East") inside a sentence.
func quoted(s string) string {
	if s == "" {
		return "(blank)"
	}
	return "“" + s + "”"
}

// fmtAny renders any cell for an HTML table.
func fmtAny(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case int64:
		return count(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return count(int64(x))
		}
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	return fmt.Sprint(v)
}

// round keeps models stable across runs: DuckDB's parallel aggregation
// can differ in the last bits of a float.
func round(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	return math.Round(x*1e6) / 1e6
}
