package contract

import (
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTypesMatchTables(t *testing.T) {
	for _, tc := range []struct {
		table string
		typ   any
	}{
		{"contacts", Contact{}},
		{"outcomes", Outcome{}},
		{"surveys", Survey{}},
		{"identities", Identity{}},
	} {
		tab, err := Lookup(tc.table)
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for _, c := range tab.Columns {
			want = append(want, c.Name)
		}
		rt := reflect.TypeOf(tc.typ)
		for i := range rt.NumField() {
			got = append(got, strings.Split(rt.Field(i).Tag.Get("parquet"), ",")[0])
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: Go type fields differ from contract (-contract +type):\n%s", tc.table, diff)
		}
	}
}

func TestCheckValue(t *testing.T) {
	contacts, _ := Lookup("contacts")
	col := func(n string) Column {
		c, ok := contacts.Column(n)
		if !ok {
			t.Fatalf("no column %s", n)
		}
		return c
	}
	tests := []struct {
		col  string
		v    any
		want string // substring of the reason; "" = accepted
	}{
		{"channel", "phone", ""},
		{"channel", " Phone ", ""},
		{"channel", "pigeon", `"pigeon" is not one of phone|chat`},
		{"disposition", "resolved", ""},
		{"disposition", "done", "is not one of"},
		{"handle_seconds", 0.0, ""},
		{"handle_seconds", -1.0, "below the minimum 0"},
		{"handle_seconds", 8 * 86400.0, "above the maximum"},
		{"wait_seconds", 30.0, ""},
		{"csat", 5.0, ""},
		{"csat", 0.0, "below the minimum 1"},
		{"csat", 6.0, "above the maximum 5"},
		{"contact_id", "  ", "required but empty"},
		{"topic", strings.Repeat("x", DefaultMaxLen+1), "longer than"},
		{"topic", strings.Repeat("é", DefaultMaxLen), ""},
		{"sla_met", true, ""},
	}
	for _, tt := range tests {
		got := col(tt.col).CheckValue(tt.v)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s.CheckValue(%v) = %q, want %q", tt.col, tt.v, got, tt.want)
		}
	}
	if _, err := Lookup("nope"); err == nil || !strings.Contains(err.Error(), "contacts, outcomes") {
		t.Errorf("Lookup(nope) error = %v", err)
	}
}
