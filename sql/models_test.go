package sql

import (
	"regexp"
	"strings"
	"testing"
)

func TestModels(t *testing.T) {
	ms := Models()
	if len(ms) < 5 {
		t.Fatalf("only %d models embedded", len(ms))
	}
	ordered := regexp.MustCompile(`^\d\d_[a-z_]+\.sql$`)
	placeholder := regexp.MustCompile(`\{\{[a-z_]+\}\}`)
	for i, m := range ms {
		if !ordered.MatchString(m.Name) {
			t.Errorf("%s: model files are named NN_name.sql so they sort in run order", m.Name)
		}
		if i > 0 && ms[i-1].Name >= m.Name {
			t.Errorf("models out of order: %s before %s", ms[i-1].Name, m.Name)
		}
		if !strings.HasPrefix(m.SQL, "-- "+m.Name) {
			t.Errorf("%s: should open with a comment naming itself and saying what it computes", m.Name)
		}
		// placeholders are confined to the one documented file
		if ps := placeholder.FindAllString(m.SQL, -1); len(ps) > 0 && m.Name != "02_contacts.sql" && m.Name != "06_contact_facts.sql" {
			t.Errorf("%s: placeholders %v outside 02_contacts.sql and 06_contact_facts.sql", m.Name, ps)
		}
	}
}
