package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed, fatal bool
	msg           string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msg = format
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.fatal = true, true
	r.msg = format
}
func (r *recorder) Fatal(args ...any) { r.failed, r.fatal = true, true }

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "want.txt")

	r := &recorder{TB: t}
	Check(r, p, "a\n")
	if !r.fatal {
		t.Error("a missing golden file must fail the test")
	}

	*update = true
	r = &recorder{TB: t}
	Check(r, p, []byte("a\n"))
	*update = false
	if b, err := os.ReadFile(p); r.failed || err != nil || string(b) != "a\n" {
		t.Fatalf("-update wrote %q, %v (failed %v)", b, err, r.failed)
	}

	r = &recorder{TB: t}
	Check(r, p, "a\n")
	if r.failed {
		t.Error("equal output failed")
	}
	r = &recorder{TB: t}
	Check(r, p, "b\n")
	if !r.failed || r.fatal || !strings.Contains(r.msg, "-update") {
		t.Errorf("a difference: failed %v, fatal %v, message %q; want a non-fatal failure saying -update", r.failed, r.fatal, r.msg)
	}
}
