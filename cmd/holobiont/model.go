package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/system"
)

func newModelCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "model",
		Short: "Describe, check and list YAML models",
		Long: `Model inspects holobiont YAML models: 'describe' lists sites, species, host states,
every parameter with value, unit, citation and evidence class (Q: magnitude from a
source; S: sign only, magnitude a conservative choice; C: calibrated to named data, as
'holobiont fit' writes) and the couplings between gut,
skin and brain; 'check' validates a model (and compiles it); 'list' shows the shipped
models. MODEL may be a file or the name of a shipped model.`,
		Example: `  holobiont model describe models/gut-skin-brain.yaml
  holobiont model describe gut-skin-brain.yaml --format json > model.json
  holobiont model check my-model.yaml
  holobiont model list`,
	}
	cmd.AddCommand(newModelDescribeCmd(), newModelCheckCmd(), newModelListCmd(), newModelCompileCmd())
	return cmd
}

func loadModelArg(arg string) (*model.Model, holobiont.Source, error) {
	in, err := holobiont.ReadModel(arg)
	if err != nil {
		return nil, in, err
	}
	m, err := holobiont.ParseModel(in.Name, in.Data)
	return m, in, err
}

func newModelCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check MODEL",
		Short: "Validate a model: syntax, references, units, ranges; then compile it",
		Long: `Check parses MODEL, reports the first problem as file:line:col (unknown fields, type
errors, dangling references, non-finite or out-of-range values, unit mismatches) and
compiles it to be sure it can be simulated. It exits non-zero on any problem.`,
		Example: `  holobiont model check models/gut-skin-brain.yaml`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, in, err := loadModelArg(args[0])
			if err != nil {
				return err
			}
			sys, err := system.Compile(m)
			if err != nil {
				return model.InFile(in.Name, err)
			}
			np, nd := countParameters(m)
			gen, hot := sys.Kernels()
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok: model %s, %d state variables, %d parameters (+%d derived by rules), %d couplings; generated Go kernels for %d of %d hot tapes\n",
				in.Name, m.ID, sys.Dim(), np, nd, len(m.Couplings), gen, hot)
			return nil
		},
	}
}

func newModelListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the shipped models and scenarios",
		Long: `List prints the models and scenarios shipped inside holobiont. Use a model's name
wherever a MODEL file is expected and a scenario's name with --scenario; a model
runs its scenario of the same name unless --scenario says otherwise.`,
		Example: `  holobiont model list
  holobiont run hpa-karin2020.yaml --scenario scenarios/hpa-karin2020.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			fmt.Fprintln(w, "MODELS")
			for _, n := range models.List() {
				d, _ := models.Read(n)
				m, err := modelfile.ParseModel("shipped:"+n, d)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "  %-34s %s\n", n, m.Name)
			}
			fmt.Fprintln(w, "SCENARIOS")
			for _, n := range models.Scenarios() {
				d, _ := models.Read(n)
				sc, err := modelfile.DecodeScenario("shipped:"+n, d)
				if err != nil {
					return err
				}
				ivs := "interventions"
				if len(sc.Interventions) == 1 {
					ivs = "intervention"
				}
				fmt.Fprintf(w, "  %-34s %s (%g days, %d %s)\n", n, sc.Name, sc.End-sc.Start, len(sc.Interventions), ivs)
			}
			return nil
		},
	}
}

func newModelDescribeCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "describe MODEL",
		Short: "Describe a model: sites, species, host states, parameters with provenance, couplings",
		Long: `Describe prints the model's sites (with environment), species (with taxa), host states,
every parameter with value, unit, evidence class and citation, and the couplings table
(from, to, sign, parameter, mechanism, evidence, citation). Couplings and parameters of
evidence class S are sign-only: their magnitudes are conservative modelling choices and
are flagged as such.`,
		Example: `  holobiont model describe models/gut-skin-brain.yaml
  holobiont model describe stein2013.yaml --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, in, err := loadModelArg(args[0])
			if err != nil {
				return err
			}
			switch format {
			case "text":
				return describeText(cmd.OutOrStdout(), m, in)
			case "json":
				return describeJSON(cmd.OutOrStdout(), m, in)
			}
			return fmt.Errorf("--format: want text or json, got %q", format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func num(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

func evidenceLabel(e model.Evidence) string {
	switch e {
	case model.Quantitative:
		return "Q"
	case model.SignOnly:
		return "S (sign only)"
	case model.Calibrated:
		return "C (calibrated)"
	}
	return "-"
}

func describeText(w io.Writer, m *model.Model, in holobiont.Source) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "model %s: %s\nsource %s (SHA-256 %s)\ntime unit: %s\n", m.ID, m.Name, in.Name, in.SHA256(), m.TimeUnit)
	if m.Description != "" {
		fmt.Fprintf(w, "%s\n", strings.TrimSpace(m.Description))
	}
	describeSites(w, tw, m)
	describeStates(w, tw, m)
	if len(m.Inputs) > 0 {
		fmt.Fprintf(w, "\nINPUTS (set by scenarios)\n")
		fmt.Fprintln(tw, "id\tdefault\tunit\tnote")
		for _, i := range m.Inputs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", i.ID, num(i.Default), i.Unit, i.Prov.Note)
		}
		tw.Flush()
	}
	describeParameters(w, tw, m)
	describeConditions(w, m)
	describeCouplings(w, tw, m)
	return nil
}

