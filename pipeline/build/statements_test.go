package build

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	mcsql "github.com/mcnamara/mcnamara/sql"
)

func TestStatements(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"-- only a comment;\n", nil},
		{"SELECT 1;", []string{"SELECT 1;"}},
		{"-- a; b;\nCREATE TABLE a AS\nSELECT 1; \n\n-- c;\nINSERT INTO a\nSELECT 2;\nSELECT 3", []string{
			"CREATE TABLE a AS\nSELECT 1;", "INSERT INTO a\nSELECT 2;", "SELECT 3"}},
	} {
		if diff := cmp.Diff(c.want, statements(c.in)); diff != "" {
			t.Errorf("statements(%q) (-want +got):\n%s", c.in, diff)
		}
	}
}

// TestIncrementalStatements: every file of sql/incremental splits into
// statements that each start with a keyword (a split inside a statement
// would leave a fragment) and name what they make.
func TestIncrementalStatements(t *testing.T) {
	start := regexp.MustCompile(`^(CREATE|INSERT|DELETE|UPDATE|SET|DROP|WITH)\b`)
	for _, name := range []string{"seeds.sql", "closure.sql", "scope.sql", "merge.sql"} { // what run() executes; resolution_removed.sql is a query
		sts := statements(mcsql.Incremental(name))
		ends := 0
		for line := range strings.Lines(mcsql.Incremental(name)) {
			if !strings.HasPrefix(strings.TrimSpace(line), "--") && strings.HasSuffix(strings.TrimSpace(line), ";") {
				ends++
			}
		}
		if len(sts) == 0 || len(sts) != ends {
			t.Errorf("%s: %d statements, %d lines ending one", name, len(sts), ends)
		}
		for _, st := range sts {
			if !start.MatchString(st) {
				t.Errorf("%s: a statement starts %.60q", name, st)
			}
			if statementTarget(st) == "" && !strings.HasPrefix(st, "SET") {
				t.Errorf("%s: no target in %.60q", name, st)
			}
		}
	}
}
