package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// A rejected row keeps the bytes of its record in the file (raw_bytes),
// not DuckDB's rendering of it (which starts a CRLF file's records with a
// stray "\n" and shows invalid bytes as "?"), so the record can be shown
// and replayed exactly. The records are found again by a scan of the
// file with the reader's dialect; record n is lineage line n (the header
// lines count), as the CSV reader numbers them.

// dialect is what splits a text file into records. quote 0: no quoting
// (every line is a record).
type dialect struct {
	delim, quote, escape byte
}

var csvDialect = dialect{delim: ',', quote: '"', escape: '"'}

// maxRecord bounds the bytes kept of one record (a quote left open runs
// to the end of the file); a longer one keeps its first maxRecord bytes.
const maxRecord = 16 << 20

// recordScanner reads the records of a file in order.
type recordScanner struct {
	r      *bufio.Reader
	d      dialect
	n      int64 // records read
	done   bool
	lastCR bool  // the byte before was "\r"
	lastLF bool  // the byte before was "\n"
	prevCR bool  // the byte before that was "\r"
	off    int64 // bytes consumed
}

func newRecordScanner(r io.Reader, d dialect) *recordScanner {
	return &recordScanner{r: bufio.NewReaderSize(r, 1<<16), d: d}
}

// next returns the next record's number, its bytes without the line
// terminator (nil unless keep) and their count, or io.EOF.
func (s *recordScanner) next(keep bool) (n int64, rec []byte, size int, err error) {
	if s.done {
		return 0, nil, 0, io.EOF
	}
	const (
		fieldStart = iota
		unquoted
		quoted
		quoteSeen // a quote inside a quoted field: its end, or an escaped quote
	)
	state := fieldStart
	escaped, started := false, false
	add := func(b ...byte) {
		started = true
		size += len(b)
		if keep && len(rec) < maxRecord {
			rec = append(rec, b[:min(len(b), maxRecord-len(rec))]...)
		}
	}
	for {
		if s.d.quote == 0 {
			// No quoting: a record is a line.
			line, err := s.r.ReadSlice('\n')
			if len(line) > 0 {
				add(line...)
			}
			switch {
			case err == bufio.ErrBufferFull:
				continue
			case err == io.EOF:
				s.done = true
				if !started {
					return 0, nil, 0, io.EOF
				}
				s.n++
				s.off += int64(size)
				return s.n, rec, size, nil
			case err != nil:
				return 0, nil, 0, err
			}
			s.n++
			s.off += int64(size)
			eol := 1
			if bytes.HasSuffix(line, []byte("\r\n")) {
				eol = 2
			}
			return s.n, trimEOL(rec), size - eol, nil
		}
		c, err := s.r.ReadByte()
		if err == io.EOF {
			s.done = true
			if !started {
				return 0, nil, 0, io.EOF
			}
			s.n++
			s.off += int64(size)
			// A quote left open runs to the end of the file; the file's
			// last line break still ends it.
			if s.lastLF || s.lastCR {
				eol := 1
				if s.lastLF && s.prevCR {
					eol = 2
				}
				if len(rec) == size {
					rec = rec[:size-eol]
				}
				return s.n, rec, size - eol, nil
			}
			return s.n, rec, size, nil
		}
		if err != nil {
			return 0, nil, 0, err
		}
		prevCR := size > 0 && s.lastCR
		s.prevCR, s.lastCR, s.lastLF = s.lastCR, c == '\r', c == '\n'
		add(c)
		switch state {
		case quoted:
			switch {
			case escaped:
				escaped = false
			case c == s.d.escape && s.d.escape != s.d.quote:
				escaped = true
			case c == s.d.quote:
				state = quoteSeen
			}
			continue
		case quoteSeen:
			if c == s.d.quote && s.d.escape == s.d.quote {
				state = quoted
				continue
			}
			state = unquoted
		}
		switch {
		case c == '\n':
			s.n++
			s.off += int64(size)
			eol := 1
			if prevCR {
				eol = 2
			}
			return s.n, trimEOL(rec), size - eol, nil
		case c == s.d.delim && s.d.delim != 0:
			state = fieldStart
		case state == fieldStart && c == s.d.quote:
			state = quoted
		case state == fieldStart:
			state = unquoted
		}
	}
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// fileRecords is what a scan of a file found.
type fileRecords struct {
	// records are the bytes of the records asked for, by number.
	records map[int64][]byte
	// header is the file's first header records as they are, line
	// terminators included (what a replay puts before the records).
	header []byte
	// blank are the numbers of the empty records after the header.
	blank []int64
	// count is how many records the file has.
	count int64
}

// recordsOf scans a file for the records numbered in want.
func recordsOf(path string, d dialect, header int64, want map[int64]bool) (fileRecords, error) {
	out := fileRecords{records: map[int64][]byte{}}
	f, err := os.Open(path)
	if err != nil {
		return out, fmt.Errorf("read records of %s: %w", path, err)
	}
	defer f.Close()
	s := newRecordScanner(f, d)
	var headerEnd int64
	for {
		n, rec, size, err := s.next(want[s.n+1])
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, fmt.Errorf("read records of %s: %w", path, err)
		}
		if want[n] {
			out.records[n] = rec
		}
		if n == header {
			headerEnd = s.off
		}
		if n > header && size == 0 {
			out.blank = append(out.blank, n)
		}
		out.count = n
	}
	if headerEnd > 0 {
		out.header = make([]byte, headerEnd)
		if _, err := f.ReadAt(out.header, 0); err != nil {
			return out, fmt.Errorf("read header of %s: %w", path, err)
		}
	}
	return out, nil
}

