package cohort

import (
	"context"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/internal/jsonnum"
	"github.com/holobiont/holobiont/report"
)

// FileUncertainty is the trial's uncertainty.json (written by Finish when
// FinishOptions.Ensemble is set).
const FileUncertainty = "uncertainty.json"

// TargetPower is the power the required sample sizes of a trial's
// uncertainty are computed for.
const TargetPower = 0.8

// Ensemble is a calibration ensemble to run a trial under: parameter sets
// consistent with the model's targets (targets.ParseEnsemble reads them).
type Ensemble struct {
	Source holobiont.InputInfo
	Params []string    // the parameters each set gives
	Sets   [][]float64 // per member, values in Params order
	Draws  []int       // the members' draw numbers in the ensemble (recorded)
}

// paramShift scales the subject parameters a spec samples by an ensemble
// member's value over the model's, within the model's range.
type paramShift struct {
	factor, lo, hi []float64 // per Plan.ParamIDs
}

func (sh *paramShift) apply(params []float64) {
	if sh == nil {
		return
	}
	for k := range params {
		params[k] = math.Min(math.Max(params[k]*sh.factor[k], sh.lo[k]), sh.hi[k])
	}
}

// Member returns a copy of tp that simulates with parameter params[k] at
// values[k]: an ensemble member. A parameter the spec samples per subject
// keeps its population distribution, scaled by values[k] over the model's
// value (a shift on the log scale) and held in the model's range; the
// others are set. Subjects, allocation and measurement noise stay those of
// tp (they depend only on the seed and the subject), so two members differ
// only through the parameters.
func (tp *TrialPlan) Member(params []string, values []float64) (*TrialPlan, error) {
	if len(params) != len(values) {
		return nil, fmt.Errorf("trial member: %d values for %d parameters", len(values), len(params))
	}
	pos := map[string]int{}
	for j, id := range tp.ParamIDs {
		pos[id] = j
	}
	sh := &paramShift{factor: make([]float64, len(tp.ParamIDs)), lo: make([]float64, len(tp.ParamIDs)), hi: make([]float64, len(tp.ParamIDs))}
	for j, id := range tp.ParamIDs {
		sh.factor[j], sh.lo[j], sh.hi[j] = 1, math.Inf(-1), math.Inf(1)
		for _, mp := range tp.Model.Parameters {
			if mp.ID == id {
				if !math.IsNaN(mp.Min) {
					sh.lo[j] = mp.Min
				}
				if !math.IsNaN(mp.Max) {
					sh.hi[j] = mp.Max
				}
			}
		}
	}
	var sets []holobiont.Setting
	for k, id := range params {
		j, sampled := pos[id]
		if !sampled {
			sets = append(sets, holobiont.Setting{Name: id, Value: values[k]})
			continue
		}
		base, _ := tp.Problem.Parameter(id)
		if base == 0 || math.IsNaN(base) {
			return nil, fmt.Errorf("trial member: the spec samples %s per subject and the model's value is %g: its distribution cannot be scaled to the ensemble's %g", id, base, values[k])
		}
		sh.factor[j] = values[k] / base
	}
	prob, err := tp.Problem.With(sets...)
	if err != nil {
		return nil, fmt.Errorf("trial member: %w", err)
	}
	plan := *tp.Plan
	plan.Problem, plan.shift = prob, sh
	m := *tp
	m.Plan = &plan
	return &m, nil
}

