package main

import (
	"fmt"
	"strings"

	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/sbml"
	"github.com/holobiont/holobiont/system"
	"github.com/spf13/cobra"
)

func newSBMLExportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export MODEL.yaml",
		Short: "Write a holobiont model as SBML Level 3 Version 2",
		Long: `Export a holobiont model (YAML) as SBML Level 3 Version 2 core, for COPASI,
libRoadRunner, tellurium or AMICI. Ids become valid SBML ids (a dot becomes "__";
the original id is kept as the element's name); parameter units, citations and
evidence classes (Q: magnitude from a paper, S: sign only) are kept in
annotations; community blocks are expanded into rate rules and extinction
thresholds into events; inputs become parameters at their default value (the
scenario's schedule is not part of the model). The model is checked (compiled)
before anything is written; no file is left behind on error.

Example:
  holobiont sbml export models/gut-skin-brain.yaml --out gut-skin-brain.xml
  holobiont sbml export models/stein2013.yaml --out - | head`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out is required (a file name, or - for standard output)")
			}
			var m *model.Model
			var err error
			if strings.HasSuffix(strings.ToLower(args[0]), ".xml") || strings.HasSuffix(strings.ToLower(args[0]), ".sbml") {
				m, err = sbml.ReadFile(args[0])
			} else {
				m, _, err = loadModelArg(args[0])
			}
			if err != nil {
				return err
			}
			if _, err := system.Compile(m); err != nil {
				return model.InFile(args[0], err)
			}
			if out == "-" {
				return sbml.Write(cmd.OutOrStdout(), m)
			}
			f, err := safefile.CreateContext(ctxOf(cmd), out)
			if err != nil {
				return err
			}
			defer f.Abort()
			if err := sbml.Write(f, m); err != nil {
				return err
			}
			return f.Commit()
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output SBML file (- for standard output)")
	return cmd
}
