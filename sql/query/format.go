package query

import (
	"bufio"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// scanner reads rows as display values.
type scanner struct {
	rows  *sql.Rows
	cols  []string
	kinds []kind
	vals  []any
	ptrs  []any
}

func newScanner(rows *sql.Rows) (*scanner, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	s := &scanner{rows: rows, cols: make([]string, len(types)), kinds: make([]kind, len(types)),
		vals: make([]any, len(types)), ptrs: make([]any, len(types))}
	for i, t := range types {
		s.cols[i] = t.Name()
		s.kinds[i] = kindOf(t.DatabaseTypeName())
		s.ptrs[i] = &s.vals[i]
	}
	return s, nil
}

// text is the i-th value of the current row as text (valueText).
func (s *scanner) text(i int, human bool) string { return valueText(s.vals[i], s.kinds[i], human) }

func (s *scanner) next() (bool, error) {
	if !s.rows.Next() {
		return false, s.rows.Err()
	}
	return true, s.rows.Scan(s.ptrs...)
}

func writeCSV(rows *sql.Rows, w io.Writer) error {
	s, err := newScanner(rows)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(s.cols); err != nil {
		return err
	}
	rec := make([]string, len(s.cols))
	for {
		ok, err := s.next()
		if err != nil || !ok {
			cw.Flush()
			if err == nil {
				err = cw.Error()
			}
			return err
		}
		for i := range s.vals {
			rec[i] = s.text(i, false)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
}

// writeJSON streams a JSON array of objects, one row per line.
func writeJSON(rows *sql.Rows, w io.Writer) error {
	s, err := newScanner(rows)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	first := true
	for {
		ok, err := s.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if !first {
			bw.WriteString(",")
		}
		first = false
		bw.WriteString("\n  {")
		for i, c := range s.cols {
			if i > 0 {
				bw.WriteString(", ")
			}
			k, _ := json.Marshal(c)
			v, err := json.Marshal(jsonValue(s.vals[i], s.kinds[i]))
			if err != nil {
				return fmt.Errorf("column %s: %w", c, err)
			}
			bw.Write(k)
			bw.WriteString(": ")
			bw.Write(v)
		}
		bw.WriteString("}")
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

func writeMarkdown(rows *sql.Rows, w io.Writer) error {
	s, err := newScanner(rows)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	esc := func(x string) string {
		x = strings.ReplaceAll(x, "|", `\|`)
		return strings.ReplaceAll(strings.ReplaceAll(x, "\r", " "), "\n", " ")
	}
	bw.WriteString("|")
	for _, c := range s.cols {
		bw.WriteString(" " + esc(c) + " |")
	}
	bw.WriteString("\n|")
	for range s.cols {
		bw.WriteString(" --- |")
	}
	bw.WriteString("\n")
	for {
		ok, err := s.next()
		if err != nil {
			return err
		}
		if !ok {
			return bw.Flush()
		}
		bw.WriteString("|")
		for i := range s.vals {
			bw.WriteString(" " + esc(s.text(i, true)) + " |")
		}
		bw.WriteString("\n")
	}
}

// writeTable renders up to max rows for a terminal and says how many more
// there were (a table must be held to align its columns).
func writeTable(rows *sql.Rows, w io.Writer, max int) error {
	s, err := newScanner(rows)
	if err != nil {
		return err
	}
	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.SetStyle(table.StyleLight)
	t.Style().Format.Header = text.FormatDefault // keep column names as written
	hdr := make(table.Row, len(s.cols))
	for i, c := range s.cols {
		hdr[i] = c
	}
	t.AppendHeader(hdr)
	wrap := make([]table.ColumnConfig, len(s.cols))
	for i := range wrap {
		wrap[i] = table.ColumnConfig{Number: i + 1, WidthMax: cellWidth, WidthMaxEnforcer: text.WrapSoft}
	}
	t.SetColumnConfigs(wrap)
	n, more, cuts := 0, 0, 0
	for {
		ok, err := s.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if n >= max {
			more++
			continue
		}
		r := make(table.Row, len(s.vals))
		for i := range s.vals {
			v, cut := shorten(s.text(i, true))
			r[i] = v
			cuts += cut
		}
		t.AppendRow(r)
		n++
	}
	t.Render()
	if more > 0 {
		fmt.Fprintf(w, "… %s not shown: use --format csv|json|parquet (or --max-rows) for all %d\n", rowCount(more, "more "), n+more)
	} else {
		fmt.Fprintf(w, "(%s)\n", rowCount(n, ""))
	}
	if cuts > 0 {
		what := fmt.Sprintf("%d values", cuts)
		if cuts == 1 {
			what = "1 value"
		}
		fmt.Fprintf(w, "(%s longer than %d characters cut short: --format csv|json shows them whole)\n", what, maxCell)
	}
	return nil
}

// A table cell wraps at cellWidth characters and stops at maxCell: one long
// value (a raw rejected row, a note) must not push every other column off
// the terminal, and a reason still reads whole.
const (
	cellWidth = 60
	maxCell   = 3 * cellWidth
)

// shorten cuts s to maxCell characters and says whether it did.
func shorten(s string) (string, int) {
	if utf8.RuneCountInString(s) <= maxCell {
		return s, 0
	}
	return string([]rune(s)[:maxCell-1]) + "…", 1
}

// rowCount is "1 row", "2 rows", with a word between (rowCount(2, "more ")).
func rowCount(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %srow", word)
	}
	return fmt.Sprintf("%d %srows", n, word)
}
