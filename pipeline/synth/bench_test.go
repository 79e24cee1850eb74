package synth

import (
	"context"
	"testing"
)

// BenchmarkGenerate measures the whole command (simulate, sort, merge,
// write) per generated contact.
func BenchmarkGenerate(b *testing.B) {
	const n = 50_000
	dir := b.TempDir()
	for b.Loop() {
		if _, err := Generate(context.Background(), Options{Out: dir, Contacts: n, Days: 90, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/contact")
}

// BenchmarkSimulatePerson measures simulating, accounting and formatting
// one person, without I/O.
func BenchmarkSimulatePerson(b *testing.B) {
	g, err := newGen(Options{Out: b.TempDir(), Contacts: 1_000_000, Days: 365, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	w := g.newWorker()
	t := newTally(g.org)
	var contacts int64
	i := int64(0)
	for b.Loop() {
		if len(w.buf.recs) > 1<<16 {
			w.buf.reset()
		}
		w.s.simulatePerson(i)
		w.s.account(t)
		w.s.emitPerson(&w.e)
		contacts += int64(len(w.s.contacts))
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(contacts), "ns/contact")
}
