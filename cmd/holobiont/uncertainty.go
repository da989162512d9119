package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/targets"
)

// uncertaintyHelp is the flag help shared by run and trial.
const uncertaintyHelp = "report each endpoint with a 95% interval from N runs: the point estimate and N-1 parameter sets of the model's calibration ensemble (0: off)"

// checkUncertainty refuses a bad --uncertainty before anything runs.
func checkUncertainty(n int) error {
	if n < 0 {
		return fmt.Errorf("--uncertainty %d: want the number of runs, at least 1 (1: the point estimate alone), or 0 for none", n)
	}
	return nil
}

// ensembleSource finds the ensemble of a model: --ensemble FILE, else
// MODEL.ensemble.tsv beside a model file, else the shipped model's.
func ensembleSource(modelArg, flag string) (holobiont.Source, error) {
	if flag != "" {
		data, err := os.ReadFile(flag)
		return holobiont.Source{Name: flag, Data: data}, err
	}
	if modelArg == "" {
		modelArg = holobiont.DefaultModel
	}
	name := strings.TrimSuffix(modelArg, filepath.Ext(modelArg)) + models.EnsembleSuffix
	if _, err := os.Stat(modelArg); err == nil {
		data, err := os.ReadFile(name)
		if err != nil {
			return holobiont.Source{}, fmt.Errorf("--uncertainty: model %s has no ensemble %s: give --ensemble FILE (holobiont calibrate TARGETS.yaml writes ensemble.tsv)", modelArg, name)
		}
		return holobiont.Source{Name: name, Data: data}, nil
	}
	base := filepath.Base(name)
	data, err := models.Read(base)
	if err != nil {
		return holobiont.Source{}, fmt.Errorf("--uncertainty: the shipped model %s has no ensemble: give --ensemble FILE (holobiont calibrate TARGETS.yaml writes ensemble.tsv)", modelArg)
	}
	return holobiont.Source{Name: "shipped:" + base, Data: data}, nil
}

// ensembleSets reads the ensemble for p and returns the parameters it
// varies (those p's scenario or --set do not fix) and its first n-1 sets.
func ensembleSets(p *holobiont.Problem, src holobiont.Source, n int) ([]string, [][]float64, []int, error) {
	ens, err := targets.ParseEnsemble(src.Name, src.Data)
	if err != nil {
		return nil, nil, nil, err
	}
	if n-1 > len(ens.Sets) {
		return nil, nil, nil, fmt.Errorf("--uncertainty %d: the ensemble %s holds %d parameter sets (want at most %d runs: the point estimate and each set)", n, src.Name, len(ens.Sets), len(ens.Sets)+1)
	}
	fixed := p.Applied()
	var params []string
	var cols []int
	for k, id := range ens.Params {
		if _, ok := p.Parameter(id); !ok {
			return nil, nil, nil, fmt.Errorf("--uncertainty: the ensemble %s varies %s, which model %s does not have", src.Name, id, p.Model.ID)
		}
		if _, set := fixed[id]; !set {
			params, cols = append(params, id), append(cols, k)
		}
	}
	sets := make([][]float64, n-1)
	for i := range sets {
		for _, k := range cols {
			sets[i] = append(sets[i], ens.Sets[i][k])
		}
	}
	return params, sets, ens.Draws[:n-1], nil
}

// ensembleBurnIn is the days each ensemble member of run --uncertainty
// simulates before the scenario, without its interventions, from the
// model's initial state (the point estimate's steady state): a member's
// own healthy steady state differs (for example host.inflammation 1.31
// instead of 1.01 in draw 17); two years settle it (the slowest, forearm
// Cutibacterium in draws 2 and 9, within 2% by one year; the eczema
// extent keeps ratcheting by under 2% a year, as for the point estimate).
const ensembleBurnIn = 730

