package config

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"
)

// unknownKeys explains keys the configuration does not have, each at its
// line with the nearest valid key of its table: a typo must not be
// silently ignored (a misspelt time zone key would leave UTC in force).
func (f File) unknownKeys(keys []toml.Key) error {
	var lines []string
	for _, k := range keys {
		table, name := strings.Join(k[:len(k)-1], "."), k[len(k)-1]
		where := "top level"
		if table != "" {
			where = "[" + table + "]"
		}
		msg := fmt.Sprintf("%s: unknown key %s in %s", f.keyAt(table, name), name, where)
		if near := nearest(name, validKeys(reflect.TypeFor[File](), k[:len(k)-1])); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", near)
		}
		lines = append(lines, msg)
	}
	return fmt.Errorf("%s\n(`mcnamara init` writes a starter file that explains every key)", strings.Join(lines, "\n"))
}

// keyAt is file:line:col of the first `name = …` line inside table (the
// text is scanned: the TOML decoder keeps no positions), else the file.
func (f File) keyAt(table, name string) string {
	cur := ""
	for i, line := range strings.Split(f.text, "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "[") {
			cur = strings.Trim(strings.TrimSpace(strings.SplitN(l, "#", 2)[0]), "[] ")
			continue
		}
		k, _, ok := strings.Cut(l, "=")
		if ok && cur == table && strings.Trim(strings.TrimSpace(k), `"'`) == name {
			return fmt.Sprintf("%s:%d:%d", f.path, i+1, len(line)-len(strings.TrimLeft(line, " \t"))+1)
		}
	}
	return f.path
}

// validKeys lists the toml keys of the struct at path inside t (slices of
// tables and maps step into their element); none where the path ends in a
// map, whose keys are free.
func validKeys(t reflect.Type, path []string) []string {
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Map && len(path) > 0 { // [metrics.targets.<kpi>]
		return validKeys(t.Elem(), path[1:])
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		if len(path) > 0 && tag == path[0] {
			return validKeys(sf.Type, path[1:])
		}
		keys = append(keys, tag)
	}
	if len(path) > 0 {
		return nil
	}
	return keys
}

// nearest is the candidate closest to s by edit distance, if close enough
// to be a typo of it.
func nearest(s string, candidates []string) string {
	best, bestD := "", len(s)/3+2
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
