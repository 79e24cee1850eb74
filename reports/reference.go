package reports

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (b *builder) glossary(s *Section) error {
	w := b.window()
	terms := [][2]string{
		{"Contact", "One interaction of a customer with the organisation: a call, chat, email, visit, web or app session."},
		{"Journey", fmt.Sprintf("The contacts of one person about one need: contacts sharing a case, or else consecutive contacts each within %s days (the repeat window) of the previous one.", w)},
		{"Claimed success (KPI view)", "The organisation's own scorecard says the contact went well: it was marked resolved and every KPI target held."},
		{"Failed outcome (customer view)", "The customer had to come back in the same journey, or the journey ended without a verified resolution, or in a reopening, complaint, dispute or churn."},
		{"Verified resolution", fmt.Sprintf("Resolved by a resolution event where the sources record one; otherwise no further contact within %s days and no complaint, dispute, reopening or churn.", w)},
		{"Open", fmt.Sprintf("A contact whose %s-day repeat window runs past the end of the data: neither success nor failure yet.", w)},
		{"McNamara gap", "A contact that is a claimed success and a failed outcome at once: the scorecard is green, the customer is not."},
		{"KPI-met rate", "Claimed successes / contacts."},
		{"Verified-outcome rate", "Contacts without a failed outcome / contacts."},
		{"Gap rate", "Gap contacts / claimed successes: how often the scorecard's successes fail the customer."},
		{"Failure demand share", "Contacts that are the 2nd or later of their journey / all contacts: work caused by not getting it right the first time."},
		{"Hop", "A journey moving from one department or channel to another."},
		{"Loop", "A journey returning to a department or channel it had already visited."},
		{"Customer's time", "Hours the customer spent: waiting plus handling, plus travel for visits."},
		{"Spearman ρ", "Rank correlation from −1 to 1 between how often members (agents, teams) meet a KPI and how often their customers fail: above 0, meeting the KPI goes with more failed customers."},
	}
	s.Table = &Table{Columns: []Column{col("term", "Term", fmtText), col("meaning", "Meaning", fmtText), col("source", "Source", fmtText)}}
	for _, t := range terms {
		s.Table.Rows = append(s.Table.Rows, []any{t[0], t[1], "definition"})
	}
	named := map[string]bool{}
	for _, m := range b.meta.Metrics {
		title := m.Title
		if title == "" {
			title = strings.ReplaceAll(m.Name, "_", " ")
		}
		named[m.Name] = true
		desc := m.Description
		if m.Unit != "" {
			desc = strings.TrimSpace(desc + " (unit: " + m.Unit + ")")
		}
		s.Table.Rows = append(s.Table.Rows, []any{title, desc, "metric catalog: " + m.Name})
	}
	for _, k := range b.kpis() {
		if !named[k.name] {
			s.Table.Rows = append(s.Table.Rows, []any{k.title, "A KPI whose met flag the marts carry (" + k.col + "); the metric catalog was not supplied to the report.", "marts"})
		}
	}
	s.Finding = fmt.Sprintf("The report's terms, and %s from the metric catalog.", plural(int64(len(b.meta.Metrics)), "metric", "metrics"))
	return nil
}