// Counterfactual simulates every subject of the trial (0 … n−1) in every
// arm, in memory on workers goroutines, and analyses them as if each arm
// held all n: an analysis' effect is then the average treatment effect
// over the same subjects (free of allocation noise; a subject's readings
// use the same measurement streams in every arm, so additive instrument
// noise cancels from the effect too), and its standard error is that of a
// parallel-group trial with n per arm. The result does not depend on
// workers.
func (tp *TrialPlan) Counterfactual(ctx context.Context, workers int, progress func(done, total int)) ([]AnalysisResult, error) {
	n, na := tp.Spec.N, len(tp.Trial.Arms)
	idx, arms := make([]int, n*na), make([]int, n*na)
	for a := 0; a < na; a++ {
		for i := 0; i < n; i++ {
			idx[a*n+i], arms[a*n+i] = i, a
		}
	}
	subs, err := tp.SimulateSubjects(ctx, idx, arms, workers, progress)
	if err != nil {
		return nil, err
	}
	return tp.Analyse(subs)
}

// Num is a number that encodes as JSON null when it is not finite (an
// infinite sample size, an undefined p) and reads null back as NaN.
type Num = jsonnum.Float

// Band is a value at the point estimate with its ensemble interval
// (holobiont.BandOf: the 2.5–97.5% quantiles over the members, widened to
// hold the point estimate). Members where the quantity is undefined are
// left out.
type Band struct {
	Value Num `json:"value"`
	Lower Num `json:"lower"`
	Upper Num `json:"upper"`
}

func bandOf(v float64, x []float64) Band {
	var f []float64
	for _, y := range x {
		if !math.IsNaN(y) && !math.IsInf(y, 0) {
			f = append(f, y)
		}
	}
	if math.IsNaN(v) {
		if len(f) == 0 {
			return Band{Num(v), Num(v), Num(v)}
		}
		b := holobiont.BandOf(f[0], f)
		return Band{Num(v), Num(b.Lower), Num(b.Upper)}
	}
	b := holobiont.BandOf(v, f)
	return Band{Num(b.Value), Num(b.Lower), Num(b.Upper)}
}

// MethodBand is one analysis method's result with its ensemble intervals.
type MethodBand struct {
	Endpoint  string `json:"endpoint"`
	Control   string `json:"control"`
	Treatment string `json:"treatment"`
	Method    string `json:"method"` // welch, ancova(BASELINE) or responders
	// Effect is the average treatment effect over the trial's subjects
	// (TrialPlan.Counterfactual).
	Effect Band `json:"effect"`
	// Power is the power of a trial with this one's arm sizes to detect
	// Effect at the trial's alpha, given the endpoint's per-subject
	// variance (normal approximation).
	Power Band `json:"power"`
	// NPerArm is the subjects per arm (two equal arms) that give
	// TargetPower at the trial's alpha for Effect and that variance
	// (normal approximation, at least 2); null: no effect.
	NPerArm Band `json:"n_per_arm"`
}

// TrialUncertainty is what a calibration ensemble says about a trial's
// answer: each analysis method's effect, power and required sample size
// at the point estimate and each of the ensemble's members, each from the
// trial's subjects simulated in every arm (TrialPlan.Counterfactual) with
// the same measurement noise.
type TrialUncertainty struct {
	N        int                 `json:"n"` // runs: the point estimate and N − 1 members
	Ensemble holobiont.InputInfo `json:"ensemble"`
	Params   []string            `json:"parameters"`
	// Shifted are the ensemble's parameters the spec samples per subject:
	// their distributions are scaled by the member's value over the model's.
	Shifted     []string     `json:"shifted_distributions,omitempty"`
	Draws       []int        `json:"draws,omitempty"`
	Alpha       float64      `json:"alpha"`
	TargetPower float64      `json:"target_power"`
	Methods     []MethodBand `json:"methods"`
}

// methodStat is one method's estimate in one run.
type methodStat struct {
	key, method string
	analysis    int // index into the trial's analyses
	e           Estimate
	nc, nt      int
}

// methodStats lists the estimates of one run's analyses, in
// analysis.tsv's order.
func methodStats(res []AnalysisResult) []methodStat {
	var out []methodStat
	for i, r := range res {
		add := func(method string, e Estimate) {
			out = append(out, methodStat{fmt.Sprintf("%d/%s", i, method), method, i, e, r.NControl, r.NTreatment})
		}
		add("welch", r.Diff)
		if r.Ancova != nil {
			add("ancova("+r.Baseline+")", *r.Ancova)
		}
		if r.Responders != nil {
			add("responders", *r.Responders)
		}
	}
	return out
}

