package duck

import (
	"fmt"
	"strconv"
	"strings"
)

// BufferShare is the share of the configured memory budget ([lake]
// memory_limit) that DuckDB's buffer manager gets as its memory_limit.
// DuckDB's limit bounds its buffers, not everything it allocates: the CSV
// reader's buffers, hash tables' and sorts' working memory outside the
// buffer pool, the allocator's slack and the Go side come on top. Measured
// (docs/performance.md): with DuckDB's limit set to the whole budget the
// process peaked at 1.3–1.5× it (10M-contact ingest 1 GiB → 1.35 GiB;
// 100M build 8 GiB → 10.6 GiB). At 0.75 the 100M ingest and build peaked
// at 7.13 and 8.34 GiB of an 8 GiB budget; a small budget is still passed
// by a fixed ~0.4–0.5 GiB (10M build, 819 MiB budget: 1.18 GiB).
const BufferShare = 0.75

// BufferLimit is DuckDB's memory_limit for a process memory budget: the
// budget × BufferShare, in KiB. A budget ParseBytes cannot read (a form
// DuckDB knows and this does not) is passed on unchanged, "" stays "".
func BufferLimit(budget string) string {
	n, ok := ParseBytes(budget)
	if !ok || n <= 0 {
		return budget
	}
	return fmt.Sprintf("%dKiB", max(int64(float64(n)*BufferShare)>>10, 1))
}

var byteUnits = map[string]int64{
	"": 1, "b": 1, "byte": 1, "bytes": 1,
	"k": 1e3, "kb": 1e3, "kilobyte": 1e3, "kilobytes": 1e3, "kib": 1 << 10,
	"m": 1e6, "mb": 1e6, "megabyte": 1e6, "megabytes": 1e6, "mib": 1 << 20,
	"g": 1e9, "gb": 1e9, "gigabyte": 1e9, "gigabytes": 1e9, "gib": 1 << 30,
	"t": 1e12, "tb": 1e12, "terabyte": 1e12, "terabytes": 1e12, "tib": 1 << 40,
}

// ParseBytes reads a size as DuckDB's memory_limit takes it ("8GiB",
// "2GB", "800 MiB", "1.5gb"); ok is false for anything else (and for "",
// "none" or "-1": no limit).
func ParseBytes(s string) (int64, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.TrimSpace(s[i:])
	}
	v, err := strconv.ParseFloat(num, 64)
	mul, known := byteUnits[unit]
	if err != nil || !known || v < 0 {
		return 0, false
	}
	return int64(v * float64(mul)), true
}
