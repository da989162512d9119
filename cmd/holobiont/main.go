// Command holobiont simulates the gut–skin–brain axis, analyses microbiome
// tables and exchanges models with SBML tools. Run `holobiont help` for the
// subcommands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	holobiont "github.com/holobiont/holobiont"
)

// version is set at build time with -ldflags "-X main.version=..."; it is
// recorded in every output.
var version = holobiont.Version

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "holobiont:", err)
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "holobiont",
		Short: "Simulate and analyse the gut–skin–brain axis",
		Long: `holobiont makes the gut–skin–brain axis computable: it simulates a person's gut and
skin microbiomes coupled to the host (stress axis, inflammation, skin barrier,
gut permeability, wellbeing) under interventions, analyses real microbiome
tables (BIOM, QIIME 2, phyloseq exports), and reads and writes SBML.`,
		Example: `  holobiont run                                  # default model and scenario
  holobiont model describe models/gut-skin-brain.yaml
  holobiont analyze alpha table.biom --metrics shannon,chao1 --out alpha.tsv
  holobiont sbml run model.xml --duration 10 --steps 100`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.AddCommand(
		newRunCmd(),
		newModelCmd(),
		newSBMLCmd(),
		newAnalyzeCmd(),
		newDABenchmarkCmd(),
		newFitCmd(),
		newForecastCmd(),
		newServeCmd(),
		newRunsCmd(),
	)
	root.AddCommand(cohortCommands()...)
	root.AddCommand(studyCommands()...)
	return root
}
