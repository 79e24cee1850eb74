package build

import "time"

// TimeSyncs makes every sync of the build add its time to *total (the
// benchmarks report what the marts' durability costs); the returned
// function restores the plain sync.
func TimeSyncs(total *time.Duration) func() {
	prev := syncPath
	syncPath = func(p string) error {
		t0 := time.Now()
		err := prev(p)
		*total += time.Since(t0)
		return err
	}
	return func() { syncPath = prev }
}

// ChangedMonths is changedMonths, for the tests of how a merge finds the
// months it must rewrite.
var ChangedMonths = changedMonths
