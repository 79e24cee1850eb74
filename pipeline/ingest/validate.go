package ingest

import (
	"fmt"
	"strings"
	"time"

	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// The validation SQL is generated from pipeline/contract, so each rule is
// written once. For every contract column it yields the converted value and,
// per row, the first rule the row breaks (_column, _reason) or NULL.

// outCol is a mapping output column as DuckDB describes it.
type outCol struct {
	Name string
	Type string
}

// RejectCol is an optional mapping output: when non-null the row is refused
// with that reason (a preset's documented exclusions, e.g. phantom calls),
// so it is counted and kept in _rejects rather than silently filtered.
const RejectCol = "_reject_reason"

// futureSlack is how far in the future an instant may lie (clock skew,
// time zones) before it is refused as a mistake.
const futureSlack = "INTERVAL 2 DAY"

// validationSQL returns the query that converts and checks the rows of
// src (the mapping's output, in file order). It has three levels, so each
// piece of work is done once and only where needed:
//   - v converts every value once (an expensive conversion, e.g. strptime,
//     is not repeated per rule) and passes the mapping's raw values on;
//   - w finds the first rule each row breaks (_reason). The conditions test
//     the converted values; the raw text of a value (trim etc.) is computed
//     only inside a condition's second half or a reason, i.e. only for rows
//     already suspect, so a clean row costs a few cheap tests per column;
//   - the outer level derives _column and the values as mapped (_mapped) from
//     _reason, once; written in the same projection as _reason, DuckDB
//     would inline the whole rule CASE into each of them.
//
// now is the moment "in the future" is measured from, spliced in as a
// literal so the whole bound is one constant for every query over the file.
func validationSQL(table contract.Table, m Mapping, cols map[string]outCol, src string, now time.Time) (string, error) {
	nowSQL := "TIMESTAMPTZ " + duck.Quote(now.UTC().Format("2006-01-02 15:04:05.999999")+"+00")
	var inner, mid, outer, when, rawPairs []string
	add := func(cond, reason string) {
		when = append(when, fmt.Sprintf("WHEN %s THEN %s", cond, reason))
	}
	if _, ok := cols[RejectCol]; ok {
		// The mapping's own, documented exclusions come first.
		inner = append(inner, fmt.Sprintf("CAST(m.%s AS VARCHAR) AS _mrej", RejectCol))
		add("v._mrej IS NOT NULL", "v._mrej")
	}
	for _, col := range table.Columns {
		id := duck.Ident(col.Name)
		raw := "m." + id
		yielded, present := cols[col.Name]
		if !present {
			raw = "CAST(NULL AS VARCHAR)"
			if col.Name == "source_system" && m.SourceSystem != "" {
				raw = duck.Quote(m.SourceSystem)
			}
			yielded = outCol{Name: col.Name, Type: "VARCHAR"}
		}
		text := fmt.Sprintf("NULLIF(trim(CAST(%s AS VARCHAR)), '')", raw)
		var conv, what string
		switch col.Type {
		case contract.Text:
			what = "text"
			switch {
			case len(col.Enum) > 0:
				conv = "lower(" + text + ")"
			case yielded.Type == "VARCHAR":
				conv = fmt.Sprintf("CASE WHEN trim(%s) = '' THEN NULL ELSE %s END", raw, raw)
			default:
				conv = fmt.Sprintf("CAST(%s AS VARCHAR)", raw)
			}
		case contract.Instant:
			what = "a timestamp"
			switch {
			case m.Formats[col.Name] != "":
				f := m.Formats[col.Name]
				conv = fmt.Sprintf("CAST(try_strptime(%s, %s) AS TIMESTAMPTZ)", text, duck.Quote(f))
				what = "a timestamp with format " + f
			case strings.HasPrefix(yielded.Type, "TIMESTAMP") || yielded.Type == "DATE":
				conv = fmt.Sprintf("CAST(%s AS TIMESTAMPTZ)", raw)
			default:
				conv = fmt.Sprintf("TRY_CAST(%s AS TIMESTAMPTZ)", text)
			}
		case contract.Float:
			conv, what = fmt.Sprintf("TRY_CAST(%s AS DOUBLE)", text), "a number"
			if isNumeric(yielded.Type) {
				conv = fmt.Sprintf("CAST(%s AS DOUBLE)", raw)
			}
		case contract.Int:
			conv, what = fmt.Sprintf("TRY_CAST(TRY_CAST(%s AS DECIMAL(18,3)) AS INTEGER)", text), "a whole number"
			if isNumeric(yielded.Type) {
				conv = fmt.Sprintf("TRY_CAST(%s AS INTEGER)", raw)
			}
		case contract.Bool:
			what = "a yes/no value"
			conv = fmt.Sprintf(`CASE WHEN list_contains(['true','t','yes','y','1'], lower(%[1]s)) THEN true
				WHEN list_contains(['false','f','no','n','0'], lower(%[1]s)) THEN false END`, text)
			if yielded.Type == "BOOLEAN" {
				conv = raw
			}
		default:
			return "", fmt.Errorf("column %s: unsupported contract type %s", col.Name, col.Type)
		}
		inner = append(inner, fmt.Sprintf("%s AS %s", conv, id))
		mid = append(mid, "v."+id)
		outer = append(outer, "w."+id)
		converted := "v." + id
		// asMapped is the value as the mapping yielded it, as trimmed text.
		asMapped := fmt.Sprintf("NULLIF(trim(CAST(v.%s AS VARCHAR)), '')", duck.Ident("m_"+col.Name))
		if present {
			inner = append(inner, fmt.Sprintf("%s AS %s", raw, duck.Ident("m_"+col.Name)))
			mid = append(mid, "v."+duck.Ident("m_"+col.Name))
			rawPairs = append(rawPairs, duck.Quote(col.Name)+", "+fmt.Sprintf("NULLIF(trim(CAST(w.%s AS VARCHAR)), '')", duck.Ident("m_"+col.Name)))
			add(fmt.Sprintf("%s IS NULL AND %s IS NOT NULL", converted, asMapped),
				fmt.Sprintf("%s || %s || %s", duck.Quote(col.Name+": cannot read "), sqlShow(asMapped), duck.Quote(" as "+what)))
		}
		if col.Required {
			add(converted+" IS NULL", duck.Quote(col.Name+": required but missing"))
		}
		if !present {
			continue // a constant or NULL: nothing else to check
		}
		if len(col.Enum) > 0 {
			list := make([]string, len(col.Enum))
			for i, e := range col.Enum {
				list[i] = duck.Quote(e)
			}
			// list_contains, not NOT IN: DuckDB rewrites long IN lists into
			// a join per column, which costs more than the whole load.
			add(fmt.Sprintf("NOT list_contains([%s], %s)", strings.Join(list, ", "), converted),
				fmt.Sprintf("%s || %s || %s", duck.Quote(col.Name+": "), sqlShow(asMapped), duck.Quote(" is not one of "+strings.Join(col.Enum, "|"))))
		}
		if col.Min != nil {
			add(fmt.Sprintf("%s < %v", converted, *col.Min),
				fmt.Sprintf("%s || %s || %s", duck.Quote(col.Name+": "), sqlShow(asMapped), duck.Quote(fmt.Sprintf(" is below the minimum %v", *col.Min))))
		}
		if col.Max != nil {
			add(fmt.Sprintf("%s > %v", converted, *col.Max),
				fmt.Sprintf("%s || %s || %s", duck.Quote(col.Name+": "), sqlShow(asMapped), duck.Quote(fmt.Sprintf(" is above the maximum %v", *col.Max))))
		}
		if col.Type == contract.Text {
			// A NUL byte is corruption (a broken export or a binary file),
			// and breaks tools downstream.
			add(fmt.Sprintf("contains(%s, chr(0))", converted), duck.Quote(col.Name+": contains a NUL byte (corrupt export?)"))
			// strlen (bytes, stored with the string) bounds length
			// (characters, counted by a scan), so most values skip the scan.
			add(fmt.Sprintf("strlen(%[1]s) > %[2]d AND length(%[1]s) > %[2]d", converted, contract.DefaultMaxLen),
				duck.Quote(fmt.Sprintf("%s: longer than %d characters", col.Name, contract.DefaultMaxLen)))
		}
		if col.Type == contract.Instant {
			add(fmt.Sprintf("%s > %s + %s", converted, nowSQL, futureSlack),
				fmt.Sprintf("%s || %s || %s", duck.Quote(col.Name+": "), sqlShow(asMapped), duck.Quote(" is in the future")))
			add(fmt.Sprintf("%s < TIMESTAMPTZ '1970-01-02 00:00:00+00'", converted),
				fmt.Sprintf("%s || %s || %s", duck.Quote(col.Name+": "), sqlShow(asMapped), duck.Quote(" is before 1970")))
		}
	}
	line := "NULL::BIGINT"
	if _, ok := cols[contract.LineCol]; ok {
		line = "TRY_CAST(m." + contract.LineCol + " AS BIGINT)"
	}
	inner = append(inner, line+" AS _line")
	mappingRejected := "false"
	if _, ok := cols[RejectCol]; ok {
		mid = append(mid, "v._mrej")
		mappingRejected = "w._mrej IS NOT NULL"
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(strings.Join(outer, ", "))
	b.WriteString(", w._line, w._reason")
	// Every rule's reason starts with its column's name.
	fmt.Fprintf(&b, ",\n  CASE WHEN w._reason IS NULL OR %s THEN NULL ELSE split_part(w._reason, ':', 1) END AS _column", mappingRejected)
	// The values as the mapping yielded them, kept only for refused rows.
	fmt.Fprintf(&b, ",\n  CASE WHEN w._reason IS NOT NULL THEN CAST(json_object(%s) AS VARCHAR) END AS _mapped", strings.Join(rawPairs, ", "))
	fmt.Fprintf(&b, "\nFROM (SELECT %s, v._line,\n  CASE %s END AS _reason", strings.Join(mid, ", "), strings.Join(when, "\n    "))
	fmt.Fprintf(&b, "\nFROM (SELECT\n  %s\n  FROM %s) v) w", strings.Join(inner, ",\n  "), src)
	return b.String(), nil
}

// sqlShow renders a value for a reject reason: quoted and shortened.
func sqlShow(expr string) string {
	return fmt.Sprintf(`'"' || left(coalesce(%s, ''), 60) || CASE WHEN length(%s) > 60 THEN '…' ELSE '' END || '"'`, expr, expr)
}

func isNumeric(t string) bool {
	switch t {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE":
		return true
	}
	return strings.HasPrefix(t, "DECIMAL")
}
