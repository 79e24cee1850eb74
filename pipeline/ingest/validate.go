package ingest

import (
	"fmt"
	"strings"

	"github.com/mcnamara/mcnamara/pipeline/contract"
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

// validationSQL returns the SELECT that converts and checks the rows of the
// staged mapping output `m` (with _ord).
func validationSQL(t contract.Table, m Mapping, cols map[string]outCol) (string, error) {
	var sel, whenCol, whenReason []string
	add := func(col, cond, reason string) {
		whenCol = append(whenCol, fmt.Sprintf("WHEN %s THEN %s", cond, quote(col)))
		whenReason = append(whenReason, fmt.Sprintf("WHEN %s THEN %s", cond, reason))
	}
	if _, ok := cols[RejectCol]; ok {
		// The mapping's own, documented exclusions come first.
		whenCol = append(whenCol, fmt.Sprintf("WHEN m.%s IS NOT NULL THEN NULL", RejectCol))
		whenReason = append(whenReason, fmt.Sprintf("WHEN m.%[1]s IS NOT NULL THEN CAST(m.%[1]s AS VARCHAR)", RejectCol))
	}
	for _, c := range t.Columns {
		id := ident(c.Name)
		raw := "m." + id
		oc, present := cols[c.Name]
		if !present {
			raw = "CAST(NULL AS VARCHAR)"
			if c.Name == "source_system" && m.SourceSystem != "" {
				raw = quote(m.SourceSystem)
			}
			oc = outCol{Name: c.Name, Type: "VARCHAR"}
		}
		text := fmt.Sprintf("NULLIF(trim(CAST(%s AS VARCHAR)), '')", raw)
		var conv, what string
		switch c.Type {
		case contract.Text:
			conv, what = text, "text"
			if len(c.Enum) > 0 {
				conv = "lower(" + text + ")"
			} else if oc.Type == "VARCHAR" {
				conv = fmt.Sprintf("CASE WHEN trim(%s) = '' THEN NULL ELSE %s END", raw, raw)
			} else {
				conv = fmt.Sprintf("CAST(%s AS VARCHAR)", raw)
			}
		case contract.Instant:
			what = "a timestamp"
			switch {
			case m.Formats[c.Name] != "":
				f := m.Formats[c.Name]
				conv = fmt.Sprintf("CAST(try_strptime(%s, %s) AS TIMESTAMPTZ)", text, quote(f))
				what = "a timestamp with format " + f
			case strings.HasPrefix(oc.Type, "TIMESTAMP") || oc.Type == "DATE":
				conv = fmt.Sprintf("CAST(%s AS TIMESTAMPTZ)", raw)
			default:
				conv = fmt.Sprintf("TRY_CAST(%s AS TIMESTAMPTZ)", text)
			}
		case contract.Float:
			conv, what = fmt.Sprintf("TRY_CAST(%s AS DOUBLE)", text), "a number"
			if isNumeric(oc.Type) {
				conv = fmt.Sprintf("CAST(%s AS DOUBLE)", raw)
			}
		case contract.Int:
			conv, what = fmt.Sprintf("TRY_CAST(TRY_CAST(%s AS DECIMAL(18,3)) AS INTEGER)", text), "a whole number"
			if isNumeric(oc.Type) {
				conv = fmt.Sprintf("TRY_CAST(%s AS INTEGER)", raw)
			}
		case contract.Bool:
			what = "a yes/no value"
			conv = fmt.Sprintf(`CASE WHEN lower(%[1]s) IN ('true','t','yes','y','1') THEN true
				WHEN lower(%[1]s) IN ('false','f','no','n','0') THEN false END`, text)
			if oc.Type == "BOOLEAN" {
				conv = raw
			}
		default:
			return "", fmt.Errorf("column %s: unsupported contract type %s", c.Name, c.Type)
		}
		sel = append(sel, fmt.Sprintf("%s AS %s", conv, id))

		if present {
			add(c.Name, fmt.Sprintf("%s IS NOT NULL AND (%s) IS NULL", text, conv),
				fmt.Sprintf("%s || %s || %s", quote(c.Name+": cannot read "), sqlShow(text), quote(" as "+what)))
		}
		if c.Required {
			add(c.Name, fmt.Sprintf("(%s) IS NULL", conv), quote(c.Name+": required but missing"))
		}
		if len(c.Enum) > 0 {
			list := make([]string, len(c.Enum))
			for i, e := range c.Enum {
				list[i] = quote(e)
			}
			add(c.Name, fmt.Sprintf("(%s) NOT IN (%s)", conv, strings.Join(list, ", ")),
				fmt.Sprintf("%s || %s || %s", quote(c.Name+": "), sqlShow(text), quote(" is not one of "+strings.Join(c.Enum, "|"))))
		}
		if c.Min != nil {
			add(c.Name, fmt.Sprintf("(%s) < %v", conv, *c.Min),
				fmt.Sprintf("%s || %s || %s", quote(c.Name+": "), sqlShow(text), quote(fmt.Sprintf(" is below the minimum %v", *c.Min))))
		}
		if c.Max != nil {
			add(c.Name, fmt.Sprintf("(%s) > %v", conv, *c.Max),
				fmt.Sprintf("%s || %s || %s", quote(c.Name+": "), sqlShow(text), quote(fmt.Sprintf(" is above the maximum %v", *c.Max))))
		}
		if c.Type == contract.Text {
			// A NUL byte is corruption (a broken export or a binary file),
			// and breaks tools downstream.
			add(c.Name, fmt.Sprintf("contains(%s, chr(0))", conv), quote(c.Name+": contains a NUL byte (corrupt export?)"))
			add(c.Name, fmt.Sprintf("length(%s) > %d", conv, contract.DefaultMaxLen),
				quote(fmt.Sprintf("%s: longer than %d characters", c.Name, contract.DefaultMaxLen)))
		}
		if c.Type == contract.Instant {
			add(c.Name, fmt.Sprintf("(%s) > now() + %s", conv, futureSlack),
				fmt.Sprintf("%s || %s || %s", quote(c.Name+": "), sqlShow(text), quote(" is in the future")))
			add(c.Name, fmt.Sprintf("(%s) < TIMESTAMPTZ '1970-01-02 00:00:00+00'", conv),
				fmt.Sprintf("%s || %s || %s", quote(c.Name+": "), sqlShow(text), quote(" is before 1970")))
		}
	}
	line := "NULL::BIGINT"
	if _, ok := cols[contract.LineCol]; ok {
		line = "TRY_CAST(m." + contract.LineCol + " AS BIGINT)"
	}
	sel = append(sel, line+" AS _line")
	var b strings.Builder
	b.WriteString("SELECT m._ord,\n  ")
	b.WriteString(strings.Join(sel, ",\n  "))
	fmt.Fprintf(&b, ",\n  CASE %s END AS _column", strings.Join(whenCol, " "))
	fmt.Fprintf(&b, ",\n  CASE %s END AS _reason", strings.Join(whenReason, " "))
	// The record as read, kept only for refused rows (to_json on every row
	// would cost the whole load); _reason is the alias defined just above.
	b.WriteString(",\n  CASE WHEN _reason IS NOT NULL THEN CAST(json_merge_patch(to_json(m), '{\"_ord\":null}') AS VARCHAR) END AS _raw")
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

func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
