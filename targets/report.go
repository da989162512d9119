package targets

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/internal/jsonnum"
	"github.com/holobiont/holobiont/internal/mdtable"
)

// Report is a calibration's outcome for writing: the fit, the ensemble
// and where they came from.
type Report struct {
	File      *File
	Result    *Result
	Members   []Member
	Draws     int
	Seed      uint64
	Version   string
	ModelName string
	ModelHash string
}

// TargetBand returns the ensemble's 95% band of target i's model value
// (holobiont.BandOf around the fit; NaN for a target not simulated).
func (r *Report) TargetBand(i int) (lo, hi float64) {
	v := r.Result.AtBest[i]
	if math.IsNaN(v) {
		return v, v
	}
	var x []float64
	for _, m := range r.Members {
		x = append(x, m.Values[i])
	}
	b := holobiont.BandOf(v, x)
	return b.Lower, b.Upper
}

// InformedBy returns the fit targets whose standardised residual moves by
// at least 0.1 per tenfold change of parameter k at the fit.
func (r *Report) InformedBy(k int) []string {
	n := len(r.Result.Params)
	var out []string
	for j, i := range r.Result.Fit {
		if math.Abs(r.Result.Jac[j*n+k]) >= 0.1 {
			out = append(out, r.File.Targets[i].ID)
		}
	}
	return out
}

type jsonParam struct {
	ID         string    `json:"id"`
	Prior      float64   `json:"prior"`
	Best       float64   `json:"best"`
	Lower95    float64   `json:"lower95"`
	Upper95    float64   `json:"upper95"`
	SDLog10    float64   `json:"sd_log10"`
	Bounds     []float64 `json:"bounds"`
	InformedBy []string  `json:"informed_by"`
}

type jsonTarget struct {
	ID           string    `json:"id"`
	Role         string    `json:"role"`
	Citation     string    `json:"citation"`
	Value        *float64  `json:"value,omitempty"`
	Interval     []float64 `json:"interval"`
	IntervalKind string    `json:"interval_kind,omitempty"`
	EvaluatedBy  string    `json:"evaluated_by,omitempty"`
	AtPrior      *float64  `json:"model_prior,omitempty"`
	AtBest       *float64  `json:"model_fit,omitempty"`
	Band         []float64 `json:"model_band95,omitempty"`
	MetPrior     *bool     `json:"met_prior,omitempty"`
	MetBest      *bool     `json:"met_fit,omitempty"`
}

func met(t *Target, v float64) *bool {
	if math.IsNaN(v) {
		return nil
	}
	b := t.Met(v)
	return &b
}

// JSON returns calibration.json's contents: inputs and their hashes, the
// optimiser's outcome, each parameter (prior, fit, 95% interval, the fit
// targets that inform it), each target (published value and interval,
// model at the prior and at the fit, the ensemble's 95% band), the Laplace
// covariance and the ensemble. The same inputs give the same bytes.
func (r *Report) JSON() ([]byte, error) {
	res := r.Result
	out := struct {
		Version     string       `json:"version"`
		TargetsFile string       `json:"targets_file"`
		TargetsHash string       `json:"targets_sha256"`
		Model       string       `json:"model"`
		ModelHash   string       `json:"model_sha256"`
		Method      string       `json:"method"`
		Status      string       `json:"status"`
		Converged   bool         `json:"converged"`
		Iterations  int          `json:"iterations"`
		Evaluations int          `json:"evaluations"`
		FPrior      float64      `json:"objective_prior"`
		F           float64      `json:"objective_fit"`
		Params      []jsonParam  `json:"parameters"`
		Targets     []jsonTarget `json:"targets"`
		Cov         []float64    `json:"covariance_log10"`
		Seed        uint64       `json:"ensemble_seed"`
		Draws       int          `json:"ensemble_draws"`
		Ensemble    []Member     `json:"ensemble"`
	}{Version: r.Version, TargetsFile: r.File.Name, TargetsHash: r.File.Hash, Model: r.ModelName, ModelHash: r.ModelHash,
		Method: "trust-region Gauss-Newton (estimate.MinimizeFunc) on log10 parameters with log-normal priors; forward-difference Jacobian; Laplace covariance; ensemble accepted within the 95% likelihood-ratio region",
		Status: res.Status, Converged: res.Converged, Iterations: res.Iter, Evaluations: res.Evals, FPrior: res.FPrior, F: res.F, Cov: res.Cov,
		Seed: r.Seed, Draws: r.Draws, Ensemble: r.Members}
	for k, id := range res.Params {
		p := r.File.Parameters[k]
		out.Params = append(out.Params, jsonParam{ID: id, Prior: res.Prior[k], Best: res.Best[k], Lower95: res.Lo[k], Upper95: res.Hi[k],
			SDLog10: res.SDLog10[k], Bounds: []float64{p.Lower, p.Upper}, InformedBy: r.InformedBy(k)})
	}
	for i := range r.File.Targets {
		t := &r.File.Targets[i]
		jt := jsonTarget{ID: t.ID, Role: t.Role, Citation: t.Citation, Value: t.Value, Interval: t.Interval, IntervalKind: t.IntervalKind,
			EvaluatedBy: t.EvaluatedBy, AtPrior: jsonnum.Ptr(res.AtPrior[i]), AtBest: jsonnum.Ptr(res.AtBest[i]), MetPrior: met(t, res.AtPrior[i]), MetBest: met(t, res.AtBest[i])}
		if lo, hi := r.TargetBand(i); !math.IsNaN(lo) {
			jt.Band = []float64{lo, hi}
		}
		out.Targets = append(out.Targets, jt)
	}
	return json.MarshalIndent(out, "", " ")
}

