package reports

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	mcsql "github.com/mcnamara/mcnamara/sql"
	"github.com/mcnamara/mcnamara/sql/duck"
)

func (b *builder) glossary(s *Section) error {
	s.Table = &Table{Columns: []Column{col("term", "Term", fmtText), col("meaning", "Meaning", fmtText), col("source", "Source", fmtText)}}
	for _, c := range b.meta.Concepts {
		s.Table.Rows = append(s.Table.Rows, []any{c.Term, c.Definition, "definition"})
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
	if len(s.Table.Rows) == 0 {
		return noData("No data: neither the glossary nor the metric catalog was supplied to the report.")
	}
	var f figs
	s.Finding = fmt.Sprintf("The report's terms, and %s from the metric catalog.",
		f.plural("catalog_metrics", int64(len(b.meta.Metrics)), Scope{}, "metric", "metrics"))
	s.Figures = f.list
	return nil
}

func (b *builder) targets(s *Section) error {
	s.Table = &Table{Columns: []Column{col("metric", "Metric", fmtText), col("name", "Catalog name", fmtText),
		col("scope", "Applies to", fmtText), col("target", "Target", fmtText), mcol("value", "Configured value", fmtNum, "target_value"),
		col("source", "Source", fmtText)}, RowScope: &RowScope{Dim: "target"}}
	title := map[string]string{}
	for _, m := range b.meta.Metrics {
		title[m.Name] = m.Title
	}
	// The targets the marts were built with, when the build recorded them;
	// else the catalog as configured now.
	if b.has("metric_targets", "ordinal", "metric", "level_rank", "level", "member", "target", "unit", "good") {
		ts, err := rows[targetRow](b, "reference", "targets")
		if err != nil {
			return err
		}
		for _, r := range ts {
			scope := r.Level
			if r.Member != nil && *r.Member != "" {
				scope += " " + *r.Member
			}
			op := "≤"
			if r.Good == "higher" {
				op = "≥"
			}
			t := title[r.Metric]
			if t == "" {
				t = strings.ReplaceAll(r.Metric, "_", " ")
			}
			s.Table.Rows = append(s.Table.Rows, []any{t, r.Metric, scope, op + " " + targetValue(r.Unit, r.Target), r.Target,
				"marts (metric_targets)"})
		}
	}
	var f figs
	defer func() { s.Figures = f.list }()
	if len(s.Table.Rows) > 0 {
		s.Finding = fmt.Sprintf("%s in force when the marts were built; the most specific applies (team, then department, then channel, then the default).",
			f.plural("targets", int64(len(s.Table.Rows)), Scope{}, "target was", "targets were"))
		return nil
	}
	for _, m := range b.meta.Metrics {
		for _, t := range m.Targets {
			s.Table.Rows = append(s.Table.Rows, []any{m.Title, m.Name, t.Scope, strings.TrimSpace(t.Op + " " + targetValue(m.Unit, t.Value)), t.Value, "metric catalog"})
		}
	}
	if len(s.Table.Rows) == 0 {
		return noData("No data: no metric catalog was supplied and the marts carry no targets.")
	}
	s.Finding = fmt.Sprintf("%s in force (the marts did not record theirs).",
		f.plural("targets", int64(len(s.Table.Rows)), Scope{}, "target is", "targets are"))
	return nil
}

// targetValue writes a target exactly enough to act on: durations to the
// second below ten minutes (dur), ratios as percentages, other values as
// they are with their unit ("4 (score 1-5)").
func targetValue(unit string, v float64) string {
	switch unit {
	case "seconds", "s":
		return dur(v)
	case "minutes":
		return dur(v * 60)
	case "ratio", "share", "rate":
		return pct(v)
	}
	n := strconv.FormatFloat(v, 'f', -1, 64)
	if unit == "" {
		return n
	}
	return n + " (" + unit + ")"
}

func (b *builder) coverage(s *Section) error {
	if err := b.need("contact_facts", "source_system", "started_at", "person_id", "case_id", "csat", "agent_id"); err != nil {
		return err
	}
	srcs, err := rows[sourceRow](b, "reference", "sources", b.opts.Timezone, b.opts.Timezone)
	if err != nil {
		return err
	}
	if len(srcs) == 0 {
		return noData("No data: contact_facts is empty.")
	}
	s.Table = &Table{Columns: []Column{
		col("source_system", "Source system", fmtText), mcol("contacts", "Contacts", fmtInt, "contacts"),
		mcol("first", "First contact", fmtTime, "first_contact_at"), mcol("last", "Last contact", fmtTime, "last_contact_at"),
		mcol("with_person", "Linked to a person", fmtPct, "share_with_person"), mcol("with_case", "With a case id", fmtPct, "share_with_case"),
		mcol("with_csat", "With a survey score", fmtPct, "share_with_csat"), mcol("with_agent", "With an agent", fmtPct, "share_with_agent"),
	}, RowScope: &RowScope{Dim: "source_system", MemberCol: "source_system", Period: "all"}}
	var n, person float64
	for _, r := range srcs {
		s.Table.Rows = append(s.Table.Rows, []any{r.Source, r.Contacts, r.First, r.Last,
			round(r.WithPerson), round(r.WithCase), round(r.WithCSAT), round(r.WithAgent)})
		n += float64(r.Contacts)
		person += r.WithPerson * float64(r.Contacts)
	}
	var f figs
	defer func() { s.Figures = f.list }()
	s.Finding = fmt.Sprintf("The marts hold %s from %s", f.plural("contacts", int64(n), allTime, "contact", "contacts"),
		f.plural("members", int64(len(srcs)), Scope{Dim: "source_system", Period: "all"}, "source system", "source systems"))
	if b.span.ok {
		s.Finding += ", " + f.add(day(b.span.first), "first_contact_day", 0, allTime, "") + " – " + f.add(day(b.span.last), "last_contact_day", 0, allTime, "")
	}
	if person < n {
		s.Finding += fmt.Sprintf("; %s of them are linked to a person, the rest cannot be followed from one contact to the next.",
			f.pct("share_with_person", person/n, allTime))
	} else {
		s.Finding += "; every one is linked to a person."
	}
	if !b.has("coverage", "contacts") {
		return nil
	}
	ct, err := b.q.query(b.ctx, "SELECT * FROM coverage LIMIT 1")
	if err != nil {
		return err
	}
	if len(ct.rows) != 1 {
		return nil
	}
	r := ct.recs()[0]
	for _, c := range []struct{ key, label string }{
		{"contacts", "Contacts"}, {"anonymous_contacts", "Anonymous contacts"}, {"persons", "People"},
		{"journeys", "Journeys"}, {"open_journeys", "Journeys still open"}, {"judged_contacts", "Contacts judged"},
		{"open_contacts", "Contacts still open"}, {"outcomes", "Outcome events"}, {"outcomes_unattached", "Events matching no journey"},
		{"rated_contacts", "Contacts with a survey score"},
	} {
		if v, ok := r.num(c.key); ok {
			fig := Figure{Text: count(int64(v)), Measure: c.key, Value: v, Scope: allTime}
			s.Stats = append(s.Stats, Stat{Label: c.label, Value: fig.Text, Figure: &fig})
		}
	}
	// The same open journeys as the tile: one-contact journeys whose
	// repeat window runs past the end of the data, nothing bad known.
	if open, ok := r.num("open_journeys"); ok && r.float("journeys") > 0 {
		s.Finding += fmt.Sprintf(" %s of %s journeys are still open: their outcome is not known yet.",
			f.n("open_journeys", int64(open), allTime), f.n("journeys", r.int("journeys"), allTime))
	}
	return nil
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
		col("table", "Table", fmtText), col("mapping", "Mapping", fmtText), mcol("files", "Files", fmtInt, "files"),
		mcol("refused", "Files refused", fmtInt, "files_refused"), mcol("skipped", "Already loaded", fmtInt, "files_skipped"),
		mcol("rows_read", "Rows read", fmtInt, "rows_read"), mcol("rows_loaded", "Rows loaded", fmtInt, "rows_loaded"),
		mcol("rows_rejected", "Rows rejected", fmtInt, "rows_rejected"), col("last_file", "Latest file", fmtText),
	}, RowScope: &RowScope{Dim: "input"}}
	var files int64
	for _, k := range keys {
		a := sums[k]
		files += a.files
		s.Table.Rows = append(s.Table.Rows, []any{k.table, k.mapping, a.files, a.refused, a.skipped, a.read, a.loaded, a.rejected, a.last})
	}
	var f figs
	defer func() { s.Figures = f.list }()
	s.Finding = fmt.Sprintf("%s offered %s: %s rows read, %s loaded, %s rejected", f.plural("batches", int64(len(b.meta.Batches)), Scope{}, "batch", "batches"),
		f.plural("files", files, Scope{}, "file", "files"), f.n("rows_read", read, Scope{}), f.n("rows_loaded", loaded, Scope{}),
		f.n("rows_rejected", rejected, Scope{}))
	if refused > 0 {
		s.Finding += fmt.Sprintf("; %s refused whole", f.plural("files_refused", refused, Scope{}, "file was", "files were"))
	}
	s.Finding += "."
	if read != loaded+rejected {
		s.Note = fmt.Sprintf("Rows do not reconcile: %s read ≠ %s loaded + %s rejected. Run `mcnamara check`.",
			f.n("rows_read", read, Scope{}), f.n("rows_loaded", loaded, Scope{}), f.n("rows_rejected", rejected, Scope{}))
	}
	return nil
}

