package cohort

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/sim"
)

// Purpose names an independent random stream of a subject.
type Purpose uint64

// Stream purposes.
const (
	PurposeParams Purpose = iota + 1
	PurposeSequencing
	PurposeMeasurement
	PurposeRandomisation
)

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Stream returns the random stream of subject index for purpose under
// seed: a PCG generator seeded by SplitMix64 hashes of the triple, so it
// depends on nothing else.
func Stream(seed uint64, index int, purpose Purpose) *rand.Rand {
	h := splitmix64(seed)
	h = splitmix64(h ^ uint64(index))
	h1 := splitmix64(h ^ uint64(purpose))
	h2 := splitmix64(h1 ^ 0x5851f42d4c957f2d)
	return rand.New(rand.NewPCG(h1, h2))
}

// Subject holds everything simulated and observed for one subject.
type Subject struct {
	Index     int
	Params    []float64 // Plan.ParamIDs order
	Covs      []string  // Plan.CovIDs order (labels; numbers formatted)
	CovNums   []float64 // numeric covariate values (NaN for labels)
	Endpoints []float64
	// Conditions holds Plan.Conditions' values (status, grade, scores).
	Conditions []float64
	Measures   [][]float64 // [measurement][time] observed
	MeasTrue   [][]float64 // [measurement][time] latent value
	Samples    []Sample    // Plan.Samples order
	Truth      [][]float64 // [row of OutTimes][truth quantity]
	Err        string      // simulation failure ("" when complete)
	Arm        int         // trial arm (0 for cohorts)
}

// Sample is one observed swab.
type Sample struct {
	Depth  int
	Load   float64   // true absolute load (cells per sample)
	QPCR   []float64 // replicate qPCR measurements
	Counts []int32   // reads per site member
	Rel    []float64 // true relative abundance per site member
}

// Draw draws subject i's parameters and covariates.
func (p *Plan) Draw(i int) (params []float64, covs []string, covNums []float64) {
	r := Stream(p.Spec.Seed, i, PurposeParams)
	n := len(p.dists)
	eps := make([]float64, n)
	for k := range eps {
		eps[k] = r.NormFloat64()
	}
	z := eps
	if p.chol != nil {
		z = make([]float64, n)
		for a := 0; a < n; a++ {
			var s float64
			for b := 0; b <= a; b++ {
				s += p.chol.At(a, b) * eps[b]
			}
			z[a] = s
		}
	}
	for k, d := range p.dists {
		u := distuv.UnitNormal.CDF(z[k])
		x, lab := d.Quantile(u)
		if k < len(p.ParamIDs) {
			params = append(params, x)
			continue
		}
		if d.Categorical() {
			covs = append(covs, lab)
			if d.nums != nil {
				covNums = append(covNums, x)
			} else {
				covNums = append(covNums, math.NaN())
			}
		} else {
			covs = append(covs, formatFloat(x))
			covNums = append(covNums, x)
		}
	}
	return params, covs, covNums
}

// Simulate runs subject i with r (the worker's runner, from NewRunner)
// under schedule sched (nil = the plan's), observes it and returns the
// result. A failed integration is recorded in Subject.Err; only context
// cancellation is returned as an error.
func (p *Plan) Simulate(ctx context.Context, r *holobiont.Runner, i int, sched *sim.Schedule) (*Subject, error) {
	s := &Subject{Index: i}
	s.Params, s.Covs, s.CovNums = p.Draw(i)
	p.shift.apply(s.Params)
	sys, err := r.System(s.Params)
	if err != nil {
		return nil, err
	}
	if sched == nil {
		sched = p.Schedule
	}
	opt := sim.Options{Start: p.start, End: p.end, OutputTimes: p.OutTimes,
		ODE: p.ode}
	tr, err := r.Simulate(ctx, sys, sched, opt) // rows valid until r's next Simulate: nothing below keeps them
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var se *sim.Error
		if !errors.As(err, &se) && tr == nil {
			return nil, err
		}
		s.Err = err.Error()
	}
	rows, complete := p.outputRows(tr)
	if !complete && s.Err == "" {
		s.Err = "no output at requested time"
	}
	for _, e := range p.Endpoints {
		s.Endpoints = append(s.Endpoints, e.value(rows))
	}
	for _, e := range p.Conditions {
		s.Conditions = append(s.Conditions, e.value(rows))
	}
	p.measure(s, rows)
	sr := Stream(p.Spec.Seed, i, PurposeSequencing)
	for _, sp := range p.Samples {
		s.Samples = append(s.Samples, p.sequence(sp, rows[sp.row], sr))
	}
	if len(p.Truth) > 0 {
		s.Truth = make([][]float64, len(rows))
		for j, r := range rows {
			s.Truth[j] = make([]float64, len(p.Truth))
			for k, q := range p.Truth {
				s.Truth[j][k] = q.Eval(r)
			}
		}
	}
	return s, nil
}

