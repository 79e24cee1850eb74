package query

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// kind is how a column's values are written, from its DuckDB type: the
// driver hands DATE, TIME and every TIMESTAMP alike as time.Time, and UUID
// and BLOB alike as bytes (kindOther writes bytes as a BLOB).
type kind int

const (
	kindOther kind = iota
	kindDate
	kindTime
	kindTimeTZ
	kindTimestamp   // naive: no zone is written
	kindTimestampTZ // an instant: written in UTC with its Z
	kindUUID
)

func kindOf(dbType string) kind {
	switch {
	case dbType == "DATE":
		return kindDate
	case dbType == "TIME":
		return kindTime
	case dbType == "TIMETZ":
		return kindTimeTZ
	case dbType == "TIMESTAMPTZ":
		return kindTimestampTZ
	case strings.HasPrefix(dbType, "TIMESTAMP"):
		return kindTimestamp
	case dbType == "UUID":
		return kindUUID
	}
	return kindOther
}

// valueText writes a value as csv and markdown cells and table cells do. Every
// value of a column is written the same way (a timestamp at midnight keeps
// its time), numbers keep every digit (DECIMAL exactly, DOUBLE as the
// shortest text that reads back the same), and the rest as DuckDB itself
// would print it. human rounds floating-point numbers for a terminal.
func valueText(v any, k kind, human bool) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return timeText(x, k)
	case float64:
		return floatText(x, 64, human)
	case float32:
		return floatText(float64(x), 32, human)
	case duckdb.Decimal:
		return x.String()
	case *big.Int:
		return x.String()
	case duckdb.Interval:
		return intervalText(x)
	case []byte:
		if k == kindUUID && len(x) == 16 {
			return uuidText(x)
		}
		return blobText(x)
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
		return fmt.Sprint(x)
	}
	// lists, structs, maps: as JSON, their values made plain.
	if b, err := json.Marshal(plain(v)); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}

// jsonValue is a value for the json format: numbers stay numbers (DECIMAL
// and HUGEINT exactly), NaN and infinities are null, the rest as text.
func jsonValue(v any, k kind) any {
	switch x := v.(type) {
	case nil, bool, string, int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
		return v
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil
		}
		return json.Number(floatText(float64(x), 32, false))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return json.Number(floatText(x, 64, false))
	case duckdb.Decimal, *big.Int:
		return json.Number(valueText(x, k, false))
	case time.Time, duckdb.Interval, []byte:
		return valueText(x, k, false)
	}
	return plain(v)
}

// plain makes a nested value (list, struct, map) marshal as JSON the way
// its scalar parts would be written on their own.
func plain(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for key, e := range x {
			out[key] = plain(e)
		}
		return out
	case duckdb.OrderedMap:
		out := make([]map[string]any, 0, x.Len())
		keys, values := x.Keys(), x.Values()
		for i := range keys {
			out = append(out, map[string]any{"key": plain(keys[i]), "value": plain(values[i])})
		}
		return out
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return jsonValue(v, kindOther)
}

func timeText(t time.Time, k kind) string {
	switch k {
	case kindDate:
		return t.Format("2006-01-02")
	case kindTime:
		return t.Format("15:04:05.999999999")
	case kindTimeTZ:
		return t.Format("15:04:05.999999999-07:00")
	case kindTimestamp:
		return t.Format("2006-01-02 15:04:05.999999999")
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// floatText: the shortest digits that read back as the same float, in
// plain notation between 1e-6 and 1e21 (spreadsheets read it as is);
// human keeps 4 decimals (4 significant digits below 1).
func floatText(x float64, bits int, human bool) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'g', -1, bits)
	}
	a := math.Abs(x)
	if human && x != math.Trunc(x) {
		switch {
		case a >= 1e15 || a < 1e-4:
			return strconv.FormatFloat(x, 'g', 4, 64)
		case a < 1:
			x, _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', 4, 64), 64)
		default:
			x = math.Round(x*1e4) / 1e4
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	if x != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.FormatFloat(x, 'g', -1, bits)
	}
	return strconv.FormatFloat(x, 'f', -1, bits)
}

// intervalText writes an INTERVAL as DuckDB does: "1 year 2 months 3 days
// 04:05:06.5", each part with its own sign.
func intervalText(iv duckdb.Interval) string {
	var parts []string
	unit := func(n int64, one string) {
		if n == 0 {
			return
		}
		s := strconv.FormatInt(n, 10) + " " + one
		if n != 1 && n != -1 {
			s += "s"
		}
		parts = append(parts, s)
	}
	unit(int64(iv.Months/12), "year")
	unit(int64(iv.Months%12), "month")
	unit(int64(iv.Days), "day")
	if us := iv.Micros; us != 0 || len(parts) == 0 {
		sign := ""
		if us < 0 {
			sign, us = "-", -us
		}
		s := fmt.Sprintf("%s%02d:%02d:%02d", sign, us/3_600_000_000, us/60_000_000%60, us/1_000_000%60)
		if frac := us % 1_000_000; frac != 0 {
			s += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func uuidText(b []byte) string {
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// blobText writes printable ASCII as is and other bytes as \xHH, as DuckDB
// casts a BLOB to text.
func blobText(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "\\x%02X", c)
		}
	}
	return sb.String()
}
