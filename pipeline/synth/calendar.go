package synth

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// calendar converts between instants (Unix seconds) and the business time
// zone's wall clock without calling the time package per record: day
// boundaries and UTC offsets are computed once per day.
type calendar struct {
	loc      *time.Location
	first    int     // index of the first exported day (after the warm-up)
	days     int     // exported days
	midnight []int64 // Unix time of local midnight per day index (len n+1)
	offMid   []int64 // UTC offset (seconds) at local midnight
	offNoon  []int64 // UTC offset at local noon (after any 02:00 switch)
	weekday  []uint8 // 0 = Sunday
	date     [][10]byte
	start    int64 // first exported instant
	end      int64 // first instant after the export
}

// horizonDays is how far past the export the simulation keeps a calendar:
// journeys run on after the end (the truth knows it, the files do not).
const horizonDays = 200

func newCalendar(start time.Time, warmup, days int, loc *time.Location) *calendar {
	n := warmup + days + horizonDays
	c := &calendar{loc: loc, first: warmup, days: days,
		midnight: make([]int64, n+1), offMid: make([]int64, n+1), offNoon: make([]int64, n+1),
		weekday: make([]uint8, n+1), date: make([][10]byte, n+1)}
	y, m, d := start.Date()
	for i := range n + 1 {
		mid := time.Date(y, m, d+i-warmup, 0, 0, 0, 0, loc)
		noon := time.Date(y, m, d+i-warmup, 12, 0, 0, 0, loc)
		c.midnight[i] = mid.Unix()
		_, om := mid.Zone()
		_, on := noon.Zone()
		c.offMid[i], c.offNoon[i] = int64(om), int64(on)
		c.weekday[i] = uint8(mid.Weekday())
		copy(c.date[i][:], mid.Format(time.DateOnly))
	}
	c.start = c.midnight[warmup]
	c.end = c.midnight[warmup+days]
	return c
}

// dayOf returns the day index of instant u, clamped to the table.
func (c *calendar) dayOf(u int64) int {
	d := int((u - c.midnight[0]) / 86400)
	d = min(max(d, 0), len(c.midnight)-2)
	for d > 0 && u < c.midnight[d] {
		d--
	}
	for d < len(c.midnight)-2 && u >= c.midnight[d+1] {
		d++
	}
	return d
}

// wall returns the day index and the local wall-clock seconds since
// midnight of u. US zones switch at 02:00, so the offset changes two real
// hours after midnight.
func (c *calendar) wall(u int64) (day int, sec int64) {
	d := c.dayOf(u)
	off := c.offMid[d]
	if u-c.midnight[d] >= 7200 {
		off = c.offNoon[d]
	}
	return d, u + off - (c.midnight[d] + c.offMid[d])
}

// at returns the instant of wall-clock second sec on day d.
func (c *calendar) at(d int, sec int64) int64 {
	if sec >= 3*3600 {
		return c.midnight[d] + c.offMid[d] + sec - c.offNoon[d]
	}
	return c.midnight[d] + sec
}

// inExport reports whether u lies in the exported period.
func (c *calendar) inExport(u int64) bool { return u >= c.start && u < c.end }

// nextSlot returns when a customer who wants to use channel ch at or after
// u does so: the same day with good odds if the channel is still open,
// otherwise a later open day (weekday-weighted), at an hour drawn from the
// channel's intraday pattern. Past the calendar it returns u unchanged.
func (c *calendar) nextSlot(ch channel, u int64, sameDay float64, r *rand.Rand) int64 {
	d, sec := c.wall(u)
	minH := int(sec / 3600)
	first := true
	for range 60 {
		if d >= len(c.midnight)-1 {
			return u
		}
		wd := c.weekday[d]
		op, cl := openHours[ch][wd][0], openHours[ch][wd][1]
		lo := max(op, minH)
		if lo < cl {
			p := dayAccept[wd]
			if first {
				p = sameDay
			}
			if r.Float64() < p {
				h := drawHour(ch, lo, cl, r)
				s := int64(h)*3600 + int64(r.IntN(3600))
				if first && h == minH && s < sec {
					s = sec + int64(r.IntN(int(3600-sec%3600)))
				}
				return c.at(d, s)
			}
		}
		d++
		minH = 0
		first = false
	}
	return c.at(d, int64(openHours[ch][c.weekday[d]][0])*3600)
}

// drawHour draws an hour in [lo, hi) with the channel's weights.
func drawHour(ch channel, lo, hi int, r *rand.Rand) int {
	var sum float64
	for h := lo; h < hi; h++ {
		sum += hourWeight[ch][h]
	}
	if sum == 0 {
		return lo
	}
	x := r.Float64() * sum
	for h := lo; h < hi; h++ {
		x -= hourWeight[ch][h]
		if x < 0 {
			return h
		}
	}
	return hi - 1
}