// describeSites lists the sites (compartments) and the communities.
func describeSites(w io.Writer, tw *tabwriter.Writer, m *model.Model) {
	fmt.Fprintf(w, "\nSITES (%d)\n", len(m.Compartments))
	fmt.Fprintln(tw, "id\tkind\tname\tenvironment")
	for _, c := range m.Compartments {
		var env []string
		for _, k := range []string{"sebum", "moisture", "temperature", "pH"} {
			if v, ok := c.Env[k]; ok {
				env = append(env, k+"="+num(v))
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Kind, c.Name, strings.Join(env, " "))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nCOMMUNITIES (%d)\n", len(m.Communities))
	for _, c := range m.Communities {
		fmt.Fprintf(w, "%s at %s: %d members, %d interactions\n", c.ID, c.Compartment, len(c.Members), len(c.Interactions))
	}
}

// describeStates lists the community members (taxa), then the other
// states (host states) with their evidence.
func describeStates(w io.Writer, tw *tabwriter.Writer, m *model.Model) {
	member := map[string]bool{}
	for _, c := range m.Communities {
		for _, mem := range c.Members {
			member[mem] = true
		}
	}
	fmt.Fprintf(w, "\nSPECIES / TAXA\n")
	fmt.Fprintln(tw, "id\tsite\ttaxon\tinitial\tunit")
	for _, s := range m.Species {
		if member[s.ID] {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Compartment, s.Taxon, num(s.Initial), s.Unit)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\nHOST STATES\n")
	fmt.Fprintln(tw, "id\tsite\tinitial\tunit\tevidence\tcitation")
	for _, s := range m.Species {
		if !member[s.ID] {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Compartment, num(s.Initial), s.Unit, evidenceLabel(s.Prov.Evidence), s.Prov.Citation)
		}
	}
	tw.Flush()
}

// describeParameters lists the constant parameters and counts them by
// evidence class.
func describeParameters(w io.Writer, tw *tabwriter.Writer, m *model.Model) {
	var nq, ns, nc int
	fmt.Fprintf(w, "\nPARAMETERS\n")
	fmt.Fprintln(tw, "id\tvalue\tunit\trange\tevidence\tcitation\tnote")
	for _, p := range m.Parameters {
		if !p.Constant || strings.HasPrefix(p.ID, modelfile.HoistPrefix) {
			continue
		}
		switch p.Prov.Evidence {
		case model.Quantitative:
			nq++
		case model.SignOnly:
			ns++
		case model.Calibrated:
			nc++
		}
		rng := ""
		if !math.IsNaN(p.Min) || !math.IsNaN(p.Max) {
			rng = model.RangeString(p.Min, p.Max)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, num(p.Value), p.Unit, rng, evidenceLabel(p.Prov.Evidence), p.Prov.Citation, p.Prov.Note)
	}
	tw.Flush()
	np, nd := countParameters(m)
	fmt.Fprintf(w, "%d parameters: %d Q (magnitude from a source), %d S (sign only: conservative magnitude), %d C (calibrated to named targets); %d more are derived by rules\n",
		np, nq, ns, nc, nd)
}

// describeConditions lists the clinical conditions with their definitions.
func describeConditions(w io.Writer, m *model.Model) {
	if len(m.Conditions) == 0 {
		return
	}
	fmt.Fprintf(w, "\nCONDITIONS (%d; cohort and trial outputs carry a status, grade and score column each)\n", len(m.Conditions))
	for _, c := range m.Conditions {
		var sc []string
		for _, s := range c.Scores {
			sc = append(sc, s.Name+"="+s.Variable)
		}
		fmt.Fprintf(w, "%s (%s): status %s, grade %s", c.ID, c.Name, c.Status, c.Grade)
		if len(sc) > 0 {
			fmt.Fprintf(w, ", scores %s", strings.Join(sc, " "))
		}
		fmt.Fprintf(w, "\n  definition: %s\n", c.Definition)
		if c.Grading != "" {
			fmt.Fprintf(w, "  grading: %s\n", c.Grading)
		}
		fmt.Fprintf(w, "  evidence %s; %s\n", evidenceLabel(c.Prov.Evidence), c.Prov.Citation)
	}
}

// describeCouplings lists the couplings with their gains and counts the
// sign-only ones.
func describeCouplings(w io.Writer, tw *tabwriter.Writer, m *model.Model) {
	if len(m.Couplings) == 0 {
		return
	}
	fmt.Fprintf(w, "\nCOUPLINGS (%d)\n", len(m.Couplings))
	fmt.Fprintln(tw, "from\tto\tsign\tparameter\tvalue\tevidence\tmechanism\tcitation")
	vals := map[string]float64{}
	for _, p := range m.Parameters {
		vals[p.ID] = p.Value
	}
	nS := 0
	for _, c := range m.Couplings {
		sign := "+"
		if c.Sign < 0 {
			sign = "-"
		}
		ev := evidenceLabel(c.Prov.Evidence)
		if c.Prov.Evidence == model.SignOnly {
			nS++
			ev = "S (sign only; conservative default)"
		}
		v := ""
		if c.Param != "" {
			v = num(vals[c.Param])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.From, c.To, sign, c.Param, v, ev, c.Mechanism, c.Prov.Citation)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d of %d couplings are sign-only (S): their gains are conservative defaults; set them with --set to explore.\n", nS, len(m.Couplings))
}

// countParameters counts the model's parameters as `model check` and
// `model describe` report them: constant ones (the values a user may set
// with --set) and derived ones (targets of assignment rules), leaving out
// the compiler's hoisted helpers.
func countParameters(m *model.Model) (constant, derived int) {
	for _, p := range m.Parameters {
		switch {
		case strings.HasPrefix(p.ID, modelfile.HoistPrefix):
		case p.Constant:
			constant++
		default:
			derived++
		}
	}
	return constant, derived
}

func describeJSON(w io.Writer, m *model.Model, in holobiont.Source) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(modelfile.Describe(m, in.Name, in.SHA256()))
}