func (b *builder) rejects(s *Section) error {
	if err := b.need("rejects", "table", "column", "reason", "_source_file", "_source_line"); err != nil {
		return noData("No data: the rejects view is not attached.")
	}
	rs, err := rows[rejectRow](b, "reference", "rejects")
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		s.Finding = "No input row was rejected."
		return nil
	}
	s.Table = &Table{Columns: []Column{
		col("table", "Table", fmtText), col("column", "Column", fmtText), col("reason", "Reason", fmtText),
		mcol("rows", "Rows", fmtInt, "rejected_rows"), col("example", "First example (file:line)", fmtText),
	}, RowScope: &RowScope{Dim: "rejects"}}
	for _, r := range rs {
		ex := ""
		if r.File != nil {
			ex = filepath.Base(*r.File)
		}
		if r.Line != nil {
			ex += ":" + strconv.FormatInt(*r.Line, 10)
		}
		s.Table.Rows = append(s.Table.Rows, []any{r.Table, str0(r.Column), r.Reason, r.Rows, ex})
	}
	top := rs[0]
	var f figs
	s.Finding = fmt.Sprintf("%s rejected; the most common reason is %s in %s (%s).",
		f.plural("rejected_rows", top.Total, Scope{Dim: "all"}, "input row was", "input rows were"), quoted(top.Reason), quoted(top.Table),
		f.plural("rejected_rows", top.Rows, Scope{Dim: "reason", Member: top.Table + "\x00" + str0(top.Column) + "\x00" + top.Reason}, "row", "rows"))
	s.Figures = f.list
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
		// a count per mart the lake holds: the one query built here, from
		// the schema's view names
		t, err := b.q.query(b.ctx, "SELECT count(*) AS n FROM "+duck.Ident(v))
		if err != nil {
			return err
		}
		add("Mart "+v, plural(t.recs()[0].int("n"), "row", "rows"))
	}
	for _, v := range martNames {
		if !slices.Contains(marts, v) {
			add("Mart "+v, "missing")
		}
	}
	var f figs
	s.Finding = fmt.Sprintf("Built from %s of the %s marts the build makes.", f.plural("marts_present", int64(len(marts)), Scope{}, "mart", "marts"),
		f.n("marts_read", int64(len(martNames)), Scope{}))
	s.Figures = f.list
	return nil
}

// martNames are the marts the build makes (from the models' headers).
var martNames = func() []string {
	var out []string
	for _, m := range mcsql.Marts() {
		out = append(out, m.Name)
	}
	return out
}()

// Typed rows of sql/report/reference.sql.

type targetRow struct {
	Metric string  `col:"metric"`
	Level  string  `col:"level"`
	Member *string `col:"member"`
	Target float64 `col:"target"`
	Unit   string  `col:"unit"`
	Good   string  `col:"good"`
}

type sourceRow struct {
	Source     string  `col:"source_system"`
	Contacts   int64   `col:"contacts"`
	First      string  `col:"first"`
	Last       string  `col:"last"`
	WithPerson float64 `col:"with_person"`
	WithCase   float64 `col:"with_case"`
	WithCSAT   float64 `col:"with_csat"`
	WithAgent  float64 `col:"with_agent"`
}

type rejectRow struct {
	Table  string  `col:"table"`
	Column *string `col:"column"`
	Reason string  `col:"reason"`
	Rows   int64   `col:"rows"`
	File   *string `col:"example_file"`
	Line   *int64  `col:"example_line"`
	Total  int64   `col:"total"`
}