// g formats a value compactly (— for NaN).
func g(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%.4g", v)
}

// miss says whether v meets t, and by how much it misses otherwise.
func miss(t *Target, v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case t.Met(v):
		return "met"
	case v < t.Interval[0]:
		return "missed by " + g(t.Interval[0]-v)
	}
	return "missed by " + g(v-t.Interval[1])
}

// WriteMarkdown writes the report: the parameters, then the fit targets,
// the held-out (validation) targets and the others apart, each with the
// published value and interval, the model at the prior and at the fit, the
// ensemble's 95% band and whether the fit meets the interval.
func (r *Report) WriteMarkdown(w io.Writer) error {
	res := r.Result
	var b strings.Builder
	fmt.Fprintf(&b, "# Calibration of %s against %s\n\n", r.ModelName, r.File.Name)
	fmt.Fprintf(&b, "holobiont %s; targets sha256 %.12s, model sha256 %.12s. %s after %d iterations (%d evaluations); objective %.4g at the prior, %.4g at the fit. Ensemble: %d parameter sets accepted of %d draws (seed %d).\n\n",
		r.Version, r.File.Hash, r.ModelHash, res.Status, res.Iter, res.Evals, res.FPrior, res.F, len(r.Members), r.Draws, r.Seed)
	b.WriteString("## Parameters (log10 scale, log-normal priors)\n\n")
	tb := mdtable.New(&b, nil, "parameter", "prior", "fit", "95% interval", "informed by (fit targets)")
	for k, id := range res.Params {
		inf := strings.Join(r.InformedBy(k), ", ")
		if inf == "" {
			inf = "none (stays at its prior)"
		}
		tb.Row(id, g(res.Prior[k]), g(res.Best[k]), interval(res.Lo[k], res.Hi[k]), inf)
	}
	for _, sec := range []struct{ role, title string }{{RoleFit, "Fit targets"}, {RoleValidation, "Held-out (validation) targets"}, {RoleHandFit, "Targets used earlier to set values by hand (not fitted here, not held out)"},
		{RoleCohortFit, "Targets fitted outside this calibration: virtual-population distributions (not fitted here, not held out)"}} {
		if (sec.role == RoleHandFit || sec.role == RoleCohortFit) && !r.File.hasRole(sec.role) {
			continue // no such targets (cohort-fit: a section added later, files without it keep their report)
		}
		fmt.Fprintf(&b, "\n## %s\n\n", sec.title)
		r.targetTable(&b, sec.role)
	}
	b.WriteString("\nσ = interval width / (2 × 1.96); a band without a published value is centred on its midpoint. Citations and how each target is read off the model: the targets file.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// targetTable writes the table of the targets with the given role.
func (r *Report) targetTable(b *strings.Builder, role string) {
	res := r.Result
	tb := mdtable.New(b, nil, "target", "published", "interval", "model (prior)", "model (fit)", "(fit − published)/σ", "ensemble 95%", "fit")
	for i := range r.File.Targets {
		t := &r.File.Targets[i]
		if t.Role != role {
			continue
		}
		val := "band"
		if t.Value != nil {
			val = g(*t.Value)
		}
		published := interval(t.Interval[0], t.Interval[1])
		if !t.Simulated() {
			tb.Row(t.ID, val, published, "evaluated by "+t.EvaluatedBy, "", "", "", "")
			continue
		}
		tb.Row(t.ID, val, published, g(res.AtPrior[i]), g(res.AtBest[i]), fmt.Sprintf("%+.2f", (res.AtBest[i]-t.Centre())/t.Sigma()),
			interval(r.TargetBand(i)), miss(t, res.AtBest[i]))
	}
}

// interval formats [lo, hi].
func interval(lo, hi float64) string { return "[" + g(lo) + ", " + g(hi) + "]" }

// WriteEnsembleTSV writes the ensemble as a table: draw, objective, then
// one column per estimated parameter (linear scale). holobiont run and
// trial --uncertainty read it.
func (r *Report) WriteEnsembleTSV(w io.Writer) error {
	var b strings.Builder
	b.WriteString("draw\tobjective")
	for _, id := range r.Result.Params {
		b.WriteString("\t" + id)
	}
	b.WriteString("\n")
	for _, m := range r.Members {
		fmt.Fprintf(&b, "%d\t%.17g", m.Draw, m.F)
		for _, v := range m.P {
			fmt.Fprintf(&b, "\t%.17g", v)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
