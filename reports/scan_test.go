package reports

import (
	"strings"
	"testing"
)

// TestScanTable checks the typed scanner: rows by position into typed
// fields, NULL only into pointers, and a query that does not match its
// row type refused naming the column.
func TestScanTable(t *testing.T) {
	type row struct {
		Name  string   `col:"name"`
		N     int64    `col:"n"`
		Rate  *float64 `col:"rate"`
		Flag  bool     `col:"flag"`
		Ratio float64  `col:"ratio"`
	}
	cols := []string{"name", "n", "rate", "flag", "ratio"}
	cases := []struct {
		name string
		cols []string
		rows [][]any
		want string // the rows as printed, or the error
	}{
		{"values", cols, [][]any{{"a", int64(3), 0.5, true, int64(2)}, {"b", float64(4), nil, false, 0.25}}, "a 3 0.50 true 2|b 4 nil false 0.25"},
		{"no rows", cols, nil, ""},
		{"missing column", cols[:4], nil, "returns 4 columns"},
		{"renamed column", []string{"name", "count", "rate", "flag", "ratio"}, nil, `column 2 is "count"`},
		{"NULL into a value", cols, [][]any{{nil, int64(1), nil, true, 1.0}}, `row 1 column "name": is NULL`},
		{"wrong type", cols, [][]any{{"a", "x", nil, true, 1.0}}, `row 1 column "n": holds string x`},
		{"fractional into an int", cols, [][]any{{"a", 1.5, nil, true, 1.0}}, `holds float64 1.5`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := scanTable[row](&table{cols: c.cols, rows: c.rows})
			var out []string
			for _, r := range got {
				rate := "nil"
				if r.Rate != nil {
					rate = fmtAny(*r.Rate)
				}
				out = append(out, strings.Join([]string{r.Name, fmtAny(r.N), rate, fmtAny(r.Flag), strings.TrimRight(strings.TrimRight(fmtAny(r.Ratio), "0"), ".")}, " "))
			}
			s := strings.Join(out, "|")
			if err != nil {
				s = err.Error()
			}
			s = strings.ReplaceAll(s, " yes", " true")
			s = strings.ReplaceAll(s, " no", " false")
			if !strings.Contains(s, c.want) || (err == nil && s != c.want) {
				t.Errorf("got %q, want %q", s, c.want)
			}
		})
	}
}
