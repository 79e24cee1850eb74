package synth

import (
	"math/bits"
)

// Identifiers. Every id is a bijection of (person, ordinal) so ids are
// unique without coordination between workers, deterministic for a seed,
// and do not reveal the simulation order (real exports carry opaque ids).

// maxPersons bounds the person index so every id space below stays
// collision-free (person<<12 | ordinal < 10^12, person<<6 | need < 10^10).
const maxPersons = 150_000_000

// maxNeedsPerPerson and maxContactsPerPerson follow from the id layout.
const (
	maxNeedsPerPerson    = 60
	maxContactsPerPerson = 4000
)

// affine is x ↦ (a·x + b) mod m with gcd(a, m) = 1: a bijection on [0, m).
type affine struct{ a, b, m uint64 }

func newAffine(seed, salt, m uint64) affine {
	a := mix64(seed^salt)%m | 1
	for gcd(a, m) != 1 {
		a += 2
	}
	return affine{a: a, b: mix64(seed+salt) % m, m: m}
}

func (f affine) apply(x uint64) uint64 {
	hi, lo := bits.Mul64(f.a, x%f.m)
	_, rem := bits.Div64(hi, lo, f.m)
	return (rem + f.b) % f.m
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// mix64 is the SplitMix64 finalizer, a bijection on uint64.
func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// idSpace holds the per-seed bijections of each id kind.
type idSpace struct {
	seed                                       uint64
	acct, card, crm, master, call, conn, visit affine
	event, survey, caseNo, chat                affine
}

func newIDSpace(seed uint64) *idSpace {
	const e10, e11, e12 = 10_000_000_000, 100_000_000_000, 1_000_000_000_000
	return &idSpace{
		seed:   seed,
		acct:   newAffine(seed, 1, e10),
		card:   newAffine(seed, 2, e11),
		crm:    newAffine(seed, 3, 1_000_000_000),
		master: newAffine(seed, 4, e10),
		call:   newAffine(seed, 5, e12),
		conn:   newAffine(seed, 6, e12),
		visit:  newAffine(seed, 7, e12),
		event:  newAffine(seed, 8, e12),
		survey: newAffine(seed, 9, e12),
		caseNo: newAffine(seed, 10, e10),
		chat:   newAffine(seed, 11, 3_656_158_440_062_976), // 36^10
	}
}

func appendDigits(b []byte, v uint64, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for range width {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[i:]...)
}

func contactOrd(p int64, k int32) uint64 { return uint64(p)<<12 | uint64(k) }

// appendAccount is the ACD's account number (entered in the IVR).
func (s *idSpace) appendAccount(b []byte, p int64) []byte {
	return appendDigits(b, s.acct.apply(uint64(p)), 10)
}

// appendVisitor is the chat platform's visitor id: a hash of the login
// e-mail (here of the person), 16 hex digits.
func (s *idSpace) appendVisitor(b []byte, p int64) []byte {
	const hex = "0123456789abcdef"
	v := mix64(uint64(p) ^ mix64(s.seed^0x76697369746f72))
	b = append(b, "v_"...)
	for i := 60; i >= 0; i -= 4 {
		b = append(b, hex[v>>uint(i)&15])
	}
	return b
}

// appendCard is a 16-digit loyalty card number with a Luhn check digit.
func (s *idSpace) appendCard(b []byte, p int64) []byte {
	start := len(b)
	b = append(b, "6035"...)
	b = appendDigits(b, s.card.apply(uint64(p)), 11)
	sum := 0
	for i, dbl := len(b)-1, true; i >= start; i-- {
		d := int(b[i] - '0')
		if dbl {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		dbl = !dbl
	}
	return append(b, byte('0'+(10-sum%10)%10))
}

func (s *idSpace) appendCRMCustomer(b []byte, p int64) []byte {
	b = append(b, "CU"...)
	return appendDigits(b, s.crm.apply(uint64(p)), 9)
}

func (s *idSpace) appendMaster(b []byte, p int64) []byte {
	b = append(b, "MDM-"...)
	return appendDigits(b, s.master.apply(uint64(p)), 10)
}

func (s *idSpace) appendCallID(b []byte, p int64, k int32) []byte {
	return appendDigits(b, s.call.apply(contactOrd(p, k)), 12)
}

func (s *idSpace) appendConnID(b []byte, p int64, k int32) []byte {
	b = append(b, "CN"...)
	return appendDigits(b, s.conn.apply(contactOrd(p, k)), 12)
}

func (s *idSpace) appendChatID(b []byte, p int64, k int32) []byte {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	v := s.chat.apply(contactOrd(p, k))
	var tmp [10]byte
	for i := 9; i >= 0; i-- {
		tmp[i] = digits[v%36]
		v /= 36
	}
	b = append(b, "chs_"...)
	return append(b, tmp[:]...)
}

func (s *idSpace) appendVisitID(b []byte, p int64, k int32) []byte {
	b = append(b, 'V')
	return appendDigits(b, s.visit.apply(contactOrd(p, k)), 12)
}

func (s *idSpace) appendEventID(b []byte, p int64, j int32) []byte {
	b = append(b, "EV"...)
	return appendDigits(b, s.event.apply(contactOrd(p, j)), 12)
}

func (s *idSpace) appendSurveyID(b []byte, p int64, k int32) []byte {
	b = append(b, "SV"...)
	return appendDigits(b, s.survey.apply(contactOrd(p, k)), 12)
}

func (s *idSpace) appendCase(b []byte, p int64, need int) []byte {
	b = append(b, "CS"...)
	return appendDigits(b, s.caseNo.apply(uint64(p)<<6|uint64(need)), 10)
}

// appendContactID appends the id a contact carries in its own system.
func (s *idSpace) appendContactID(b []byte, ch channel, p int64, k int32) []byte {
	switch ch {
	case chPhone:
		return s.appendCallID(b, p, k)
	case chChat:
		return s.appendChatID(b, p, k)
	}
	return s.appendVisitID(b, p, k)
}

// appendKey appends the person's customer key in system sys.
func (s *idSpace) appendKey(b []byte, sys system, p int64) []byte {
	switch sys {
	case sysACD:
		return s.appendAccount(b, p)
	case sysChat:
		return s.appendVisitor(b, p)
	case sysStore:
		return s.appendCard(b, p)
	}
	return s.appendCRMCustomer(b, p)
}