// busy is the relative load of the channel at a weekday and hour, 0.5..1.6:
// it stretches queue times at peaks.
func busy(ch channel, wd uint8, h int) float64 {
	w := hourWeight[ch][h] / 12
	if wd == 1 {
		w *= 1.3
	}
	return 0.5 + w
}

// Formatting. Each export has its own timestamp convention, like real
// systems; these append without allocating.

func (c *calendar) civilLocal(u int64) (y, mo, d, h, mi, s int) {
	day, sec := c.wall(u)
	ds := c.date[day]
	y = atoi(ds[0:4])
	mo = atoi(ds[5:7])
	d = atoi(ds[8:10])
	h, mi, s = int(sec/3600), int(sec/60%60), int(sec%60)
	return
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}

// civilUTC converts Unix seconds to UTC calendar fields (proleptic
// Gregorian; Howard Hinnant's days-from-civil inverse).
func civilUTC(u int64) (y, mo, d, h, mi, s int) {
	days := u / 86400
	rem := u % 86400
	if rem < 0 {
		rem += 86400
		days--
	}
	h, mi, s = int(rem/3600), int(rem/60%60), int(rem%60)
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	mo = int(mp + 3)
	if mo > 12 {
		mo -= 12
	}
	if mo <= 2 {
		yy++
	}
	return int(yy), mo, d, h, mi, s
}

func pad2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func pad4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

func ymd(b []byte, y, mo, d int, sep byte) []byte {
	b = pad4(b, y)
	b = append(b, sep)
	b = pad2(b, mo)
	b = append(b, sep)
	return pad2(b, d)
}

func hms(b []byte, h, mi, s int) []byte {
	b = pad2(b, h)
	b = append(b, ':')
	b = pad2(b, mi)
	b = append(b, ':')
	return pad2(b, s)
}

// appendACDTime: 01/05/2026 09:14:03 AM (local, naive).
func (c *calendar) appendACDTime(b []byte, u int64) []byte {
	y, mo, d, h, mi, s := c.civilLocal(u)
	b = pad2(b, mo)
	b = append(b, '/')
	b = pad2(b, d)
	b = append(b, '/')
	b = pad4(b, y)
	b = append(b, ' ')
	h12, ampm := h%12, "AM"
	if h12 == 0 {
		h12 = 12
	}
	if h >= 12 {
		ampm = "PM"
	}
	b = hms(b, h12, mi, s)
	b = append(b, ' ')
	return append(b, ampm...)
}

// appendISOOffset: 2026-01-05T09:14:03-05:00 (local with offset).
func (c *calendar) appendISOOffset(b []byte, u int64) []byte {
	y, mo, d, h, mi, s := c.civilLocal(u)
	b = ymd(b, y, mo, d, '-')
	b = append(b, 'T')
	b = hms(b, h, mi, s)
	day := c.dayOf(u)
	off := c.offMid[day]
	if u-c.midnight[day] >= 7200 {
		off = c.offNoon[day]
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	b = pad2(b, int(off/3600))
	b = append(b, ':')
	return pad2(b, int(off/60%60))
}

// appendStoreTime: 2026-01-05T14:03 (local, naive, minutes).
func (c *calendar) appendStoreTime(b []byte, u int64) []byte {
	y, mo, d, h, mi, _ := c.civilLocal(u)
	b = ymd(b, y, mo, d, '-')
	b = append(b, 'T')
	b = pad2(b, h)
	b = append(b, ':')
	return pad2(b, mi)
}

// appendCRMTime: 2026-01-05 14:03:00+00 (UTC).
func appendCRMTime(b []byte, u int64) []byte {
	y, mo, d, h, mi, s := civilUTC(u)
	b = ymd(b, y, mo, d, '-')
	b = append(b, ' ')
	b = hms(b, h, mi, s)
	return append(b, "+00"...)
}

// appendZulu: 2026-01-05T14:03:27Z (UTC).
func appendZulu(b []byte, u int64) []byte {
	y, mo, d, h, mi, s := civilUTC(u)
	b = ymd(b, y, mo, d, '-')
	b = append(b, 'T')
	b = hms(b, h, mi, s)
	return append(b, 'Z')
}

// dateString is the local business date of day index d.
func (c *calendar) dateString(d int) string { return string(c.date[d][:]) }

// String describes the exported range, for logs.
func (c *calendar) String() string {
	return fmt.Sprintf("%s..%s", c.dateString(c.first), c.dateString(c.first+c.days-1))
}
