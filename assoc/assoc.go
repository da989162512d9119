package assoc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/holobiont/holobiont/stats"
	"github.com/holobiont/holobiont/table"
)

// Transform is the abundance transform applied per sample.
type Transform int

const (
	// CLR is the centred log-ratio of (count + Pseudocount) over all taxa
	// of the sample (MaAsLin2's CLR uses pseudocount 1).
	CLR Transform = iota
	// RCLR is the robust CLR: log count minus the mean log of the sample's
	// non-zero taxa; zeros are missing, so a taxon is tested only on the
	// samples where it was observed (n varies per row).
	RCLR
	// Relative is the relative abundance count / sample total.
	Relative
)

func (t Transform) String() string {
	switch t {
	case CLR:
		return "clr"
	case RCLR:
		return "rclr"
	case Relative:
		return "relative"
	}
	return fmt.Sprintf("Transform(%d)", int(t))
}

// Method is the association test.
type Method int

const (
	Spearman Method = iota // rank correlation, R's cor.test(method = "spearman")
	Pearson                // R's cor.test(method = "pearson")
	LM                     // linear model taxon ~ variable + covariates (effect = slope)
)

func (m Method) String() string {
	switch m {
	case Spearman:
		return "spearman"
	case Pearson:
		return "pearson"
	case LM:
		return "lm"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Options configures Run.
type Options struct {
	Transform   Transform
	Pseudocount float64 // for CLR; must make every value positive (1 when 0)
	Method      Method
	// MinPrevalence: within each stratum a taxon is tested only when it is
	// non-zero in more than MinPrevalence × n_stratum samples (MaAsLin2's
	// strict rule).
	MinPrevalence float64
	// Conf is the confidence level of the intervals (0.95 when 0).
	Conf float64
}

// Design holds the per-sample inputs, all in the table's sample order.
type Design struct {
	Strata []string // stratum (body site) of each sample; "" = excluded
	// Vars are the host variables tested (NaN = missing for that sample).
	VarNames []string
	Vars     [][]float64
	// Covariates enter the linear model only (NaN = missing). Code
	// categorical covariates as 0/1 columns first (stats.FactorTerm).
	CovNames   []string
	Covariates [][]float64
}

// Row is one test.
type Row struct {
	Stratum    string
	Taxon      string
	Variable   string
	N          int     // samples used in this test
	NStratum   int     // samples in the stratum
	Prevalence float64 // fraction of the stratum's samples with the taxon present
	Effect     float64 // rho (Spearman), r (Pearson) or slope (LM)
	CILow      float64 // Fisher-z interval for correlations, t interval for LM
	CIHigh     float64
	P          float64
	Q          float64 // Benjamini–Hochberg within the stratum (over all taxa × variables)
}

// Run tests every taxon of t against every variable within every stratum.
// Rows come grouped by stratum (sorted), then variable (in Design order),
// then taxon (table order). Tests that are undefined (fewer than 3 usable
// samples, a constant taxon or variable) give a row with NaN statistics,
// which does not count towards the BH correction.
func Run(ctx context.Context, t *table.Table, d Design, opt Options) ([]Row, error) {
	n := t.NumSamples()
	if err := d.check(n, opt); err != nil {
		return nil, err
	}
	vals, present, err := transformSamples(t, opt)
	if err != nil {
		return nil, err
	}
	r := runner{t: t, d: d, opt: opt, nf: t.NumFeatures(), vals: vals, present: present,
		x: make([]float64, 0, n), y: make([]float64, 0, n)}
	strata := map[string][]int{}
	for i, s := range d.Strata {
		if s != "" {
			strata[s] = append(strata[s], i)
		}
	}
	names := make([]string, 0, len(strata))
	for s := range strata {
		names = append(names, s)
	}
	sort.Strings(names)
	var rows []Row
	for _, s := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		first := len(rows)
		rows = r.stratum(rows, s, strata[s])
		ps := make([]float64, len(rows)-first)
		for k := range ps {
			ps[k] = rows[first+k].P
		}
		stats.AdjustBH(ps, ps)
		for k := range ps {
			rows[first+k].Q = ps[k]
		}
	}
	return rows, nil
}

// pseudocount is the CLR pseudocount (1 when not set).
func (opt Options) pseudocount() float64 {
	if opt.Pseudocount == 0 {
		return 1
	}
	return opt.Pseudocount
}

// check refuses a design that does not fit n samples, or options that do
// not fit the design.
func (d Design) check(n int, opt Options) error {
	if len(d.Strata) != n {
		return fmt.Errorf("assoc: %d strata labels for %d samples", len(d.Strata), n)
	}
	if len(d.Vars) != len(d.VarNames) || len(d.Covariates) != len(d.CovNames) {
		return errors.New("assoc: names and columns differ in number")
	}
	if len(d.Vars) == 0 {
		return errors.New("assoc: no variables to test")
	}
	for k, v := range d.Vars {
		if len(v) != n {
			return fmt.Errorf("assoc: variable %q has %d values for %d samples", d.VarNames[k], len(v), n)
		}
	}
	for k, v := range d.Covariates {
		if len(v) != n {
			return fmt.Errorf("assoc: covariate %q has %d values for %d samples", d.CovNames[k], len(v), n)
		}
	}
	if opt.MinPrevalence < 0 || opt.MinPrevalence >= 1 || math.IsNaN(opt.MinPrevalence) {
		return fmt.Errorf("assoc: min prevalence %g outside [0, 1)", opt.MinPrevalence)
	}
	if pc := opt.pseudocount(); opt.Transform == CLR && pc < 0 {
		return fmt.Errorf("assoc: negative pseudocount %g", pc)
	}
	if opt.Method != LM && len(d.Covariates) > 0 {
		return errors.New("assoc: covariates need the linear model (method lm); correlations do not adjust for them")
	}
	return nil
}

// transformSamples transforms every sample over its whole composition. It
// returns the values sample-major (samples × features) and which counts are
// positive.
func transformSamples(t *table.Table, opt Options) (vals []float64, present []bool, err error) {
	n, nf := t.NumSamples(), t.NumFeatures()
	pc := opt.pseudocount()
	vals = make([]float64, n*nf)
	dense := make([]float64, nf)
	tr := make([]float64, nf)
	present = make([]bool, n*nf)
	for i := 0; i < n; i++ {
		for j := range dense {
			dense[j] = 0
		}
		idx, v := t.Sample(i)
		var tot float64
		for k, j := range idx {
			if v[k] < 0 {
				return nil, nil, fmt.Errorf("assoc: sample %q has a negative count for %q", t.SampleIDs[i], t.FeatureIDs[j])
			}
			dense[j] = v[k]
			tot += v[k]
			if v[k] > 0 {
				present[i*nf+int(j)] = true
			}
		}
		switch opt.Transform {
		case CLR:
			if err := stats.CLR(tr, dense, pc); err != nil {
				return nil, nil, fmt.Errorf("assoc: sample %q: %w", t.SampleIDs[i], err)
			}
		case RCLR:
			if err := stats.RCLR(tr, dense); err != nil {
				return nil, nil, fmt.Errorf("assoc: sample %q: %w", t.SampleIDs[i], err)
			}
		case Relative:
			for j, x := range dense {
				if tot > 0 {
					tr[j] = x / tot
				} else {
					tr[j] = math.NaN()
				}
			}
		default:
			return nil, nil, fmt.Errorf("assoc: unknown transform %d", opt.Transform)
		}
		copy(vals[i*nf:], tr)
	}
	return vals, present, nil
}

// runner tests the taxa of one transformed table against a design's
// variables.
type runner struct {
	t       *table.Table
	d       Design
	opt     Options
	nf      int
	vals    []float64 // transformed values, sample-major
	present []bool    // positive counts, sample-major
	x, y    []float64 // one test's variable and taxon values
}

// stratum appends to rows the tests of stratum s (samples members): every
// variable against every taxon prevalent enough in the stratum.
func (r *runner) stratum(rows []Row, s string, members []int) []Row {
	ns := len(members)
	for v, vname := range r.d.VarNames {
		for j := 0; j < r.nf; j++ {
			cnt := 0
			for _, i := range members {
				if r.present[i*r.nf+j] {
					cnt++
				}
			}
			if float64(cnt) <= r.opt.MinPrevalence*float64(ns) || cnt == 0 {
				continue
			}
			row := Row{Stratum: s, Taxon: r.t.FeatureIDs[j], Variable: vname, NStratum: ns,
				Prevalence: float64(cnt) / float64(ns), Effect: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN(),
				P: math.NaN(), Q: math.NaN()}
			use := r.pairs(members, v, j)
			row.N = len(r.x)
			test(&row, r.x, r.y, use, r.d, r.opt)
			rows = append(rows, row)
		}
	}
	return rows
}

// pairs sets r.x and r.y to variable v's and taxon j's values on the
// members where both are known (and, for the linear model, every
// covariate), and returns those members.
func (r *runner) pairs(members []int, v, j int) (use []int) {
	r.x, r.y = r.x[:0], r.y[:0]
	for _, i := range members {
		tv, hv := r.vals[i*r.nf+j], r.d.Vars[v][i]
		if math.IsNaN(tv) || math.IsNaN(hv) {
			continue
		}
		ok := true
		for _, c := range r.d.Covariates {
			if math.IsNaN(c[i]) {
				ok = false
			}
		}
		if !ok && r.opt.Method == LM {
			continue
		}
		r.x = append(r.x, hv)
		r.y = append(r.y, tv)
		use = append(use, i)
	}
	return use
}

func test(row *Row, x, y []float64, use []int, d Design, opt Options) {
	if len(x) < 3 {
		return
	}
	switch opt.Method {
	case Spearman, Pearson:
		m := stats.Spearman
		if opt.Method == Pearson {
			m = stats.Pearson
		}
		ct, err := stats.CorrelationTest(x, y, m, stats.TwoSided, opt.Conf)
		if err != nil {
			return
		}
		row.Effect, row.CILow, row.CIHigh, row.P = ct.Estimate, ct.CILow, ct.CIHigh, ct.PValue
	case LM:
		preds := [][]float64{x}
		names := []string{row.Variable}
		for c, col := range d.Covariates {
			v := make([]float64, len(use))
			for k, i := range use {
				v[k] = col[i]
			}
			preds = append(preds, v)
			names = append(names, d.CovNames[c])
		}
		lm, err := stats.FitLM(y, names, preds, opt.Conf)
		if err != nil {
			return
		}
		row.Effect, row.CILow, row.CIHigh, row.P = lm.Coef[1], lm.CILow[1], lm.CIHigh[1], lm.P[1]
	}
}
