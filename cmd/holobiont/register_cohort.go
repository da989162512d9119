package main

import "github.com/spf13/cobra"

func cohortCommands() []*cobra.Command {
	return []*cobra.Command{newCohortCmd(), newTrialCmd(), newMergeCmd()}
}