// power returns the power of a two-sided test at alpha of m's effect in a
// trial of nc and nt subjects per arm, with the per-subject variance that
// m's standard error implies (SE² / (1/m.nc + 1/m.nt)), and x = effect² /
// that variance (the standardised squared effect that fixes the sample
// size); NaN when the standard error is not positive.
func (m methodStat) power(alpha float64, nc, nt int) (pw, x float64) {
	if !(m.e.SE > 0) || m.nc == 0 || m.nt == 0 || nc == 0 || nt == 0 {
		return math.NaN(), math.NaN()
	}
	v := m.e.SE * m.e.SE / (1/float64(m.nc) + 1/float64(m.nt))
	z := distuv.UnitNormal.Quantile(1 - alpha/2)
	d := math.Abs(m.e.Effect) / math.Sqrt(v*(1/float64(nc)+1/float64(nt)))
	return distuv.UnitNormal.CDF(d-z) + distuv.UnitNormal.CDF(-d-z), m.e.Effect * m.e.Effect / v
}

// nPerArm is the subjects per arm of two equal arms for TargetPower at
// alpha, from x = effect² / per-subject variance: 2 (z₁₋α/₂ + z_power)² / x
// rounded up, at least 2 (a t test needs two per arm); +Inf for x = 0 and
// for x below the float64 epsilon: an effect under 1.5e-8 of the per-subject
// SD is rounding error of the estimate (an ANCOVA on an endpoint that no
// subject changed returns ~1e-17), and the ~1e17 per arm it would imply is
// no trial.
func nPerArm(x, alpha float64) float64 {
	if x < 0x1p-52 {
		return math.Inf(1)
	}
	z := distuv.UnitNormal.Quantile(1-alpha/2) + distuv.UnitNormal.Quantile(TargetPower)
	return math.Max(2, math.Ceil(2*z*z/x))
}

// RunUncertainty summarises every analysis method of the trial with its
// interval over the point estimate and the members of ens: each run
// simulates the trial's subjects in every arm (Counterfactual; members in
// order, each on workers goroutines). trial is the trial's own analysis,
// whose arm sizes the power is computed for. progress (may be nil) is told
// the subjects done of the total. The result does not depend on workers.
func (tp *TrialPlan) RunUncertainty(ctx context.Context, trial []AnalysisResult, ens *Ensemble, workers int, progress func(done, total int)) (*TrialUncertainty, error) {
	u := &TrialUncertainty{N: len(ens.Sets) + 1, Ensemble: ens.Source, Params: ens.Params, Draws: ens.Draws, Alpha: tp.Trial.Alpha, TargetPower: TargetPower}
	for _, id := range ens.Params {
		if _, ok := tp.Spec.Parameters[id]; ok {
			u.Shifted = append(u.Shifted, id)
		}
	}
	per := tp.Spec.N * len(tp.Trial.Arms)
	runs := make([][]methodStat, u.N)
	for i := range runs {
		m := tp
		if i > 0 {
			var err error
			if m, err = tp.Member(ens.Params, ens.Sets[i-1]); err != nil {
				return nil, err
			}
		}
		var prog func(done, total int)
		if progress != nil {
			prog = func(done, _ int) { progress(i*per+done, u.N*per) }
		}
		res, err := m.Counterfactual(ctx, workers, prog)
		if err != nil {
			if i == 0 {
				return nil, fmt.Errorf("point estimate: %w", err)
			}
			return nil, fmt.Errorf("ensemble member %d: %w", i, err)
		}
		runs[i] = methodStats(res)
	}
	for k, ps := range runs[0] {
		a := trial[ps.analysis]
		nc, nt := a.NControl, a.NTreatment
		effects, pws, xs := make([]float64, u.N-1), make([]float64, u.N-1), make([]float64, u.N-1)
		for i, r := range runs[1:] {
			effects[i], pws[i], xs[i] = math.NaN(), math.NaN(), math.NaN()
			if k < len(r) && r[k].key == ps.key { // a singular ANCOVA drops a method
				effects[i] = r[k].e.Effect
				pws[i], xs[i] = r[k].power(u.Alpha, nc, nt)
			}
		}
		pw, x := ps.power(u.Alpha, nc, nt)
		xb := bandOf(x, xs)
		u.Methods = append(u.Methods, MethodBand{Endpoint: a.Endpoint, Control: a.Control, Treatment: a.Treatment, Method: ps.method,
			Effect: bandOf(ps.e.Effect, effects), Power: bandOf(pw, pws),
			// the sample size falls as x grows: its bounds are those of x, swapped
			NPerArm: Band{Num(nPerArm(float64(xb.Value), u.Alpha)), Num(nPerArm(float64(xb.Upper), u.Alpha)), Num(nPerArm(float64(xb.Lower), u.Alpha))}})
	}
	return u, nil
}

