package ingest

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRecordScanner: records as the CSV reader delimits them: a quoted
// field may hold delimiters, doubled quotes and line breaks; a quote inside
// an unquoted field is a character; CRLF and LF end records; without
// quoting a record is a line; an open quote runs to the end of the file.
func TestRecordScanner(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		d    dialect
		want []string
	}{
		{"plain", "a,b\n1,2\n3,4", csvDialect, []string{"a,b", "1,2", "3,4"}},
		{"crlf", "a,b\r\n1,2\r\n", csvDialect, []string{"a,b", "1,2"}},
		{"quoted", "a,\"x,\"\"y\"\"\nz\"\n2,\"\"\n", csvDialect, []string{"a,\"x,\"\"y\"\"\nz\"", "2,\"\""}},
		{"inner quote", "1,x\"y,z\n2,p\n", csvDialect, []string{"1,x\"y,z", "2,p"}},
		{"open quote", "1,\"x\n2,y\n", csvDialect, []string{"1,\"x\n2,y"}},
		{"blank", "a\n\n\r\nb\n", csvDialect, []string{"a", "", "", "b"}},
		{"backslash escape", "1,\"a\\\"b\nc\"\n2\n", dialect{',', '"', '\\'}, []string{"1,\"a\\\"b\nc\"", "2"}},
		{"no quote", "{\"a\":\"x\n\"b\"\r\n", dialect{}, []string{"{\"a\":\"x", "\"b\""}},
		{"invalid utf-8", "c2,\xff\xfe,x\r\n", csvDialect, []string{"c2,\xff\xfe,x"}},
		{"empty", "", csvDialect, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newRecordScanner(strings.NewReader(c.in), c.d)
			var got []string
			var off int64
			for {
				n, rec, size, err := s.next(true)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if n != int64(len(got)+1) || size != len(rec) {
					t.Errorf("record %d: n=%d size=%d len=%d", len(got)+1, n, size, len(rec))
				}
				if !strings.HasPrefix(c.in[off:], string(rec)) {
					t.Errorf("record %d does not start at offset %d", n, off)
				}
				off = s.off
				got = append(got, string(rec))
			}
			if off != int64(len(c.in)) {
				t.Errorf("consumed %d of %d bytes", off, len(c.in))
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			// without keeping the bytes, the same sizes
			s = newRecordScanner(strings.NewReader(c.in), c.d)
			for i := range c.want {
				_, _, size, err := s.next(false)
				if err != nil || size != len(c.want[i]) {
					t.Errorf("record %d unkept: size %d (%v), want %d", i+1, size, err, len(c.want[i]))
				}
			}
		})
	}
}

func TestBlankLineFinder(t *testing.T) {
	for in, want := range map[string]bool{"a\nb\n": false, "a\n\nb": true, "a\r\n\r\nb": true, "a\r\nb\r\n": false,
		"a\nb\n\n": false, "a\r\nb\r\n\r\n\r\n": false, "\n\na": true, "a\n\n\nb\n\n": true} {
		for split := range len(in) {
			f := newBlankLineFinder()
			f.Write([]byte(in[:split]))
			f.Write([]byte(in[split:]))
			if f.found() != want {
				t.Errorf("%q split at %d: found %v, want %v", in, split, f.found(), want)
			}
		}
	}
}

// TestMappingDialect: records are kept for CSV (the dialect the mapping
// states) and JSON Lines read as such; not for Parquet nor for JSON whose
// records are not one a line (Firehose's back-to-back objects).
func TestMappingDialect(t *testing.T) {
	for _, c := range []struct {
		sql     string
		want    dialect
		textual bool
	}{
		{"SELECT * FROM read_csv({{file}}, header = true)", csvDialect, true},
		{"SELECT * FROM read_csv({{file}}, delim = '\t', quote = '', escape = '')", dialect{delim: '\t'}, true},
		{"SELECT * FROM read_csv({{file}}, sep = ';', quote = '\"', escape = '\\')", dialect{';', '"', '\\'}, true},
		{"SELECT * FROM read_json({{file}}, format = 'newline_delimited')", dialect{delim: '\n'}, true},
		{"SELECT json FROM read_json_objects({{file}}, format = 'auto')", dialect{}, false},
		{"SELECT * FROM read_json({{file}})", dialect{}, false},
		{"SELECT * FROM read_parquet({{file}})", dialect{}, false},
	} {
		got, ok := mappingDialect(Mapping{SQL: c.sql}, nil)
		if got != c.want || ok != c.textual {
			t.Errorf("%s: %+v %v, want %+v %v", c.sql, got, ok, c.want, c.textual)
		}
	}
}