// blankLineFinder is an io.Writer that notes whether the bytes written
// hold an empty line ("\n\n" or "\n\r\n") followed by more content: the
// CSV reader skips it without a row, and the rows after it are on later
// lines than their ordinals say. (Empty lines at the very end, common in
// exports, change no line.)
type blankLineFinder struct {
	tail        []byte
	off         int64 // bytes written
	firstBlank  int64 // where the first empty line is, -1 before one
	lastContent int64 // where the last byte that is no line break is
}

func newBlankLineFinder() *blankLineFinder { return &blankLineFinder{firstBlank: -1, lastContent: -1} }

func (b *blankLineFinder) Write(p []byte) (int, error) {
	if b.firstBlank < 0 {
		joint := append(b.tail, p[:min(len(p), 2)]...)
		if i := indexBlank(joint); i >= 0 {
			b.firstBlank = b.off - int64(len(b.tail)) + int64(i)
		} else if i := indexBlank(p); i >= 0 {
			b.firstBlank = b.off + int64(i)
		}
		b.tail = append(b.tail[:0], p[max(0, len(p)-2):]...)
	}
	for j := len(p) - 1; j >= 0; j-- {
		if p[j] != '\n' && p[j] != '\r' {
			b.lastContent = b.off + int64(j)
			break
		}
	}
	b.off += int64(len(p))
	return len(p), nil
}

// found says whether an empty line comes before some content.
func (b *blankLineFinder) found() bool { return b.firstBlank >= 0 && b.firstBlank < b.lastContent }

func indexBlank(p []byte) int {
	i, j := bytes.Index(p, []byte("\n\n")), bytes.Index(p, []byte("\n\r\n"))
	if i < 0 || (j >= 0 && j < i) {
		return j
	}
	return i
}

var jsonLines = regexp.MustCompile(`(?i)read_json\w*\s*\([^)]*\bformat\s*=\s*'(newline_delimited|nd)'`)

var csvOption = regexp.MustCompile(`(?i)\b(delim|sep|delimiter|quote|escape)\s*=\s*'((?:[^']|'')*)'`)

// mappingDialect is the dialect a mapping states in its read_csv call;
// scanned (from DuckDB's reject_scans) wins where known.
func mappingDialect(m Mapping, scanned *dialect) (dialect, bool) {
	sql := m.SQL
	csv := strings.Contains(strings.ToLower(sql), "read_csv")
	if !csv {
		// read_json of JSON lines (stated: format = 'newline_delimited'):
		// one record a line. Other JSON (arrays, records back to back, one
		// pretty-printed over many lines) and Parquet have no line to keep.
		if !jsonLines.MatchString(sql) {
			return dialect{}, false
		}
		return dialect{delim: '\n'}, true
	}
	if scanned != nil {
		return *scanned, true
	}
	d := csvDialect
	for _, o := range csvOption.FindAllStringSubmatch(sql, -1) {
		v := strings.ReplaceAll(o[2], "''", "'")
		var c byte
		if v != "" {
			c = v[0]
		}
		switch strings.ToLower(o[1]) {
		case "quote":
			d.quote = c
		case "escape":
			d.escape = c
		default:
			d.delim = c
		}
	}
	return d, true
}

// scanDialect reads a dialect as DuckDB's reject_scans shows it.
func scanDialect(delim, quote, escape string) dialect {
	one := func(s string) byte {
		if s == "" || s == "(empty)" || s == `\0` {
			return 0
		}
		if s == `\t` {
			return '\t'
		}
		return s[0]
	}
	return dialect{delim: one(delim), quote: one(quote), escape: one(escape)}
}