func (b *builder) targets(s *Section) error {
	s.Table = &Table{Columns: []Column{col("metric", "Metric", fmtText), col("scope", "Applies to", fmtText), col("target", "Target", fmtText), col("source", "Source", fmtText)}}
	// The targets the marts were built with, when the build recorded them;
	// else the catalog as configured now.
	if b.has("metric_targets", "metric", "level", "member", "target") {
		t, err := b.q.query(b.ctx, `SELECT metric, level, member, CAST(target AS DOUBLE) AS target,
				`+b.optCol("metric_targets", "unit", "VARCHAR")+`, `+b.optCol("metric_targets", "good", "VARCHAR")+`
			FROM metric_targets ORDER BY `+strings.Join(existing(b, "metric_targets", "ordinal", "metric", "level_rank", "level", "member"), ", "))
		if err != nil {
			return err
		}
		for _, r := range t.recs() {
			scope := r.str("level")
			if m := r.str("member"); m != "" {
				scope += " " + m
			}
			op := "≤"
			if r.str("good") == "higher" {
				op = "≥"
			}
			s.Table.Rows = append(s.Table.Rows, []any{strings.ReplaceAll(r.str("metric"), "_", " "), scope,
				op + " " + targetValue(r.str("unit"), r.f("target")), "marts (metric_targets)"})
		}
	}
	if len(s.Table.Rows) > 0 {
		s.Finding = fmt.Sprintf("%s in force when the marts were built; the most specific applies (team, then department, then channel, then the default).",
			plural(int64(len(s.Table.Rows)), "target was", "targets were"))
		return nil
	}
	for _, m := range b.meta.Metrics {
		title := m.Title
		if title == "" {
			title = strings.ReplaceAll(m.Name, "_", " ")
		}
		for _, t := range m.Targets {
			s.Table.Rows = append(s.Table.Rows, []any{title, t.Scope, strings.TrimSpace(t.Op + " " + targetValue(m.Unit, t.Value)), "metric catalog"})
		}
	}
	if b.has("gap", "dimension", "member", "grain", "aht_target_seconds") {
		t, err := b.q.query(b.ctx, `SELECT member, CAST(aht_target_seconds AS DOUBLE) AS target FROM gap
			WHERE dimension = 'department' AND grain = 'total' AND aht_target_seconds IS NOT NULL ORDER BY member`)
		if err != nil {
			return err
		}
		for _, r := range t.recs() {
			s.Table.Rows = append(s.Table.Rows, []any{"Average handle time", "department " + r.str("member"), "≤ " + dur(r.f("target")), "gap mart"})
		}
	}
	if len(s.Table.Rows) == 0 {
		return noData("No data: no metric catalog was supplied and the marts carry no targets.")
	}
	s.Finding = fmt.Sprintf("%s in force when the marts were built.", plural(int64(len(s.Table.Rows)), "target was", "targets were"))
	return nil
}

