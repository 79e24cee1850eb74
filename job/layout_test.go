package job

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/mcnamara/mcnamara/"

// mayImport is docs/architecture.md's import direction: what each package
// (by directory, a trailing / for every package under it) may import of
// the module, outside its tests. Everything goes one way: cmd → job →
// config, pipeline, reports → metrics, sql.
var mayImport = map[string][]string{
	"cmd/mcnamara":    {"job", "config", "pipeline/", "reports", "metrics", "sql", "sql/"},
	"job":             {"config", "pipeline/", "reports", "metrics", "sql", "sql/"},
	"config":          {"metrics", "pipeline/contract", "sql/duck"},
	"pipeline/":       {"pipeline/", "metrics", "sql", "sql/"},
	"reports":         {"metrics", "sql", "sql/"},
	"metrics":         {},
	"sql":             {},
	"sql/":            {"sql/"},
	"internal/golden": {},
	// benchmark results as JSON, and the command that collects, compares
	// and measures them (make bench, make bench-large)
	"internal/benchrec":  {},
	"internal/benchtool": {"internal/benchrec"},
}

// TestImportDirection holds every package of the module to mayImport.
func TestImportDirection(t *testing.T) {
	root := ".."
	imports := map[string]map[string]bool{} // package dir → module imports
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		dir := filepath.ToSlash(rel)
		if imports[dir] == nil {
			imports[dir] = map[string]bool{}
		}
		for _, s := range f.Imports {
			path, _ := strconv.Unquote(s.Path.Value)
			if dep, ok := strings.CutPrefix(path, module); ok {
				imports[dir][dep] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rule := func(dir string) ([]string, bool) {
		if r, ok := mayImport[dir]; ok {
			return r, true
		}
		for k, r := range mayImport {
			if strings.HasSuffix(k, "/") && strings.HasPrefix(dir, k) {
				return r, true
			}
		}
		return nil, false
	}
	allowed := func(dep string, r []string) bool {
		for _, a := range r {
			if dep == a || strings.HasSuffix(a, "/") && strings.HasPrefix(dep, a) {
				return true
			}
		}
		return false
	}
	dirs := make([]string, 0, len(imports))
	for d := range imports {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		r, ok := rule(dir)
		if !ok {
			t.Errorf("%s: a package docs/architecture.md does not place: add it to mayImport (and the document)", dir)
			continue
		}
		for dep := range imports[dir] {
			if !allowed(dep, r) {
				t.Errorf("%s imports %s, against the import direction (it may import %v)", dir, dep, r)
			}
		}
	}
	if len(dirs) < 10 {
		t.Fatalf("found only %d packages under %s: %v", len(dirs), root, dirs)
	}
}
