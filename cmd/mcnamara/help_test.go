package main

import (
	"strings"
	"testing"
)

// TestEveryCommandHasExample: each command's --help ends with examples
// (cobra's Example) that run it.
func TestEveryCommandHasExample(t *testing.T) {
	root := newRootCmd()
	cmds := append(root.Commands(), root)
	for _, c := range cmds {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s: no Example in its --help", c.CommandPath())
			continue
		}
		if !strings.Contains(c.Example, c.CommandPath()) {
			t.Errorf("%s: no example runs it:\n%s", c.CommandPath(), c.Example)
		}
	}
}