// FormatBand formats a band as "value [lower, upper]" (4 significant
// digits; "-" for an undefined bound, "inf" for an infinite one).
func FormatBand(b Band) string {
	f := func(x Num) string {
		switch {
		case math.IsNaN(float64(x)):
			return "-"
		case math.IsInf(float64(x), 1):
			return "inf"
		}
		return fmtG4(float64(x))
	}
	return f(b.Value) + " [" + f(b.Lower) + ", " + f(b.Upper) + "]"
}

// uncertaintySection is the report's uncertainty section: a forest plot of
// each method's effect interval and the table of every interval.
func (u *TrialUncertainty) section(tp *TrialPlan) report.Section {
	fo := report.Forest{Title: "Effect over the calibration ensemble (95% interval)", XLabel: "effect (treatment − control)"}
	tab := report.Table{Header: []string{"endpoint", "comparison", "method", "effect", "power at this size", fmt.Sprintf("n per arm for %g%% power", 100*u.TargetPower)}}
	for _, m := range u.Methods {
		cmp := m.Treatment + " vs " + m.Control
		fo.Labels = append(fo.Labels, m.Endpoint+": "+cmp+" ("+m.Method+")")
		fo.Est, fo.Low, fo.High = append(fo.Est, float64(m.Effect.Value)), append(fo.Low, float64(m.Effect.Lower)), append(fo.High, float64(m.Effect.Upper))
		tab.Rows = append(tab.Rows, []string{m.Endpoint, cmp, m.Method, FormatBand(m.Effect), FormatBand(m.Power), FormatBand(m.NPerArm)})
	}
	shifted := ""
	if len(u.Shifted) > 0 {
		shifted = fmt.Sprintf(" The spec samples %s per subject: each member scales that distribution by its value over the model's.", strings.Join(u.Shifted, ", "))
	}
	return report.Section{
		Heading: "Uncertainty over the calibration ensemble",
		Text: fmt.Sprintf("Each run simulates the trial's %d subjects in every arm, at the point estimate and at %d parameter sets of %s (varying %s), "+
			"with the same measurement noise: an effect is the average treatment effect over the same subjects, and the power (at this trial's arm sizes) "+
			"and the subjects per arm for %g%% power (two equal arms, alpha %s, normal approximation) follow from it and the endpoint's per-subject variance. "+
			"Each value has the 2.5–97.5%% quantiles over the %d runs, widened to hold the point estimate.%s",
			tp.Spec.N, u.N-1, u.Ensemble.Source, strings.Join(u.Params, ", "), 100*u.TargetPower, fmtG4(u.Alpha), u.N, shifted),
		Figures: []report.Figure{fo},
		Tables:  []report.Table{tab},
	}
}
