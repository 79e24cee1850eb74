package lake

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
)

// storageProblem classifies err as one of the storage failures a user
// fixes outside mcnamara (a full disk, a read-only or unwritable
// directory), from the error itself or, for DuckDB's, its message.
func storageProblem(err error) syscall.Errno {
	for _, e := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS, syscall.EACCES, syscall.EPERM} {
		if errors.Is(err, e) {
			return e
		}
	}
	msg := err.Error()
	for text, e := range map[string]syscall.Errno{
		"No space left on device": syscall.ENOSPC,
		"Disk quota exceeded":     syscall.EDQUOT,
		"Read-only file system":   syscall.EROFS,
		"Permission denied":       syscall.EACCES,
	} {
		if strings.Contains(msg, text) {
			return e
		}
	}
	return 0
}

// IsStorageError reports whether err is a full disk or a read-only file
// system: the whole run stops (a file is not refused for it).
func IsStorageError(err error) bool {
	if err == nil {
		return false
	}
	switch storageProblem(err) {
	case syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS:
		return true
	}
	return false
}

// StorageError explains a storage failure while writing in dir (the lake,
// or the report directory): which directory, and what to free or fix.
// Other errors come back as they are.
func StorageError(err error, dir, what string) error {
	if err == nil {
		return nil
	}
	var se *storageError
	if errors.As(err, &se) {
		return err
	}
	switch storageProblem(err) {
	case syscall.ENOSPC, syscall.EDQUOT:
		return &storageError{err, fmt.Sprintf("the disk holding %s %s is full: free space there (`df -h %s` shows how much is left, `du -sh %s/*` what uses it) or move it to a larger disk, then run again; nothing was committed, the previous lake, marts and report are intact", what, dir, dir, dir)}
	case syscall.EROFS:
		return &storageError{err, fmt.Sprintf("%s %s is on a read-only file system: remount it read-write (or point mcnamara at a writable copy), then run again; nothing was changed", what, dir)}
	case syscall.EACCES, syscall.EPERM:
		// only about dir: an input file one may not read is another matter
		abs, _ := filepath.Abs(dir)
		if !strings.Contains(err.Error(), dir) && !strings.Contains(err.Error(), abs) {
			return err
		}
		return &storageError{err, fmt.Sprintf("cannot write in %s %s: give the user running mcnamara write access to it (owner or mode), then run again; nothing was committed", what, dir)}
	}
	return err
}

type storageError struct {
	err error
	msg string
}

func (e *storageError) Error() string { return e.msg + " (" + e.err.Error() + ")" }
func (e *storageError) Unwrap() error { return e.err }
