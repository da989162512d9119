package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/system"
)

func newModelCompileCmd() *cobra.Command {
	var goOut, pkg string
	cmd := &cobra.Command{
		Use:   "compile MODEL... --go FILE",
		Short: "Generate Go kernels for models (straight-line code replacing the expression interpreter)",
		Long: `Compile compiles each MODEL as a run does and writes, with --go, a Go source file
holding a generated kernel for every hot expression tape of each model (static
assignments, right-hand side, outputs, Jacobian partials) and a Lookup function
that matches kernels to tapes by fingerprint. The kernels compute bit for bit what
the interpreter computes, several times faster.

The shipped models' kernels live in system/kernels (go generate ./system/kernels
runs this command). To run your own model on generated code, build holobiont with
a kernels file that includes it: list the shipped models and yours, replace
system/kernels/kernels_gen.go with the output, and go build ./cmd/holobiont. A
model without a kernel runs on the interpreter with the same results; 'holobiont
model check' says how many of a model's hot tapes have generated kernels.`,
		Example: `  holobiont model compile --go kernels_gen.go --package kernels gut-skin-brain.yaml my-model.yaml
  go generate ./system/kernels      # the shipped models`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if goOut == "" {
				return fmt.Errorf("model compile: --go FILE is required (the Go source to write)")
			}
			var names []string
			var systems []*system.System
			for _, a := range args {
				m, in, err := loadModelArg(a)
				if err != nil {
					return err
				}
				sys, err := system.Compile(m)
				if err != nil {
					return fmt.Errorf("%s: %w", in.Name, err)
				}
				names = append(names, strings.TrimPrefix(filepath.Base(in.Name), "shipped:"))
				systems = append(systems, sys)
			}
			var buf bytes.Buffer
			if err := system.WriteKernels(&buf, pkg, names, systems); err != nil {
				return err
			}
			if err := safefile.WriteFileContext(ctxOf(cmd), goOut, buf.Bytes()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: kernels for %d model(s)\n", goOut, len(systems))
			return nil
		},
	}
	cmd.Flags().StringVar(&goOut, "go", "", "write the generated Go source to `FILE`")
	cmd.Flags().StringVar(&pkg, "package", "kernels", "Go package `NAME` of the generated file")
	return cmd
}
