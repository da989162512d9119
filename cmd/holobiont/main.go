// Command holobiont simulates the gut–skin–brain axis, analyses microbiome
// tables and exchanges models with SBML tools. Run `holobiont help` for the
// subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	os.Exit(mainStatus(os.Args[1:], os.Stdout, os.Stderr))
}

// exitInterrupted is the exit status of a command stopped by SIGINT or
// SIGTERM (128 + SIGINT, as shells report it).
const exitInterrupted = 130

// errInterrupted is the error of a command stopped by a signal.
var errInterrupted = errors.New("interrupted")

// mainStatus runs the command line and returns the exit status. The first
// SIGINT or SIGTERM cancels the command's context: every long phase checks
// it and stops, no output is published after it (safefile commits refuse),
// and the status is 130 whatever the command returned. A second signal
// exits at once.
func mainStatus(args []string, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer func() { signal.Stop(sig); close(sig) }()
	go func() {
		if _, ok := <-sig; !ok {
			return
		}
		fmt.Fprintln(stderr, "holobiont: interrupted: stopping without writing further output (interrupt again to quit at once)")
		cancel(errInterrupted)
		if _, ok := <-sig; ok {
			fmt.Fprintln(stderr, "holobiont: interrupted twice: quitting")
			os.Exit(exitInterrupted)
		}
	}()
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if context.Cause(ctx) == errInterrupted {
		if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, errInterrupted) {
			err = errInterrupted
		}
		fmt.Fprintln(stderr, "holobiont:", err)
		return exitInterrupted
	}
	if err != nil {
		fmt.Fprintln(stderr, "holobiont:", err)
		return 1
	}
	return 0
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
		newPetabCmd(),
		newCalibrateCmd(),
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
