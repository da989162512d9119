package petab

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/internal/yamlnode"
)

// CaseResult is the outcome of one PEtab test-suite case.
type CaseResult struct {
	Dir     string
	Version string // "v1.0.0" or "v2.0.0"
	ID      string // "0001"
	// Status is "pass", "fail" (a value outside its tolerance),
	// "unsupported" (the problem uses a feature holobiont refuses) or
	// "error".
	Status string
	Msg    string
	// computed and expected values, and the simulation table's mean
	// absolute difference (the suite's distance)
	LLH, Chi2, WantLLH, WantChi2 float64
	SimDistance                  float64
	LogPosterior                 float64
}

type solutionFile struct {
	Chi2            float64            `yaml:"chi2"`
	LLH             float64            `yaml:"llh"`
	SimulationFiles []string           `yaml:"simulation_files"`
	TolChi2         float64            `yaml:"tol_chi2"`
	TolLLH          float64            `yaml:"tol_llh"`
	TolSim          float64            `yaml:"tol_simulations"`
	LogPrior        map[string]float64 `yaml:"log_prior"`
	TolLogPrior     float64            `yaml:"tol_log_prior"`
	Posterior       *float64           `yaml:"unnorm_log_posterior"`
	TolPosterior    float64            `yaml:"tol_unnorm_log_posterior"`
}

// RunCase runs the test-suite case in dir (holding _NNNN.yaml and
// _NNNN_solution.yaml): it evaluates the problem at the nominal
// parameters and compares χ², the log-likelihood, the simulation table
// and (where given) the log priors and log posterior with the solution
// within its tolerances (absolute differences, as the suite's
// petabtests.evaluate does).
func RunCase(ctx context.Context, dir string, opt estimate.Options) CaseResult {
	id := filepath.Base(dir)
	r := CaseResult{Dir: dir, ID: id, Version: filepath.Base(filepath.Dir(filepath.Dir(dir)))}
	fail := func(status string, err error) CaseResult {
		r.Status, r.Msg = status, err.Error()
		return r
	}
	var sol solutionFile
	solPath := filepath.Join(dir, "_"+id+"_solution.yaml")
	data, err := os.ReadFile(solPath)
	if err != nil {
		return fail("error", err)
	}
	if err := yamlnode.Decode(solPath, data, &sol); err != nil {
		return fail("error", err)
	}
	r.WantLLH, r.WantChi2 = sol.LLH, sol.Chi2
	spec, err := Load(filepath.Join(dir, "_"+id+".yaml"))
	if err != nil {
		return fail(classify(err), err)
	}
	prob, err := estimate.Compile(spec, opt)
	if err != nil {
		return fail(classify(err), err)
	}
	ev, err := prob.NewEvaluator()
	if err != nil {
		return fail("error", err)
	}
	res, err := ev.Evaluate(ctx, spec.Nominal(), false)
	if err != nil {
		return fail(classify(err), err)
	}
	r.LLH, r.Chi2 = res.LLH, res.Chi2
	var bad []string
	if d := math.Abs(res.Chi2 - sol.Chi2); !(d < tolOr(sol.TolChi2)) {
		bad = append(bad, fmt.Sprintf("chi2 %.12g, want %.12g", res.Chi2, sol.Chi2))
	}
	if d := math.Abs(res.LLH - sol.LLH); !(d < tolOr(sol.TolLLH)) {
		bad = append(bad, fmt.Sprintf("llh %.12g, want %.12g", res.LLH, sol.LLH))
	}
	for pid, want := range sol.LogPrior {
		j := spec.ParamIndex(pid)
		got := math.NaN()
		if j >= 0 && res.PriorTerms != nil {
			got = res.PriorTerms[j]
		}
		if !(math.Abs(got-want) <= math.Max(tolOr(sol.TolLogPrior), 1e-12*math.Abs(want))) {
			bad = append(bad, fmt.Sprintf("log prior of %s %.15g, want %.15g", pid, got, want))
		}
	}
	r.LogPosterior = res.LLH + res.LogPrior
	if sol.Posterior != nil && !(math.Abs(r.LogPosterior-*sol.Posterior) < tolOr(sol.TolPosterior)) {
		bad = append(bad, fmt.Sprintf("unnormalised log posterior %.12g, want %.12g", r.LogPosterior, *sol.Posterior))
	}
	if len(sol.SimulationFiles) > 0 {
		d, err := simDistance(spec, res.Sim, filepath.Join(dir, sol.SimulationFiles[0]))
		if err != nil {
			return fail("error", err)
		}
		r.SimDistance = d
		if !(d < tolOr(sol.TolSim)) {
			bad = append(bad, fmt.Sprintf("simulations differ by %.3g on average", d))
		}
	}
	if len(bad) > 0 {
		r.Status, r.Msg = "fail", strings.Join(bad, "; ")
		return r
	}
	r.Status = "pass"
	return r
}

