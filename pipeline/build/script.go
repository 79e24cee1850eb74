package build

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/contract"
	mcsql "github.com/mcnamara/mcnamara/sql"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// MartSpec is a mart as the build writes it (from its model's header,
// sql/models): Month, for the big marts, is the SQL of the month (YYYY-MM)
// a row is filed under: such a mart is a directory of one file per month
// (lake.MartPattern), so that an incremental build rewrites only the months
// whose rows changed. OrderBy is the order rows are written in (empty: as
// produced, to spare a sort of the big ones).
type MartSpec struct {
	Name, OrderBy, Month string
	Model                mcsql.Model
	// MonthWise: a monthly mart whose model calls in_write_month
	// (_macros.sql) and lists its months in <mart>_months, which a full
	// build of a big lake writes a month at a time (Options.WriteMonthly).
	MonthWise bool
}

// Marts are the marts the models make, in run order.
var Marts = martSpecs()

func martSpecs() []MartSpec {
	var out []MartSpec
	for _, m := range mcsql.Marts() {
		out = append(out, MartSpec{Name: m.Name, OrderBy: m.Mart.OrderBy, Month: m.Mart.Month, Model: m,
			MonthWise: m.Mart.Month != "" && strings.Contains(m.SQL, "in_write_month(")})
	}
	return out
}

// Step is one SQL unit of the build: the prelude, the macros or a model.
type Step struct {
	Name string
	SQL  string
	// Model is the step's model (zero for the prelude and the macros).
	Model mcsql.Model
}

// Script returns the build's SQL in run order: a prelude that sets the
// variables and fills kpi_catalog and kpi_targets from the options, the
// shared macros, then the models with their placeholders filled in: run
// it in any DuckDB that has the input views to get the same tables. These are the steps a build
// records; PrintScript is the script as it runs them.
func Script(o Options) ([]Step, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	cat := o.catalog()
	fill := placeholders(cat)
	steps := []Step{{Name: "00_prelude.sql", SQL: prelude(o, cat)}, {Name: "_macros.sql", SQL: mcsql.Macros()}}
	for _, m := range mcsql.Models() {
		s, err := fillSQL(m.Name+".sql", m.SQL, fill)
		if err != nil {
			return nil, err
		}
		steps = append(steps, Step{Name: m.Name + ".sql", SQL: s, Model: m})
	}
	return steps, nil
}

// fillSQL fills a model's or an incremental file's placeholders ({{name}},
// the only templating); one left unfilled is an error.
func fillSQL(file, s string, fill map[string]string) (string, error) {
	for k, v := range fill {
		s = strings.ReplaceAll(s, "{{"+k+"}}", v)
	}
	if i := strings.Index(s, "{{"); i >= 0 {
		end := min(len(s), i+40)
		return "", fmt.Errorf("%s: unknown placeholder at %q", file, s[i:end])
	}
	return s, nil
}