// runUncertainty runs p at the ensemble's first n-1 sets with the
// variables res recorded (endpoints and report panels), each after
// ensembleBurnIn days without the scenario, and summarises them around
// res.
func runUncertainty(ctx context.Context, p *holobiont.Problem, res *holobiont.Result, src holobiont.Source, n int, opt holobiont.Options) (*holobiont.UncertaintyRecord, error) {
	params, sets, draws, err := ensembleSets(p, src, n)
	if err != nil {
		return nil, err
	}
	opt.Progress, opt.BurnIn = nil, ensembleBurnIn
	vars := uncertainVariables(p, res)
	members := make([]*holobiont.Result, len(sets))
	// full trajectories (some variables, such as dysbiosis, are computed
	// from the recorded rows), of which only vars are kept
	err = p.RunSets(ctx, params, sets, opt, runtime.GOMAXPROCS(0), func(i int, r *holobiont.Result) error {
		tr := &sim.Trajectory{Times: r.Times(), Names: vars, Values: make([][]float64, len(r.Times()))}
		cols := make([][]float64, len(vars))
		for j, v := range vars {
			cols[j] = r.Series(v)
		}
		for k := range tr.Values {
			tr.Values[k] = make([]float64, len(vars))
			for j := range vars {
				tr.Values[k][j] = cols[j][k]
			}
		}
		members[i] = &holobiont.Result{Trajectory: tr}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("--uncertainty: %w", err)
	}
	u := holobiont.Uncertainty(res, members)
	u.Ensemble = holobiont.InputInfo{Source: holobiont.RecordedName(src.Name), SHA256: src.SHA256()}
	u.Params, u.Draws = params, draws
	return u, nil
}

// uncertainVariables are the variables whose intervals a run reports: its
// endpoints and the report layout's host panels.
func uncertainVariables(p *holobiont.Problem, res *holobiont.Result) []string {
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if !seen[v] && res.Series(v) != nil {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, e := range res.Record.Endpoints {
		add(e.Variable)
	}
	if l := p.Layout(); l != nil {
		for _, pn := range l.Panels {
			for _, v := range pn.Vars {
				add(v)
			}
		}
	}
	return out
}

// writeUncertaintyJSON writes u as uncertainty.json's contents.
func writeUncertaintyJSON(u *holobiont.UncertaintyRecord) func(w io.Writer) error {
	return func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(u)
	}
}

// printUncertainty prints the endpoint intervals.
func printUncertainty(w io.Writer, u *holobiont.UncertaintyRecord) {
	fmt.Fprintf(w, "uncertainty: %d runs (the point estimate and %d parameter sets of %s); 95%% intervals:\n", u.N, u.N-1, u.Ensemble.Source)
	fmt.Fprintf(w, "%-26s %32s %32s\n", "variable", "max", "end")
	for _, e := range u.Endpoints {
		fmt.Fprintf(w, "%-26s %10.4g [%9.4g, %9.4g] %10.4g [%9.4g, %9.4g]\n", e.Variable, e.Max.Value, e.Max.Lower, e.Max.Upper, e.End.Value, e.End.Lower, e.End.Upper)
	}
}

// trialEnsemble reads the ensemble a trial runs under with --uncertainty
// n (nil for n = 0): the first n-1 sets of the spec's model's ensemble
// (or --ensemble FILE), without the parameters its scenario sets.
func trialEnsemble(tp *cohort.TrialPlan, flag string, n int) (*cohort.Ensemble, error) {
	if n == 0 {
		if flag != "" {
			return nil, fmt.Errorf("--ensemble %s needs --uncertainty N", flag)
		}
		return nil, nil
	}
	// the spec's model: a path (resolved against the spec) or shipped:NAME
	src, err := ensembleSource(strings.TrimPrefix(tp.Problem.ModelSource.Name, "shipped:"), flag)
	if err != nil {
		return nil, err
	}
	params, sets, draws, err := ensembleSets(tp.Problem, src, n)
	if err != nil {
		return nil, err
	}
	return &cohort.Ensemble{Source: holobiont.InputInfo{Source: holobiont.RecordedName(src.Name), SHA256: src.SHA256()}, Params: params, Sets: sets, Draws: draws}, nil
}

// printTrialUncertainty prints each analysis method with its intervals,
// in columns as wide as their widest cell.
func printTrialUncertainty(w io.Writer, u *cohort.TrialUncertainty) {
	fmt.Fprintf(w, "uncertainty: %d runs (the point estimate and %d parameter sets of %s); 95%% intervals:\n", u.N, u.N-1, u.Ensemble.Source)
	rows := [][]string{{"analysis", "effect", "power", fmt.Sprintf("n per arm (%g%% power)", 100*u.TargetPower)}}
	for _, m := range u.Methods {
		rows = append(rows, []string{fmt.Sprintf("%s %s vs %s %s", m.Endpoint, m.Treatment, m.Control, m.Method),
			cohort.FormatBand(m.Effect), cohort.FormatBand(m.Power), cohort.FormatBand(m.NPerArm)})
	}
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for j, c := range r {
			width[j] = max(width[j], len(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for j, c := range r {
			fmt.Fprintf(&b, "  %-*s", width[j], c)
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