// outputRows maps the trajectory's rows to the plan's output times (tr may
// be nil or, from a failed run, short); a time without a row gets a row of
// NaN, and complete is false.
func (p *Plan) outputRows(tr *sim.Trajectory) (rows [][]float64, complete bool) {
	out := p.OutTimes
	rows = make([][]float64, len(out))
	if tr != nil {
		k := 0
		for j, t := range out {
			for k < len(tr.Times) && tr.Times[k] < t {
				k++
			}
			if k < len(tr.Times) && tr.Times[k] == t {
				rows[j] = tr.Values[k]
			}
		}
	}
	complete = true
	for j := range rows {
		if rows[j] == nil {
			rows[j] = make([]float64, len(p.varIndex))
			for k := range rows[j] {
				rows[j][k] = math.NaN()
			}
			complete = false
		}
	}
	return rows, complete
}

// measure takes subject s's host measurements (true values and what the
// instrument reads, from the subject's measurement stream).
func (p *Plan) measure(s *Subject, rows [][]float64) {
	mr := Stream(p.Spec.Seed, s.Index, PurposeMeasurement)
	for _, m := range p.Measures {
		obs := make([]float64, len(m.rows))
		lat := make([]float64, len(m.rows))
		for j, r := range m.rows {
			lat[j] = m.Q.Eval(rows[r])
			obs[j] = m.Inst.Measure(lat[j], mr)
		}
		s.Measures = append(s.Measures, obs)
		s.MeasTrue = append(s.MeasTrue, lat)
	}
}

// sequence sequences one sample of a site at an output row: the members'
// relative abundances and load, a drawn depth, read counts and qPCR
// replicates (NaN where the row is).
func (p *Plan) sequence(sp SamplePoint, row []float64, sr *rand.Rand) Sample {
	site := p.Sites[sp.site]
	smp := Sample{Rel: make([]float64, len(site.Index)), Counts: make([]int32, len(site.Index)), QPCR: make([]float64, p.qpcr.Replicates)}
	var tot float64
	for k, j := range site.Index {
		v := math.Max(row[j], 0)
		if math.IsNaN(row[j]) {
			v = math.NaN()
		}
		smp.Rel[k] = v
		tot += v
	}
	for k := range smp.Rel {
		if tot > 0 {
			smp.Rel[k] /= tot
		}
	}
	smp.Load = tot * p.Spec.Sequencing.LoadScale
	smp.Depth = p.depth.Draw(sr)
	if math.IsNaN(tot) || !(tot > 0) {
		for k := range smp.QPCR {
			smp.QPCR[k] = math.NaN()
		}
		return smp
	}
	cnt := make([]int, len(site.Index))
	work := make([]float64, len(site.Index))
	p.counts.Sample(cnt, smp.Depth, smp.Rel, work, sr)
	for k, c := range cnt {
		smp.Counts[k] = int32(c)
	}
	p.qpcr.Draw(smp.QPCR, smp.Load, sr)
	return smp
}

func (e *EndpointPlan) value(rows [][]float64) float64 {
	switch e.Stat {
	case "value":
		return e.Q.Eval(rows[e.row])
	case "detect":
		if e.Q.Eval(rows[e.row]) > e.Threshold {
			return 1
		}
		return 0
	case "change", "percent_change":
		return twoPointValue(e.Stat, e.Q.Eval(rows[e.fromRow]), e.Q.Eval(rows[e.row]))
	}
	var acc float64
	switch e.Stat {
	case "max":
		acc = math.Inf(-1)
	case "min":
		acc = math.Inf(1)
	}
	n := 0
	for j := e.fromRow; j <= e.toRow && j < len(rows); j++ {
		v := e.Q.Eval(rows[j])
		switch e.Stat {
		case "max":
			acc = math.Max(acc, v)
		case "min":
			acc = math.Min(acc, v)
		default:
			acc += v
		}
		n++
	}
	if e.Stat == "mean" && n > 0 {
		acc /= float64(n)
	}
	return acc
}