// placeholders are the models' templating; see contact_base.sql. Metric
// expressions come from the catalog, never from data.
func placeholders(cat *metrics.Catalog) map[string]string {
	var values, met, held, cells, cols, rates []string
	for _, m := range cat.KPIs() {
		if m.Expr != m.Name { // a KPI that is a contract column is there already
			values = append(values, fmt.Sprintf("(%s) AS %s", m.Expr, m.Name))
		}
		met = append(met, fmt.Sprintf("%s AS met_%s", m.Met(m.Name, "target_"+m.Name), m.Name))
		// Sums of integers (values and targets in millionths), exact in
		// any order: a parallel sum of fractions differs in its last bits,
		// and an incremental build must give what a full one does.
		num, den, mul := m.AggParts()
		k, t := duck.Ident(m.Name), duck.Ident("target_"+m.Name)
		// BIGINT, as every count of the cells: a sum is a HUGEINT, which
		// Parquet stores as DOUBLE (gap_cells is a mart)
		cells = append(cells,
			fmt.Sprintf("CAST(%s AS BIGINT) AS %s", num, duck.Ident(m.Name+"__num")),
			fmt.Sprintf("CAST(%s AS BIGINT) AS %s", den, duck.Ident(m.Name+"__den")),
			fmt.Sprintf("count(%s) AS %s", k, duck.Ident(m.Name+"__n")),
			// CASE, not FILTER: over the gap's six grouping sets, 22 FILTER
			// clauses took twice the time of the whole aggregation without
			// them (1M contacts, DuckDB 1.5)
			fmt.Sprintf("CAST(sum(CASE WHEN %s IS NOT NULL THEN CAST(round(%s * 1e6) AS BIGINT) END) AS BIGINT) AS %s", k, t, duck.Ident(m.Name+"__tsum")),
			fmt.Sprintf("count(CASE WHEN %s IS NOT NULL THEN %s END) AS %s", k, t, duck.Ident(m.Name+"__tn")),
			// attainment: contacts that met the target, of those measured
			// against one (kpi_outcome_correlation.sql)
			fmt.Sprintf("CAST(coalesce(count_if(%s), 0) AS BIGINT) AS %s", duck.Ident("met_"+m.Name), duck.Ident(m.Name+"__met")),
			fmt.Sprintf("count(%s) AS %s", duck.Ident("met_"+m.Name), duck.Ident(m.Name+"__metn")))
		rates = append(rates, fmt.Sprintf("sum(%s) / nullif(sum(%s), 0) AS %s",
			duck.Ident(m.Name+"__met"), duck.Ident(m.Name+"__metn"), duck.Ident("met_"+m.Name)))
		cols = append(cols,
			fmt.Sprintf("sum(%s) / nullif(sum(%s), 0) * %s AS %s", duck.Ident(m.Name+"__num"), duck.Ident(m.Name+"__den"), num64(mul), k),
			fmt.Sprintf("CAST(sum(%s) AS BIGINT) AS %s", duck.Ident(m.Name+"__n"), duck.Ident(m.Name+"_contacts")),
			fmt.Sprintf("sum(%s) / nullif(sum(%s), 0) * 1e-6 AS %s", duck.Ident(m.Name+"__tsum"), duck.Ident(m.Name+"__tn"), t))
	}
	for _, name := range cat.Scorecard() {
		m, _ := cat.Metric(name)
		held = append(held, fmt.Sprintf("coalesce(%s, true)", m.Met("("+m.Expr+")", "target_"+m.Name)))
	}
	heldSQL := "true"
	if len(held) > 0 {
		heldSQL = "(" + strings.Join(held, " AND ") + ")"
	}
	const sep = ",\n        "
	valuesSQL := ""
	for _, v := range values {
		valuesSQL += sep + v
	}
	return map[string]string{
		"kpi_values":     valuesSQL,
		"kpi_met":        strings.Join(met, sep),
		"scorecard_held": heldSQL,
		"kpi_cells":      strings.Join(cells, ",\n    "),
		"kpi_columns":    strings.Join(cols, ",\n    "),
		"kpi_met_rates":  strings.Join(rates, ",\n    "),
	}
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// num64 writes a float as a DOUBLE literal (1e-06 is DECIMAL otherwise).
func num64(v float64) string { return "CAST(" + strconv.FormatFloat(v, 'g', -1, 64) + " AS DOUBLE)" }

func prelude(o Options, cat *metrics.Catalog) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("-- 00_prelude.sql — the build's settings and the metric catalog as tables.\n")
	p("SET VARIABLE repeat_window = to_seconds(%s);  -- %s days\n", num(o.RepeatWindowDays*86400), num(o.RepeatWindowDays))
	p("SET VARIABLE outcome_horizon = to_seconds(%s);  -- %s days\n", num(o.OutcomeHorizonDays*86400), num(o.OutcomeHorizonDays))
	p("SET VARIABLE travel_seconds_per_visit = CAST(%s AS DOUBLE);\n", num(o.TravelMinutesPerVisit*60))
	p("SET VARIABLE time_zone = %s;\n", duck.Quote(o.TimeZone))
	p("SET VARIABLE resolution = %s;\n", duck.Quote(o.Resolution))
	p("SET VARIABLE flow_steps = %d;\n", o.FlowSteps)
	// the first month the cells of a "cells: month" mart are computed for
	// (gap_cells.sql); an incremental build moves it to the first month a
	// night can change
	p("SET VARIABLE cells_from = DATE '0001-01-01';\n")
	// the part of the persons a "parts: person" model reads (inParts)
	p("SET VARIABLE person_parts = 1;\nSET VARIABLE person_part = 0;\n")
	p("SET VARIABLE gaming_alpha = %s;\n", num64(o.GamingAlpha))
	p("SET VARIABLE gaming_band = %s;\n", num64(o.GamingBand))
	p("SET VARIABLE gaming_min_count = %d;\n", o.GamingMinCount)
	p("SET VARIABLE gaming_min_weeks = %d;\n", o.GamingMinWeeks)
	p("SET VARIABLE gaming_week_contacts = %d;\n", o.GamingWeekContacts)
	p("SET VARIABLE gaming_z = %s;  -- normal quantile of gaming_confidence %s\n", num64(o.GamingZ()), num(o.GamingConfidence))
	if o.AsOf.IsZero() {
		p("SET VARIABLE as_of = CAST(NULL AS TIMESTAMPTZ);\n")
	} else {
		p("SET VARIABLE as_of = TIMESTAMPTZ %s;\n", duck.Quote(o.AsOf.UTC().Format(time.RFC3339Nano)))
	}

	p("\nCREATE OR REPLACE TEMP TABLE kpi_catalog (ordinal INTEGER, metric VARCHAR, kind VARCHAR, unit VARCHAR, good VARCHAR, in_scorecard BOOLEAN, expr VARCHAR, description VARCHAR);\n")
	var rows []string
	for i, m := range cat.Metrics() {
		rows = append(rows, fmt.Sprintf("(%d, %s, %s, %s, %s, %t, %s, %s)", i+1, duck.Quote(m.Name), duck.Quote(string(m.Kind)),
			duck.Quote(m.Unit), duck.Quote(string(m.Good)), cat.InScorecard(m.Name), duck.Quote(m.Expr), duck.Quote(m.Description)))
	}
	p("INSERT INTO kpi_catalog VALUES\n    %s;\n", strings.Join(rows, ",\n    "))

	p("\nCREATE OR REPLACE TEMP TABLE kpi_targets (metric VARCHAR, level VARCHAR, member VARCHAR, target DOUBLE);\n")
	rows = rows[:0]
	hasDefault := map[string]bool{}
	for _, t := range cat.Targets() {
		member := "NULL"
		if t.Level != metrics.LevelDefault {
			member = duck.Quote(t.Member)
		} else {
			hasDefault[t.Metric] = true
		}
		rows = append(rows, fmt.Sprintf("(%s, %s, %s, %s)", duck.Quote(t.Metric), duck.Quote(string(t.Level)), member, num(t.Value)))
	}
	// every KPI needs a row so that group_targets has its column
	for _, m := range cat.KPIs() {
		if !hasDefault[m.Name] {
			rows = append(rows, fmt.Sprintf("(%s, 'default', NULL, NULL)", duck.Quote(m.Name)))
		}
	}
	p("INSERT INTO kpi_targets VALUES\n    %s;\n", strings.Join(rows, ",\n    "))

	// validate() has checked the rates
	r, _ := o.rates()
	p("\n-- [costs]: the agent hour and a flat cost per contact, per channel\n")
	p("SET VARIABLE currency = %s;\n", duck.Quote(r.Currency))
	p("SET VARIABLE customer_hour = CAST(%s AS DOUBLE);\n", num(r.CustomerHour))
	p("CREATE OR REPLACE TEMP TABLE cost_rates (channel VARCHAR, hourly DOUBLE, per_contact DOUBLE);\n")
	rows = rows[:0]
	for _, ch := range contract.Channels {
		rows = append(rows, fmt.Sprintf("(%s, %s, %s)", duck.Quote(ch), num(r.Hourly[ch]), num(r.PerContact[ch])))
	}
	p("INSERT INTO cost_rates VALUES\n    %s;\n", strings.Join(rows, ",\n    "))
	return b.String()
}