func tolOr(t float64) float64 {
	if t <= 0 {
		return 1e-3
	}
	return t
}

// classify calls errors that say "unsupported" unsupported.
func classify(err error) string {
	if strings.Contains(err.Error(), "unsupported") {
		return "unsupported"
	}
	return "error"
}

// simDistance compares our simulations with the expected table the way
// petabtests.evaluate does: both sorted by (observable, condition or
// experiment ids, time, simulation), the mean absolute difference.
func simDistance(s *estimate.Spec, sim []float64, path string) (float64, error) {
	t, err := ReadTable(path)
	if err != nil {
		return 0, err
	}
	if err := t.Require("observableId", "time", "simulation"); err != nil {
		return 0, err
	}
	type row struct {
		key  string
		time float64
		sim  float64
	}
	keyCols := []string{"observableId", "preequilibrationConditionId", "simulationConditionId", "experimentId"}
	var want, got []row
	for _, r := range t.Rows {
		var k []string
		for _, c := range keyCols {
			k = append(k, t.Get(r, c))
		}
		tv, ok1 := parseNumber(t.Get(r, "time"))
		sv, ok2 := parseNumber(t.Get(r, "simulation"))
		if !ok1 || !ok2 {
			return 0, &Error{File: path, Line: r.Line, Msg: "time or simulation is not a number"}
		}
		want = append(want, row{strings.Join(k, "\t"), tv, sv})
	}
	for i, m := range s.Measurements {
		var k []string
		for _, c := range keyCols {
			if t.Has(c) {
				k = append(k, m.Columns[c])
			} else {
				k = append(k, "")
			}
		}
		got = append(got, row{strings.Join(k, "\t"), m.Time, sim[i]})
	}
	if len(want) != len(got) {
		return 0, fmt.Errorf("expected simulation table has %d rows, the problem %d measurements", len(want), len(got))
	}
	less := func(rs []row) func(i, j int) bool {
		return func(i, j int) bool {
			a, b := rs[i], rs[j]
			if a.key != b.key {
				return a.key < b.key
			}
			if a.time != b.time {
				return a.time < b.time
			}
			return a.sim < b.sim
		}
	}
	sort.SliceStable(want, less(want))
	sort.SliceStable(got, less(got))
	sum := 0.0
	for i := range want {
		if want[i].key != got[i].key || !(want[i].time == got[i].time || math.Abs(want[i].time-got[i].time) <= 1e-8*math.Abs(want[i].time)) {
			return 0, fmt.Errorf("simulation table rows do not match the measurements (row %d: %q at %v vs %q at %v)", i+1, want[i].key, want[i].time, got[i].key, got[i].time)
		}
		sum += math.Abs(want[i].sim - got[i].sim)
	}
	return sum / float64(len(want)), nil
}

// ListCases returns the case folders (NNNN) under dir, sorted; dir may be
// the cases folder itself (holding v1.0.0/sbml and v2.0.0/sbml), a version
// folder, or one case.
func ListCases(dir string) ([]string, error) {
	var out []string
	isCase := func(d string) bool {
		id := filepath.Base(d)
		if _, err := strconv.Atoi(id); err != nil {
			return false
		}
		_, err := os.Stat(filepath.Join(d, "_"+id+"_solution.yaml"))
		return err == nil
	}
	if isCase(dir) {
		return []string{dir}, nil
	}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && isCase(path) {
			out = append(out, path)
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no test-suite cases (NNNN folders with _NNNN_solution.yaml) under " + dir)
	}
	sort.Strings(out)
	return out, nil
}
