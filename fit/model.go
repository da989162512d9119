package fit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"github.com/holobiont/holobiont/series"
	"github.com/holobiont/holobiont/stats"
)

// Options configures Fit and CrossValidate.
type Options struct {
	Method Method
	// Penalty fixes the penalty; nil chooses it by inner cross-validation
	// over Grid (and L1Ratios for glv-elasticnet).
	Penalty  *Penalty
	Grid     []float64 // nil: DefaultGrid()
	L1Ratios []float64 // nil: DefaultL1Ratios()
	// PseudoCount is added to relative abundances before logarithms
	// (0: DefaultPseudoCount).
	PseudoCount float64
	// Bootstrap is the number of bootstrap replicates over subjects for the
	// parameter intervals (0: none).
	Bootstrap int
	Seed      uint64
	Workers   int // goroutines (0: GOMAXPROCS)
	// Trapezoid regresses on the mean of the regressors at an interval's
	// two ends instead of their value at its start (forward Euler, as
	// Stein et al. 2013 and the cLV study).
	Trapezoid bool
	// DtWeights are candidate exponents q of the interval weight: each
	// interval's squared residual (z_{k+1} − z_k)/Δt − f(z_k) is weighted by
	// Δt^q. 0 (nil: the only candidate) weights intervals equally, as Stein
	// et al. 2013; 2 weights the squared change of z itself, as the cLV
	// study's code (rows multiplied by Δt). With more than one candidate the
	// exponent is chosen with the penalty by the inner cross-validation
	// (which needs the penalty left to it).
	DtWeights []float64
}

// DtWeightsAuto are the exponents tried by `holobiont fit --dt-weight auto`.
func DtWeightsAuto() []float64 { return []float64{0, 1, 2} }

// Model is a fitted model. Parameters are in data units: time in the data's
// time unit, abundances in the data's unit for glv-ridge and
// glv-elasticnet, relative abundances (or log-ratios) otherwise.
type Model struct {
	Method Method
	Taxa   []string
	Inputs []string
	// Rows names the modelled coordinates: the taxa (gLV) or the taxa other
	// than Denominator (clv, alr-linear), whose log-ratio to it is modelled.
	Rows []string
	// Cols names the interaction regressors: taxa (gLV: abundances; clv:
	// relative abundances) or the log-ratio coordinates (alr-linear).
	Cols        []string
	Denominator string // "" for gLV methods
	// Scale is the abundance unit the regression used (the mean sample total
	// of the training data) for absolute methods, 1 otherwise.
	Scale       float64
	PseudoCount float64
	Growth      []float64   // per row
	Interaction [][]float64 // rows × cols
	Effect      [][]float64 // rows × inputs
	Penalty     Penalty
	Selection   *Selection // nil when the penalty was given
	// DtWeight is the interval weight exponent used (Options.DtWeights);
	// DtWeightsTried lists the candidates when it was chosen by the inner
	// cross-validation (Selection then holds the chosen exponent's
	// penalties).
	DtWeight       float64
	DtWeightsTried []float64
	// Replicates holds the bootstrap replicates' parameter vectors (in
	// Vector order, data units); nil without bootstrap.
	Replicates [][]float64
	Subjects   int // training subjects
	Samples    int // training samples

	tr *transform
	pr *params // in regression units
}

// Vector returns the parameters in a fixed order: growth per row, then
// the interaction matrix row by row, then the input effects row by row.
func (m *Model) Vector() []float64 {
	v := append([]float64(nil), m.Growth...)
	for _, r := range m.Interaction {
		v = append(v, r...)
	}
	for _, r := range m.Effect {
		v = append(v, r...)
	}
	return v
}

