package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/sbml"
	"github.com/holobiont/holobiont/scenario"
)

func newSBMLRunCmd() *cobra.Command {
	var (
		duration   float64
		steps      int
		variables  string
		out        string
		rtol, atol float64
		scen       string
		sets       []string
	)
	cmd := &cobra.Command{
		Use:   "run MODEL.xml",
		Short: "Simulate an SBML model and write a CSV time course",
		Long: `Simulate an SBML model from time 0 to --duration and write a CSV with a time
column and one column per variable at --steps+1 evenly spaced times. Species are
reported as their id denotes them: concentrations, or amounts for species with
hasOnlySubstanceUnits. Without --variables every species, and every compartment,
parameter and species reference that rules or events change, is written.

The run goes through the same pipeline as 'holobiont run': --set overrides
constant parameters, and --scenario applies a holobiont scenario file's settings
and interventions (bolus on a species, or input signals when the model declares
inputs); the time span and output times still come from --duration and --steps.

Example:
  holobiont sbml run model.xml --duration 10 --steps 100 --out out.csv
  holobiont sbml run model.xml --duration 50 --steps 50 --variables S1,S2
  holobiont sbml run model.xml --duration 10 --steps 10 --set k1=0.5 --scenario dose.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !(duration > 0) {
				return fmt.Errorf("--duration must be positive (got %g)", duration)
			}
			if steps <= 0 {
				return fmt.Errorf("--steps must be positive (got %d)", steps)
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			if got := holobiont.DetectKind(data); got != holobiont.KindUnknown && got != holobiont.KindSBML {
				return &holobiont.KindError{Name: args[0], Got: got, Want: holobiont.KindSBML}
			}
			m, err := sbml.Read(args[0], data)
			if err != nil {
				return err
			}
			var vars []string
			if variables != "" {
				for _, v := range strings.Split(variables, ",") {
					if v = strings.TrimSpace(v); v != "" {
						vars = append(vars, v)
					}
				}
			} else {
				vars = defaultVariables(m)
			}
			sc, err := sbmlRunScenario(scen, duration, steps)
			if err != nil {
				return err
			}
			opts, err := parseSets(sets)
			if err != nil {
				return err
			}
			opts = append(opts, holobiont.ModelSource(args[0], data), holobiont.WithScenario(sc))
			p, err := holobiont.New(cmd.Context(), m, opts...)
			if err != nil {
				return model.InFile(args[0], err)
			}
			res, err := p.Run(cmd.Context(), holobiont.Options{RTol: rtol, ATol: atol, Version: version, Variables: vars})
			if err != nil {
				return model.InFile(args[0], err)
			}
			times, rows := res.Times(), res.Trajectory.Values
			write := func(w io.Writer) error {
				bw := bufio.NewWriter(w)
				bw.WriteString("time")
				for _, v := range vars {
					bw.WriteString("," + v)
				}
				bw.WriteString("\n")
				for k, t := range times {
					bw.WriteString(strconv.FormatFloat(t, 'g', -1, 64))
					for _, x := range rows[k] {
						bw.WriteString("," + strconv.FormatFloat(x, 'g', 12, 64))
					}
					bw.WriteString("\n")
				}
				return bw.Flush()
			}
			if out == "" || out == "-" {
				return write(cmd.OutOrStdout())
			}
			f, err := safefile.CreateContext(ctxOf(cmd), out)
			if err != nil {
				return err
			}
			defer f.Abort()
			if err := write(f); err != nil {
				return err
			}
			return f.Commit()
		},
	}
	cmd.Flags().Float64Var(&duration, "duration", 0, "simulated time span (model time units)")
	cmd.Flags().IntVar(&steps, "steps", 0, "number of output intervals")
	cmd.Flags().StringVar(&variables, "variables", "", "comma-separated ids to write (default: all species and changing symbols)")
	cmd.Flags().StringVar(&out, "out", "", "output CSV file (default: standard output)")
	cmd.Flags().Float64Var(&rtol, "rtol", 1e-8, "relative tolerance")
	cmd.Flags().Float64Var(&atol, "atol", 1e-12, "absolute tolerance")
	cmd.Flags().StringVar(&scen, "scenario", "", "holobiont scenario YAML whose settings and interventions apply")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "override a constant parameter: name=value (repeatable)")
	if err := cmd.MarkFlagRequired("duration"); err != nil {
		panic(err)
	}
	if err := cmd.MarkFlagRequired("steps"); err != nil {
		panic(err)
	}
	return cmd
}

// sbmlRunScenario returns the scenario of an SBML run: the interventions
// and settings of the scenario file (if any) over [0, duration] with
// steps+1 evenly spaced output times.
func sbmlRunScenario(file string, duration float64, steps int) (*scenario.Scenario, error) {
	sc := &scenario.Scenario{}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		if sc, err = modelfile.DecodeScenario(file, data); err != nil {
			return nil, err
		}
	}
	sc.Start, sc.End = 0, duration
	sc.OutputTimes = make([]float64, steps+1)
	for i := range sc.OutputTimes {
		sc.OutputTimes[i] = duration * float64(i) / float64(steps)
	}
	return sc, nil
}

// defaultVariables lists every species and every compartment, parameter
// and species reference a rule or event changes.
func defaultVariables(m *model.Model) []string {
	changing := map[string]bool{}
	for _, r := range m.Rules {
		if r.Variable != "" {
			changing[r.Variable] = true
		}
	}
	for _, e := range m.Events {
		for _, a := range e.Assignments {
			changing[a.Variable] = true
		}
	}
	var out []string
	for _, s := range m.Species {
		out = append(out, s.ID)
	}
	for _, c := range m.Compartments {
		if changing[c.ID] {
			out = append(out, c.ID)
		}
	}
	for _, p := range m.Parameters {
		if changing[p.ID] {
			out = append(out, p.ID)
		}
	}
	return out
}

var errTestsFailed = errors.New("some cases failed")