func targetValue(unit string, v float64) string {
	switch unit {
	case "seconds", "s":
		return dur(v)
	case "minutes":
		return dur(v * 60)
	case "ratio", "share", "rate":
		return pct(v)
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + strings.TrimSpace(" "+unit)
}

func (b *builder) coverage(s *Section) error {
	if err := b.need("contact_facts", "source_system", "started_at"); err != nil {
		return err
	}
	t, err := b.q.query(b.ctx, `SELECT source_system, count(*) AS contacts,
			timezone(?, min(started_at)) AS first, timezone(?, max(started_at)) AS last,
			`+b.share("person_id")+` AS with_person, `+b.share("case_id")+` AS with_case,
			`+b.share("csat")+` AS with_csat, `+b.share("agent_id")+` AS with_agent
		FROM contact_facts GROUP BY source_system ORDER BY contacts DESC, source_system`, b.opts.Timezone, b.opts.Timezone)
	if err != nil {
		return err
	}
	if len(t.rows) == 0 {
		return noData("No data: contact_facts is empty.")
	}
	s.Table = &Table{Columns: []Column{
		col("source_system", "Source system", fmtText), col("contacts", "Contacts", fmtInt),
		col("first", "First contact", fmtTime), col("last", "Last contact", fmtTime),
		col("with_person", "Linked to a person", fmtPct), col("with_case", "With a case id", fmtPct),
		col("with_csat", "With a survey score", fmtPct), col("with_agent", "With an agent", fmtPct),
	}}
	var n, person float64
	for _, r := range t.recs() {
		s.Table.Rows = append(s.Table.Rows, []any{r.get("source_system"), r.n("contacts"), r.get("first"), r.get("last"),
			jf(optF(r, "with_person")), jf(optF(r, "with_case")), jf(optF(r, "with_csat")), jf(optF(r, "with_agent"))})
		n += r.f("contacts")
		person += r.f("with_person") * r.f("contacts")
	}
	s.Finding = fmt.Sprintf("The marts hold %s from %s", plural(int64(n), "contact", "contacts"), plural(int64(len(t.rows)), "source system", "source systems"))
	if b.span.ok {
		s.Finding += ", " + day(b.span.first) + " – " + day(b.span.last)
	}
	if person < n {
		s.Finding += fmt.Sprintf("; %s of them are linked to a person, the rest cannot be followed from one contact to the next.", pct(person/n))
	} else {
		s.Finding += "; every one is linked to a person."
	}
	if b.has("coverage", "contacts") {
		ct, err := b.q.query(b.ctx, "SELECT * FROM coverage LIMIT 1")
		if err != nil {
			return err
		}
		if len(ct.rows) == 1 {
			r := ct.recs()[0]
			for _, c := range []struct{ key, label string }{
				{"contacts", "Contacts"}, {"anonymous_contacts", "Anonymous contacts"}, {"persons", "People"},
				{"journeys", "Journeys"}, {"open_journeys", "Journeys still open"}, {"judged_contacts", "Contacts judged"},
				{"open_contacts", "Contacts still open"}, {"outcomes", "Outcome events"}, {"outcomes_unattached", "Events matching no journey"},
				{"rated_contacts", "Contacts with a survey score"},
			} {
				if v, ok := r.num(c.key); ok {
					s.Stats = append(s.Stats, Stat{Label: c.label, Value: count(int64(v))})
				}
			}
		}
	}
	if oc := b.firstCol("journeys", "window_open", "open"); oc != "" {
		jt, err := b.q.query(b.ctx, `SELECT count(*) AS n, count(*) FILTER (WHERE `+ident(oc)+`) AS open FROM journeys`)
		if err == nil && len(jt.rows) == 1 {
			r := jt.recs()[0]
			if r.n("n") > 0 {
				s.Finding += fmt.Sprintf(" %s of %s journeys are still open at the end of the data.", count(r.n("open")), count(r.n("n")))
			}
		}
	}
	return nil
}

// existing keeps the columns the view has, in order.
func existing(b *builder, view string, cols ...string) []string {
	var out []string
	for _, c := range cols {
		if b.has(view, c) {
			out = append(out, ident(c))
		}
	}
	return out
}

// share is the non-NULL share of a column, or NULL when the view lacks it.
func (b *builder) share(c string) string {
	if b.has("contact_facts", c) {
		return fmt.Sprintf("count(%s) / count(*)", ident(c))
	}
	return "CAST(NULL AS DOUBLE)"
}

func (b *builder) inputs(s *Section) error {
	if len(b.meta.Batches) == 0 {
		return noData("No data: the lake's manifest lists no batch.")
	}
	type key struct{ table, mapping string }
	type agg struct {
		files, refused, skipped int64
		read, loaded, rejected  int64
		last                    string
	}
	sums := map[key]*agg{}
	var keys []key
	var read, loaded, rejected, refused int64
	for _, bt := range b.meta.Batches {
		for _, in := range bt.Inputs {
			k := key{in.Table, in.Mapping}
			a := sums[k]
			if a == nil {
				a = &agg{}
				sums[k] = a
				keys = append(keys, k)
			}
			a.files++
			switch {
			case in.Error != "":
				a.refused++
				refused++
			case in.Skipped != "":
				a.skipped++
			}
			a.read += in.RowsRead
			a.loaded += in.RowsLoaded
			a.rejected += in.RowsRejected
			// Base names only: full paths say nothing to a reader and may
			// reveal home directories.
			a.last = filepath.Base(in.Path)
			read += in.RowsRead
			loaded += in.RowsLoaded
			rejected += in.RowsRejected
		}
	}
	slices.SortFunc(keys, func(x, y key) int { return strings.Compare(x.table+"\x00"+x.mapping, y.table+"\x00"+y.mapping) })
	s.Table = &Table{Columns: []Column{
		col("table", "Table", fmtText), col("mapping", "Mapping", fmtText), col("files", "Files", fmtInt),
		col("refused", "Files refused", fmtInt), col("skipped", "Already loaded", fmtInt),
		col("rows_read", "Rows read", fmtInt), col("rows_loaded", "Rows loaded", fmtInt), col("rows_rejected", "Rows rejected", fmtInt),
		col("last_file", "Latest file", fmtText),
	}}
	var files int64
	for _, k := range keys {
		a := sums[k]
		files += a.files
		s.Table.Rows = append(s.Table.Rows, []any{k.table, k.mapping, a.files, a.refused, a.skipped, a.read, a.loaded, a.rejected, a.last})
	}
	s.Finding = fmt.Sprintf("%s offered %s: %s rows read, %s loaded, %s rejected", plural(int64(len(b.meta.Batches)), "batch", "batches"),
		plural(files, "file", "files"), count(read), count(loaded), count(rejected))
	if refused > 0 {
		s.Finding += fmt.Sprintf("; %s refused whole", plural(refused, "file was", "files were"))
	}
	s.Finding += "."
	if read != loaded+rejected {
		s.Note = fmt.Sprintf("Rows do not reconcile: %s read ≠ %s loaded + %s rejected. Run `mcnamara check`.", count(read), count(loaded), count(rejected))
	}
	return nil
}

func (b *builder) rejects(s *Section) error {
	if err := b.need("rejects", "table", "column", "reason", "_source_file", "_source_line"); err != nil {
		return noData("No data: the rejects view is not attached.")
	}
	t, err := b.q.query(b.ctx, `SELECT "table", "column", reason, count(*) AS rows,
			min(_source_file) AS example_file, min(_source_line) AS example_line,
			sum(count(*)) OVER () AS total
		FROM rejects GROUP BY ALL ORDER BY rows DESC, "table", "column", reason LIMIT 25`)
	if err != nil {
		return err
	}
	if len(t.rows) == 0 {
		s.Finding = "No input row was rejected."
		return nil
	}
	s.Table = &Table{Columns: []Column{
		col("table", "Table", fmtText), col("column", "Column", fmtText), col("reason", "Reason", fmtText),
		col("rows", "Rows", fmtInt), col("example", "First example (file:line)", fmtText),
	}}
	for _, r := range t.recs() {
		ex := filepath.Base(r.str("example_file"))
		if l := r.str("example_line"); l != "" {
			ex += ":" + l
		}
		s.Table.Rows = append(s.Table.Rows, []any{r.get("table"), r.get("column"), r.get("reason"), r.n("rows"), ex})
	}
	top := t.recs()[0]
	total := top.n("total")
	s.Finding = fmt.Sprintf("%s rejected; the most common reason is %s in %s (%s).",
		plural(total, "input row was", "input rows were"), quoted(top.str("reason")), top.str("table"), plural(top.n("rows"), "row", "rows"))
	s.Note = "Every rejected row is kept in the lake with its file, line and raw text: `mcnamara query -e \"FROM rejects\"`."
	return nil
}

func (b *builder) runInfo(s *Section) error {
	s.Table = &Table{Columns: []Column{col("item", "Item", fmtText), col("value", "Value", fmtText)}}
	add := func(k, v string) {
		if v != "" {
			s.Table.Rows = append(s.Table.Rows, []any{k, v})
		}
	}
	if !b.meta.GeneratedAt.IsZero() {
		add("Generated", b.meta.GeneratedAt.UTC().Format(time.RFC3339))
	}
	add("mcnamara version", b.meta.Version)
	add("Lake", b.meta.LakeDir)
	add("Configuration", b.meta.ConfigPath)
	add("Repeat window", b.window()+" days")
	add("Times shown in", b.opts.Timezone)
	if b.opts.RevealCustomerKeys {
		add("Customer pseudonyms", "off: person ids are shown as they are")
	} else {
		add("Customer pseudonyms", "on (keyed hash)")
	}
	if n := len(b.meta.Batches); n > 0 {
		first, last := b.meta.Batches[0], b.meta.Batches[n-1]
		add("Batches", count(int64(n)))
		add("First batch", first.ID+" at "+first.StartedAt.UTC().Format(time.RFC3339))
		add("Latest batch", last.ID+" at "+last.StartedAt.UTC().Format(time.RFC3339))
	}
	var marts []string
	for v := range b.schema {
		if slices.Contains(martNames, v) {
			marts = append(marts, v)
		}
	}
	slices.Sort(marts)
	for _, v := range marts {
		t, err := b.q.query(b.ctx, "SELECT count(*) AS n FROM "+ident(v))
		if err != nil {
			return err
		}
		add("Mart "+v, plural(t.recs()[0].n("n"), "row", "rows"))
	}
	for _, v := range martNames {
		if !slices.Contains(marts, v) {
			add("Mart "+v, "missing")
		}
	}
	s.Finding = fmt.Sprintf("Built from %s of the %d marts the report reads.", plural(int64(len(marts)), "mart", "marts"), len(martNames))
	return nil
}

// martNames are the marts the report reads.
var martNames = []string{"contact_facts", "journeys", "gap", "journey_flows", "kpi_outcome_correlation", "metric_targets", "coverage"}
