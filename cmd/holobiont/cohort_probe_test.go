package main

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestProbe runs a cohort command from $HB_ARGS (development aid; skipped otherwise).
func TestProbe(t *testing.T) {
	a := os.Getenv("HB_ARGS")
	if a == "" {
		t.Skip("HB_ARGS not set")
	}
	args := strings.Fields(a)
	var c *cobra.Command
	switch args[0] {
	case "cohort":
		c = newCohortCmd()
	case "trial":
		c = newTrialCmd()
	case "merge":
		c = newMergeCmd()
	}
	c.SetArgs(args[1:])
	c.SetOut(os.Stdout)
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
}