// Interval returns the 2.5% and 97.5% percentiles of parameter k (Vector
// order) over the bootstrap replicates (NaN without bootstrap).
func (m *Model) Interval(k int) (lo, hi float64) {
	if len(m.Replicates) == 0 {
		return math.NaN(), math.NaN()
	}
	v := make([]float64, len(m.Replicates))
	for b, r := range m.Replicates {
		v[b] = r[k]
	}
	sort.Float64s(v)
	return stats.QuantileSorted(v, 0.025), stats.QuantileSorted(v, 0.975)
}

// Fit fits the method to every subject of d.
func Fit(ctx context.Context, d *series.Dataset, opt Options) (*Model, error) {
	if opt.PseudoCount == 0 {
		opt.PseudoCount = DefaultPseudoCount
	}
	if !(opt.PseudoCount > 0 && opt.PseudoCount < 1) {
		return nil, fmt.Errorf("fit: pseudo-count %g must be in (0, 1)", opt.PseudoCount)
	}
	if opt.Grid == nil {
		opt.Grid = DefaultGrid()
	}
	if opt.L1Ratios == nil {
		opt.L1Ratios = DefaultL1Ratios()
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	weights := opt.DtWeights
	if len(weights) == 0 {
		weights = []float64{0}
	}
	for _, q := range weights {
		if !(q >= 0 && q <= 4) {
			return nil, fmt.Errorf("fit: interval weight exponent %g must be in [0, 4]", q)
		}
	}
	if len(weights) > 1 && opt.Penalty != nil {
		return nil, errors.New("fit: choosing the interval weight needs the penalty chosen by cross-validation too; give one weight with a fixed penalty")
	}
	var m *Model
	var c *cvSet
	for _, q := range weights {
		mq, cq, err := fitWeighted(ctx, d, opt, q)
		if err != nil {
			return nil, err
		}
		if m == nil || mq.Selection.Best.Score < m.Selection.Best.Score {
			m, c = mq, cq
		}
	}
	if len(weights) > 1 {
		m.DtWeightsTried = weights
	}
	w := c.newWorker()
	var err error
	if m.pr, err = w.fitParams(opt.Method, c.gram, c.cross, m.Penalty); err != nil {
		return nil, err
	}
	m.setNames(d)
	m.Growth, m.Interaction, m.Effect = m.dataUnits(m.pr)
	if opt.Bootstrap > 0 {
		if m.Replicates, err = c.bootstrap(ctx, m, opt); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// fitWeighted prepares the training set with interval weight exponent q and
// sets the penalty (given, or chosen by inner cross-validation).
func fitWeighted(ctx context.Context, d *series.Dataset, opt Options, q float64) (*Model, *cvSet, error) {
	tr, err := newTransform(opt.Method, d, opt.PseudoCount)
	if err != nil {
		return nil, nil, err
	}
	tr.trapezoid, tr.dtPow = opt.Trapezoid, q
	tr.en = opt.Method.ElasticNet()
	lay := tr.layout(len(d.Inputs))
	ps := make([]*prepared, len(d.Subjects))
	for i := range d.Subjects {
		ps[i] = tr.prepare(&d.Subjects[i], lay)
	}
	m := &Model{Method: opt.Method, Taxa: d.Taxa, Inputs: d.Inputs, Scale: tr.scale, PseudoCount: tr.pseudo,
		DtWeight: q, Subjects: len(d.Subjects), Samples: d.NumSamples(), tr: tr}
	c := newCVSet(tr, lay, ps)
	if opt.Penalty != nil {
		m.Penalty = *opt.Penalty
		return m, c, nil
	}
	if len(d.Subjects) < 2 {
		return nil, nil, fmt.Errorf("fit: choosing the penalty by cross-validation needs at least 2 subjects, %s has %d; give the penalty", d.Name, len(d.Subjects))
	}
	sel, err := c.selectPenalty(ctx, opt.Grid, opt.L1Ratios, opt.Workers)
	if err != nil {
		return nil, nil, err
	}
	if math.IsInf(sel.Best.Score, 1) {
		return nil, nil, fmt.Errorf("fit: every penalty tried gives diverging forecasts of held-out subjects of %s", d.Name)
	}
	m.Selection, m.Penalty = sel, sel.Best.Penalty
	return m, c, nil
}

// setNames fills Rows, Cols and Denominator.
func (m *Model) setNames(d *series.Dataset) {
	var others []string
	for i, t := range d.Taxa {
		if i != m.tr.denom {
			others = append(others, t)
		}
	}
	switch m.Method {
	case CLV:
		m.Rows, m.Cols, m.Denominator = others, d.Taxa, d.Taxa[m.tr.denom]
	case ALRLinear:
		m.Rows, m.Cols, m.Denominator = others, others, d.Taxa[m.tr.denom]
	default:
		m.Rows, m.Cols = d.Taxa, d.Taxa
	}
}

// dataUnits converts regression coefficients to data units.
func (m *Model) dataUnits(pr *params) (growth []float64, inter, eff [][]float64) {
	growth = append([]float64(nil), pr.growth...)
	inter = make([][]float64, len(pr.inter))
	for i, r := range pr.inter {
		inter[i] = make([]float64, len(r))
		for j, a := range r {
			inter[i][j] = a / m.tr.scale
		}
	}
	eff = make([][]float64, len(pr.input))
	for i, r := range pr.input {
		eff[i] = append([]float64(nil), r...)
	}
	return growth, inter, eff
}

// bootstrap refits with the chosen penalty on B resamples of the subjects
// (with replacement). Replicate b draws from its own stream (Seed, b), so
// the result does not depend on the number of workers.
func (c *cvSet) bootstrap(ctx context.Context, m *Model, opt Options) ([][]float64, error) {
	reps := make([][]float64, opt.Bootstrap)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	next := 0
	for w := 0; w < opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := c.newWorker()
			for {
				mu.Lock()
				b := next
				next++
				mu.Unlock()
				if b >= opt.Bootstrap || ctx.Err() != nil {
					return
				}
				rng := rand.New(rand.NewPCG(opt.Seed, uint64(b)+1))
				clear(wk.gram)
				clear(wk.cross)
				for range c.ps {
					s := c.ps[rng.IntN(len(c.ps))]
					for k, v := range s.gram {
						wk.gram[k] += v
					}
					for k, v := range s.cross {
						wk.cross[k] += v
					}
				}
				pr, err := wk.fitParams(m.Method, wk.gram, wk.cross, m.Penalty)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("bootstrap replicate %d: %w", b, err)
					}
					mu.Unlock()
					return
				}
				g, a, e := m.dataUnits(pr)
				v := append([]float64(nil), g...)
				for _, r := range a {
					v = append(v, r...)
				}
				for _, r := range e {
					v = append(v, r...)
				}
				reps[b] = v
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return reps, nil
}

// Forecast predicts subject s from its first sample and its inputs, at
// its sample times: relative abundances per sample, and absolute ones (data
// units) for glv-ridge and glv-elasticnet (nil otherwise). The first row
// is the starting state (the first sample with the pseudo-count applied).
func (m *Model) Forecast(ctx context.Context, s *series.Subject) (rel, abs [][]float64, err error) {
	if len(s.Abundance) == 0 || len(s.Abundance[0]) != len(m.Taxa) || len(s.Inputs) != len(m.Inputs) {
		return nil, nil, errors.New("fit: the subject's taxa or inputs differ from the model's")
	}
	f, err := newForecaster(m.tr, m.pr)
	if err != nil {
		return nil, nil, err
	}
	return predictSubject(ctx, f, m.tr, s)
}

// State returns the model's coordinates of an abundance row (data units)
// and the initial state of a gLV simulation: for gLV methods the
// abundances after the pseudo-count (data units for absolute methods,
// relative otherwise).
func (m *Model) State(x []float64) []float64 {
	rows, _ := m.tr.dims()
	z := make([]float64, rows)
	m.tr.state(x, z, make([]float64, m.tr.d))
	return z
}
