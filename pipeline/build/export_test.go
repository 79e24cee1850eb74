package build

// SetAfterWrite lets tests simulate a crash between two mart writes.
func SetAfterWrite(f func(mart string) error) (restore func()) {
	afterWrite = f
	return func() { afterWrite = nil }
}