// Settings is the SQL of the settings a build runs its script under (see
// configure): what DuckDB needs to do the same work as the build.
func Settings(o Options) string {
	var b strings.Builder
	b.WriteString("SET preserve_insertion_order = false;\n")
	b.WriteString("SET partitioned_write_flush_threshold = 122880;\n")
	if o.MemoryLimit != "" {
		fmt.Fprintf(&b, "SET memory_limit = %s;  -- %s of the budget %s ([lake] memory_limit)\n",
			duck.Quote(duck.BufferLimit(o.MemoryLimit)), strconv.FormatFloat(duck.BufferShare, 'f', -1, 64), o.MemoryLimit)
	}
	if o.Threads > 0 {
		fmt.Fprintf(&b, "SET threads = %d;\n", o.Threads)
	}
	return b.String()
}

// WriteScript is Script with the marts' writes: the settings first, then
// after each model that makes a mart the COPY statements that write it
// into dir as the build does (a monthly mart: its schema file and the
// months, partitioned by _month into dir/<mart>.parts; the others one file
// in their order), and a mart defined as a view read back from its files.
// It is the build's work done by DuckDB alone, without the build's
// renames, syncs and record (`mcnamara build --print-sql --with-writes`).
func WriteScript(o Options, dir string) ([]Step, error) {
	steps, err := PrintScript(o)
	if err != nil {
		return nil, err
	}
	out := []Step{{Name: "00_settings.sql", SQL: Settings(o)}}
	for _, s := range steps {
		out = append(out, s)
		for _, m := range Marts {
			if s.Model.Name != m.Name {
				continue
			}
			var q, files string
			if m.Month != "" {
				q = copySQL("SELECT * FROM "+duck.Ident(m.Name)+" LIMIT 0", filepath.Join(dir, m.Name+"_"+schemaFile), "", 0) + ";\n"
				month := fmt.Sprintf("SELECT *, %s AS _month FROM %s", monthKey(m.Month), duck.Ident(m.Name))
				if m.MonthWise && o.WriteMonthly() && len(o.ScriptMonths) > 0 {
					// as the build writes it: a file per month
					for _, mo := range o.ScriptMonths {
						q += monthSQL(mo) + copySQL("SELECT * FROM "+duck.Ident(m.Name), filepath.Join(dir, m.Name+".month."+mo+".parquet"), "", monthRowGroup) + ";\n"
					}
					q += monthSQL("")
					files = filepath.Join(dir, m.Name+".month.*.parquet")
				} else {
					parts := filepath.Join(dir, m.Name+".parts")
					q += copySQL(month, parts, "_month", monthRowGroup) + ";\n"
					files = filepath.Join(parts, "*", "*.parquet")
				}
			} else {
				src := "SELECT * FROM " + duck.Ident(m.Name)
				if m.OrderBy != "" {
					src += " ORDER BY " + m.OrderBy
				}
				files = filepath.Join(dir, m.Name+".parquet")
				q = copySQL(src, files, "", 0) + ";\n"
			}
			if isView(s.SQL, m.Name) {
				q += fmt.Sprintf("CREATE OR REPLACE TEMP VIEW %s AS SELECT * FROM read_parquet(%s);\n", duck.Ident(m.Name), duck.Quote(files))
			}
			out = append(out, Step{Name: m.Name + ".write.sql", SQL: q})
		}
	}
	if o.IntermediatesOnDisk() {
		out = append(out, Step{Name: "99_detach.sql", SQL: detachSQL + ";\n-- the file " + ScriptScratchFile(o) + " can be removed now\n"})
	}
	return out, nil
}

// PrintScript is the script as a full build runs it: Script, with the
// models' tables in the database file ScriptScratchFile(o) when the
// options choose it (IntermediatesOnDisk), as Build puts them in its own
// (ScratchFile). It is what `mcnamara build --print-sql` prints; its
// search path names the default database "memory" (an in-memory DuckDB's).
func PrintScript(o Options) ([]Step, error) {
	steps, err := Script(o)
	if err != nil || !o.IntermediatesOnDisk() {
		return steps, err
	}
	return inParts(onDisk(steps, ScriptScratchFile(o), printedDB), o.PersonParts())
}

// ScriptScratchFile is the intermediates' database file of the printed
// script (PrintScript), in the temp directory beside the build's own.
func ScriptScratchFile(o Options) string {
	return filepath.Join(o.tempDir(), scratchPrefix+"script.duckdb")
}

// isView tells whether a model's SQL defines name as a view.
func isView(sql, name string) bool {
	return strings.Contains(sql, "CREATE OR REPLACE TEMP VIEW "+name+" AS")
}
