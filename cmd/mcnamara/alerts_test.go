package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mcnamara/mcnamara/job"
)

// TestExitCodes: main's one mapping of the job's errors, the alert code
// included, and the precedence of a run that fired alerts, rejected rows
// or refused files (job.RunOutcome decides which error a run ends with).
func TestExitCodes(t *testing.T) {
	breach := []job.Breach{{Metric: "gap_ratio", Dimension: "department", Member: "Tech", Value: 0.7, Threshold: 0.5, Bound: "max"}}
	alerted := job.RunResult{Alerts: job.AlertResult{Breaches: breach}}
	rejected := job.RunResult{}
	rejected.Ingest.Batch.RowsRejected = 3
	both := alerted
	both.Ingest.Batch.RowsRejected = 3
	refused := both
	refused.Ingest.FileErrors = []error{errors.New("inbox/x.csv: missing column contact_id")}
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"usage", job.Usagef("bad flag"), exitUsage},
		{"rejected", job.RejectedError{Rows: 2}, exitRejected},
		{"locked", fmt.Errorf("run: %w", job.ErrLocked), exitLocked},
		{"alert", job.AlertError{Breaches: breach}, exitAlert},
		{"alert, wrapped", fmt.Errorf("run: %w", job.AlertError{Breaches: breach}), exitAlert},
		{"other", errors.New("disk on fire"), exitError},
		{"run: alerts", job.RunOutcome(alerted), exitAlert},
		{"run: rejected rows", job.RunOutcome(rejected), exitRejected},
		{"run: alerts and rejected rows", job.RunOutcome(both), exitAlert},
		{"run: a refused file, alerts and rejected rows", job.RunOutcome(refused), exitError},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("%s: exit code %d, want %d (%v)", tt.name, got, tt.want, tt.err)
		}
	}
	if job.RunOutcome(job.RunResult{}) != nil {
		t.Error("a clean run ends without an error")
	}
}

// TestREADMEExitCodes: the README's table of exit codes lists every code
// main returns (the signal codes are a row of their own).
func TestREADMEExitCodes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Exit codes\n")
	if !ok {
		t.Fatal("README.md has no ## Exit codes section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	listed := map[int]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\| (\d+) \|`).FindAllStringSubmatch(section, -1) {
		n, _ := strconv.Atoi(m[1])
		listed[n] = true
	}
	for _, code := range []int{exitOK, exitError, exitUsage, exitRejected, exitLocked, exitAlert} {
		if !listed[code] {
			t.Errorf("README's exit-code table lacks %d", code)
		}
	}
	if !strings.Contains(section, "| 130, 143 |") {
		t.Error("README's exit-code table lacks the signal codes")
	}
}
