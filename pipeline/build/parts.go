package build

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mcnamara/mcnamara/sql/duck"
)

// personPartBytes is what a contact takes in the window sorts of a
// "parts: person" model (contact_seq: its keys — rowid, person, case,
// start, tie — and the sort's own rows). Over it a lake's contacts do not
// fit memory_limit and a full build runs the model in parts. Measured
// (docs/performance.md): contact_seq over 10M contacts took 42.1 s in
// one pass with 600 MiB for DuckDB (spilling) and 28.0 s in 4 parts, the
// same as one pass with 6 GiB (27.6 s).
const personPartBytes = 200

// PersonParts is how many parts a full build runs its "parts: person"
// models in (sql/models: contact_seq): 1 while the intermediates fit
// memory (IntermediatesOnDisk false), else enough that each part's
// contacts take at most DuckDB's memory_limit at personPartBytes each.
func (o Options) PersonParts() int {
	if !o.IntermediatesOnDisk() {
		return 1
	}
	limit, ok := duck.ParseBytes(duck.BufferLimit(o.MemoryLimit))
	if !ok || limit <= 0 {
		return 1
	}
	return int(max(1, (o.Contacts*personPartBytes+limit-1)/limit))
}

var createAs = regexp.MustCompile(`^CREATE OR REPLACE (?:TEMP )?TABLE ([A-Za-z0-9_.]+) AS\s`)

// inParts returns the steps with each "parts: person" model run k times:
// the persons whose hash(person_id) % k is 0, 1, …, k−1 (the model reads
// the variables person_parts and person_part, which the prelude sets to
// 1 and 0), the first part creating its table and the others inserting
// into it. A person's contacts are all in one part, so the windows over a
// person see every contact they saw in one pass; each part's sorts hold
// 1/k of the contacts.
func inParts(steps []Step, k int) ([]Step, error) {
	if k <= 1 {
		return steps, nil
	}
	out := slices.Clone(steps)
	for i, s := range out {
		if s.Model.Parts == "" {
			continue
		}
		sts := statements(s.SQL)
		if len(sts) != 1 || !createAs.MatchString(sts[0]) {
			return nil, fmt.Errorf("build: model %s: parts: want one CREATE OR REPLACE … TABLE … AS statement, got %d statements", s.Name, len(sts))
		}
		st := strings.TrimSuffix(sts[0], ";")
		target := createAs.FindStringSubmatch(st)[1]
		query := createAs.ReplaceAllString(st, "")
		var b strings.Builder
		fmt.Fprintf(&b, "-- in %d parts of the persons (PersonParts)\n", k)
		for part := range k {
			fmt.Fprintf(&b, "SET VARIABLE person_parts = %d;\nSET VARIABLE person_part = %d;\n", k, part)
			if part == 0 {
				b.WriteString(st + ";\n")
			} else {
				fmt.Fprintf(&b, "INSERT INTO %s SELECT * FROM (\n%s\n);\n", target, query)
			}
		}
		b.WriteString("SET VARIABLE person_parts = 1;\nSET VARIABLE person_part = 0;\n")
		out[i].SQL = b.String()
	}
	return out, nil
}
