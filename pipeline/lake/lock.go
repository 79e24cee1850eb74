package lake

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// ErrLocked means another process holds the lake's writer lock.
var ErrLocked = errors.New("another mcnamara run holds the lake lock")

// Lock takes the lake's writer lock (an flock on lake/.lock, released by the
// kernel if the process dies). With wait, it blocks until the lock is free or
// ctx ends; without, it fails at once with ErrLocked.
func Lock(ctx context.Context, root string, wait bool) (unlock func() error, err error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("create lake %s: %w", root, err)
	}
	l := flock.New(filepath.Join(root, LockFile))
	var ok bool
	if wait {
		ok, err = l.TryLockContext(ctx, 250*time.Millisecond)
	} else {
		ok, err = l.TryLock()
	}
	if err != nil {
		return nil, fmt.Errorf("lock lake %s: %w", root, err)
	}
	if !ok {
		return nil, fmt.Errorf("lake %s: %w (wait for it, or pass --wait)", root, ErrLocked)
	}
	return l.Unlock, nil
}
