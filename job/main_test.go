package job

import (
	"os"
	"testing"
)

// TestMain removes what the tests share once they are done: the real data
// sets' lakes, built once per test binary (runDataset).
func TestMain(m *testing.M) {
	code := m.Run()
	closeDatasets()
	os.Exit(code)
}
