package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestDatasetFlags checks the --dataset wiring's usage errors; they need no data.
func TestDatasetFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown", []string{"demo", "--dataset", "nope"}, `no such data set (have: anonymous-bank-1999, cfpb-complaints-disputes, servicenow-incident-log)`},
		{"synthetic flag", []string{"demo", "--dataset", "anonymous-bank-1999", "--contacts", "10"}, "--contacts is for synthetic data"},
		{"shared alone", []string{"demo", "--shared", "x"}, "--shared is only used with --dataset"},
		{"missing files", []string{"demo", "--dataset", "servicenow-incident-log", "--shared", "/nonexistent"}, "pass --shared DIR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newRootCmd()
			root.SetArgs(append(tt.args, "--dir", t.TempDir()))
			var out bytes.Buffer
			root.SetOut(&out)
			root.SetErr(&out)
			err := root.ExecuteContext(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
			if exitCode(err) != exitUsage {
				t.Errorf("exit code %d, want %d", exitCode(err), exitUsage)
			}
		})
	}
}
