package cohort

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/parser"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/internal/bom"
	"github.com/holobiont/holobiont/internal/chunks"
	"github.com/holobiont/holobiont/internal/yamlnode"
	"github.com/holobiont/holobiont/scenario"
	"github.com/holobiont/holobiont/sim"
)

// TrialSpec is a randomised in-silico trial: a cohort spec (population,
// sampling, measurements, endpoints) plus named interventions, arms that
// reference them, stratified randomisation, analyses and a power study.
type TrialSpec struct {
	Spec          `yaml:",inline"`
	Interventions map[string]map[string]any `yaml:"interventions"`
	Arms          []Arm                     `yaml:"arms"`
	Randomisation Randomisation             `yaml:"randomisation"`
	Analysis      []Analysis                `yaml:"analysis"`
	Power         *Power                    `yaml:"power"`
	Alpha         float64                   `yaml:"alpha"`
	// MeasuredBy names, per endpoint of a model variable, the measurement
	// whose readings compute it (default: the first measurement of that
	// variable taken at the needed times). See LatentPrefix.
	MeasuredBy map[string]string `yaml:"measured_by"`

	typed map[string]scenario.Intervention // Interventions decoded
}

// Arm is a trial arm: the named interventions its subjects receive.
type Arm struct {
	Name          string   `yaml:"name"`
	Interventions []string `yaml:"interventions"`
	Ratio         int      `yaml:"ratio"`
}

// Randomisation is stratified permuted-block allocation.
type Randomisation struct {
	Strata []string `yaml:"strata"` // categorical covariates
	Block  int      `yaml:"block"`  // multiples of the summed ratios per block (default 1)
}

// Analysis compares Treatment with Control on an endpoint.
type Analysis struct {
	Endpoint  string `yaml:"endpoint"`
	Baseline  string `yaml:"baseline"` // endpoint used as ANCOVA covariate (optional)
	Control   string `yaml:"control"`
	Treatment string `yaml:"treatment"`
	// Responder: a subject responds when the endpoint is below (or above) Threshold.
	Responder *struct {
		Below *float64 `yaml:"below"`
		Above *float64 `yaml:"above"`
	} `yaml:"responder"`
}

// Power repeats the trial at each size in N (subjects per trial).
type Power struct {
	N          []int  `yaml:"n"`
	Replicates int    `yaml:"replicates"`
	Analysis   int    `yaml:"analysis"` // index into Analysis (default 0)
	Test       string `yaml:"test"`     // welch (default) or ancova
}

// LoadTrialSpec reads and validates a trial spec.
func LoadTrialSpec(path string) (*TrialSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseTrialSpec(path, data)
}

// ParseTrialSpec parses a trial spec; errors name file:line:col.
func ParseTrialSpec(name string, data []byte) (*TrialSpec, error) {
	data = bom.Trim(data)
	if err := yamlnode.CheckNesting(name, data); err != nil {
		return nil, err
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, err)
	}
	t := &TrialSpec{}
	if err := decodeStrict(name, data, t); err != nil {
		return nil, err
	}
	s := &t.Spec
	s.File, s.data, s.astf = name, data, f
	sum := sha256sum(data)
	s.Hash = sum
	if err := s.validate(); err != nil {
		return nil, err
	}
	if err := augmentTrialSpec(t); err != nil {
		return nil, err
	}
	if err := t.validateTrial(); err != nil {
		return nil, err
	}
	return t, nil
}

// validateTrial checks the trial's own fields (the cohort part is checked by
// Spec.validate) and fills their defaults.
func (t *TrialSpec) validateTrial() error {
	s := &t.Spec
	if t.Alpha == 0 {
		t.Alpha = 0.05
	}
	if !(t.Alpha > 0 && t.Alpha < 1) {
		return s.errAt("$.alpha", "alpha must be in (0, 1)")
	}
	if len(t.Arms) < 2 {
		return s.errAt("$.arms", "a trial needs at least 2 arms")
	}
	arms, err := t.validateArms()
	if err != nil {
		return err
	}
	if t.typed, err = t.decodeInterventions(); err != nil {
		return err
	}
	if t.Randomisation.Block == 0 {
		t.Randomisation.Block = 1
	}
	if t.Randomisation.Block < 1 {
		return s.errAt("$.randomisation.block", "block must be >= 1")
	}
	for i, st := range t.Randomisation.Strata {
		d := s.Covariates[st]
		if d == nil || !d.Categorical() {
			return s.errAt(fmt.Sprintf("$.randomisation.strata[%d]", i), "stratum %q is not a categorical covariate", st)
		}
	}
	if err := t.validateAnalysis(arms); err != nil {
		return err
	}
	return t.validatePower()
}

// validateArms checks the arms and returns their names.
func (t *TrialSpec) validateArms() (map[string]bool, error) {
	s := &t.Spec
	arms := map[string]bool{}
	for i, a := range t.Arms {
		p := fmt.Sprintf("$.arms[%d]", i)
		if a.Name == "" {
			return nil, s.errAt(p, "arm needs a name")
		}
		if arms[a.Name] {
			return nil, s.errAt(p+".name", "arm name %q is given twice", a.Name)
		}
		arms[a.Name] = true
		if a.Ratio == 0 {
			t.Arms[i].Ratio = 1
		}
		if t.Arms[i].Ratio < 1 {
			return nil, s.errAt(p, "arm %s: ratio must be >= 1", a.Name)
		}
		for j, iv := range a.Interventions {
			if _, ok := t.Interventions[iv]; !ok {
				var known []string
				for k := range t.Interventions {
					known = append(known, k)
				}
				sort.Strings(known)
				return nil, s.errAt(fmt.Sprintf("%s.interventions[%d]", p, j), "arm %s references missing intervention %q (defined: %s)", a.Name, iv, strings.Join(known, ", "))
			}
		}
	}
	return arms, nil
}

// validateAnalysis checks each analysis against the endpoints and arms.
func (t *TrialSpec) validateAnalysis(arms map[string]bool) error {
	s := &t.Spec
	ends := map[string]bool{}
	for _, e := range s.Endpoints {
		ends[e.Name] = true
	}
	for i, a := range t.Analysis {
		p := fmt.Sprintf("$.analysis[%d]", i)
		if !ends[a.Endpoint] {
			return s.errAt(p+".endpoint", "analysis: unknown endpoint %q (endpoints: %s)", a.Endpoint, sortedKeys(ends))
		}
		if a.Baseline != "" && !ends[a.Baseline] {
			return s.errAt(p+".baseline", "analysis: unknown baseline endpoint %q (endpoints: %s)", a.Baseline, sortedKeys(ends))
		}
		for _, f := range []struct{ key, arm string }{{"control", a.Control}, {"treatment", a.Treatment}} {
			if !arms[f.arm] {
				return s.errAt(p+"."+f.key, "analysis: %s arm %q is not one of the trial's arms (%s)", f.key, f.arm, sortedKeys(arms))
			}
		}
		if a.Control == a.Treatment {
			return s.errAt(p+".treatment", "analysis: control and treatment are both arm %q; compare two different arms", a.Control)
		}
		if r := a.Responder; r != nil && (r.Below == nil) == (r.Above == nil) {
			return s.errAt(p+".responder", "responder: give below or above")
		}
	}
	return nil
}

func (t *TrialSpec) validatePower() error {
	s := &t.Spec
	pw := t.Power
	if pw == nil {
		return nil
	}
	if len(pw.N) == 0 || pw.Replicates < 1 || pw.Analysis < 0 || pw.Analysis >= len(t.Analysis) {
		return s.errAt("$.power", "power needs n sizes, replicates >= 1 and a valid analysis index")
	}
	for _, n := range pw.N {
		if n < 2*len(t.Arms) {
			return s.errAt("$.power", "power: n = %d is too small for %d arms", n, len(t.Arms))
		}
		if n > chunks.MaxTasks/pw.Replicates {
			return s.errAt("$.power", "power: n = %d subjects x %d replicates is more than one run holds (at most %d subjects)", n, pw.Replicates, chunks.MaxTasks)
		}
	}
	switch pw.Test {
	case "", "welch", "ancova":
	default:
		return s.errAt("$.power.test", "power test must be welch or ancova")
	}
	if pw.Test == "ancova" && t.Analysis[pw.Analysis].Baseline == "" {
		return s.errAt("$.power.test", "ancova power needs a baseline in the analysis")
	}
	return nil
}

// TrialPlan is a compiled trial.
type TrialPlan struct {
	*Plan
	Trial     *TrialSpec
	Schedules []*sim.Schedule // per arm
	armIdx    map[string]int
	measured  []measuredEndpoint // per spec endpoint (not the latent copies)
}

// CompileTrial compiles the trial against its model: each arm's typed
// interventions are lowered (scenario.Lower) into the arm's schedule.
func CompileTrial(t *TrialSpec) (*TrialPlan, error) {
	p, err := Compile(&t.Spec)
	if err != nil {
		return nil, err
	}
	tp := &TrialPlan{Plan: p, Trial: t, armIdx: map[string]int{}}
	if err := tp.planMeasured(); err != nil {
		return nil, err
	}
	for i, a := range t.Arms {
		tp.armIdx[a.Name] = i
		sched, err := tp.armSchedule(i)
		if err != nil {
			return nil, err
		}
		for _, name := range a.Interventions {
			p.perts.add(t.typed[name], i)
		}
		tp.Schedules = append(tp.Schedules, sched)
	}
	return tp, nil
}

// Allocate assigns subjects [base, base+n) to arms by stratified permuted
// blocks. The allocation depends only on the seed, base, n and the
// subjects' covariates (themselves functions of (seed, index)).
func (tp *TrialPlan) Allocate(base, n int) []int {
	t := tp.Trial
	var unit []int
	for a, arm := range t.Arms {
		for r := 0; r < arm.Ratio*t.Randomisation.Block; r++ {
			unit = append(unit, a)
		}
	}
	covPos := map[string]int{}
	for i, c := range tp.CovIDs {
		covPos[c] = i
	}
	type strat struct {
		queue []int
		k     int
	}
	strata := map[string]*strat{}
	var order []string
	out := make([]int, n)
	for j := 0; j < n; j++ {
		_, covs, _ := tp.Draw(base + j)
		var key []string
		for _, st := range t.Randomisation.Strata {
			key = append(key, covs[covPos[st]])
		}
		k := strings.Join(key, "\x00")
		s, ok := strata[k]
		if !ok {
			s = &strat{k: len(order)}
			strata[k] = s
			order = append(order, k)
		}
		if len(s.queue) == 0 {
			// A new block: a seeded permutation of the unit.
			r := Stream(t.Seed, base*1000003+s.k, PurposeRandomisation)
			blk := append([]int(nil), unit...)
			r.Shuffle(len(blk), func(x, y int) { blk[x], blk[y] = blk[y], blk[x] })
			s.queue = blk
			s.k += 1 << 20 // next block of this stratum gets a new stream
		}
		out[j] = s.queue[0]
		s.queue = s.queue[1:]
	}
	return out
}

// Runner returns the cohort runner simulating subject i in its allocated arm.
func (tp *TrialPlan) Runner(alloc []int, base int) func(ctx context.Context, r *holobiont.Runner, i int) (*Subject, error) {
	return func(ctx context.Context, r *holobiont.Runner, i int) (*Subject, error) {
		a := alloc[i-base]
		s, err := tp.Simulate(ctx, r, i, tp.Schedules[a])
		if s != nil {
			s.Arm = a
			tp.measure(s)
		}
		return s, err
	}
}

// RunTrial simulates the trial into dir (resumable, shardable as Run).
func (tp *TrialPlan) RunTrial(ctx context.Context, dir string, opt Options) error {
	alloc := tp.Allocate(0, tp.Spec.N)
	opt.Runner = tp.Runner(alloc, 0)
	tp.Plan.arms = nil
	for _, a := range tp.Trial.Arms {
		tp.Plan.arms = append(tp.Plan.arms, a.Name)
	}
	return Run(ctx, tp.Plan, dir, opt)
}

// AnalysisResult is one analysis of a trial.
type AnalysisResult struct {
	Analysis
	NControl, NTreatment       int
	MeanControl, MeanTreat     float64
	Diff                       Estimate // Welch difference in means
	Ancova                     *Estimate
	RespControl, RespTreat     float64
	Responders                 *Estimate
	ControlValues, TreatValues []float64 // endpoint values (for figures)
}

// Analyse runs the spec's analyses on subjects (each with Arm set).
func (tp *TrialPlan) Analyse(subs []*Subject) ([]AnalysisResult, error) {
	t := tp.Trial
	epos := map[string]int{}
	for i, e := range tp.Spec.Endpoints {
		epos[e.Name] = i
	}
	var out []AnalysisResult
	for _, a := range t.Analysis {
		r := AnalysisResult{Analysis: a}
		ci, ti := tp.armIdx[a.Control], tp.armIdx[a.Treatment]
		var y, trt, base []float64
		var kc, kt int
		for _, s := range subs {
			if s.Err != "" || (s.Arm != ci && s.Arm != ti) {
				continue
			}
			v := s.Endpoints[epos[a.Endpoint]]
			if math.IsNaN(v) {
				continue
			}
			resp := false
			if rr := a.Responder; rr != nil {
				if rr.Below != nil {
					resp = v < *rr.Below
				} else {
					resp = v > *rr.Above
				}
			}
			isT := 0.0
			if s.Arm == ti {
				isT = 1
				r.TreatValues = append(r.TreatValues, v)
				if resp {
					kt++
				}
			} else {
				r.ControlValues = append(r.ControlValues, v)
				if resp {
					kc++
				}
			}
			y = append(y, v)
			trt = append(trt, isT)
			if a.Baseline != "" {
				base = append(base, s.Endpoints[epos[a.Baseline]])
			}
		}
		r.NControl, r.NTreatment = len(r.ControlValues), len(r.TreatValues)
		d, err := Welch(r.ControlValues, r.TreatValues, t.Alpha)
		if err != nil {
			return nil, fmt.Errorf("analysis of %s: %w", a.Endpoint, err)
		}
		r.Diff = d
		r.MeanControl, r.MeanTreat = mean(r.ControlValues), mean(r.TreatValues)
		if a.Baseline != "" {
			e, err := ANCOVA(y, trt, base, t.Alpha)
			if err == nil {
				r.Ancova = &e
			}
		}
		if a.Responder != nil {
			e := Proportions(kc, r.NControl, kt, r.NTreatment, t.Alpha)
			r.Responders = &e
			r.RespControl, r.RespTreat = float64(kc)/float64(r.NControl), float64(kt)/float64(r.NTreatment)
		}
		out = append(out, r)
	}
	return out, nil
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// SimulateSubjects simulates subject idx[k] in arm arms[k] for every k on
// workers goroutines (each with its own clone of the system) and returns
// the subjects in the order given. Each subject depends only on the seed,
// its index and its arm, so the result does not depend on workers.
func (tp *TrialPlan) SimulateSubjects(ctx context.Context, idx, arms []int, workers int, progress func(done, total int)) ([]*Subject, error) {
	total := len(idx)
	subs := make([]*Subject, total)
	if workers <= 0 {
		workers = 1
	}
	jobs := make(chan int)
	errc := make(chan error, workers)
	done := make(chan int, workers)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := 0; w < workers; w++ {
		run, err := tp.NewRunner()
		if err != nil {
			return nil, err
		}
		go func() {
			for k := range jobs {
				a := arms[k]
				s, err := tp.Simulate(cctx, run, idx[k], tp.Schedules[a])
				if err != nil {
					errc <- err
					cancel()
					continue
				}
				s.Arm = a
				tp.measure(s)
				subs[k] = s
				done <- 1
			}
			errc <- nil
		}()
	}
	go func() {
		defer close(jobs)
		for k := 0; k < total; k++ {
			select {
			case jobs <- k:
			case <-cctx.Done():
				return
			}
		}
	}()
	finished, count := 0, 0
	var firstErr error
	for finished < workers {
		select {
		case <-done:
			count++
			if progress != nil {
				progress(count, total)
			}
		case err := <-errc:
			finished++
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	// A worker sends its last done before its nil on errc, but select may
	// take the errc first: count what is still buffered, so the last
	// progress call says total.
	for len(done) > 0 {
		<-done
		count++
		if progress != nil {
			progress(count, total)
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return subs, nil
}

// ArmIndex returns the index of the named arm, or -1.
func (tp *TrialPlan) ArmIndex(name string) int {
	if i, ok := tp.armIdx[name]; ok {
		return i
	}
	return -1
}

// PowerPoint is the estimated power at one trial size.
type PowerPoint struct {
	N           int
	Power       float64
	Low, High   float64 // 95% Wilson interval
	MeanEffect  float64
	Replicates  int
	Significant int
}

// PowerCurve repeats the trial Replicates times with fresh subjects at
// each size and reports the fraction with p < alpha. Replicate r uses
// subjects [offset + r·nmax, offset + (r+1)·nmax) with its own allocation;
// the trial of size n uses the first n of them (nested designs).
func (tp *TrialPlan) PowerCurve(ctx context.Context, workers int, progress func(done, total int)) ([]PowerPoint, error) {
	pw := tp.Trial.Power
	nmax := 0
	for _, n := range pw.N {
		nmax = max(nmax, n)
	}
	const offset = 1 << 40 / 2 // far from the main trial's indices
	total := pw.Replicates * nmax
	idx := make([]int, total)
	arms := make([]int, total)
	for r := 0; r < pw.Replicates; r++ {
		alloc := tp.Allocate(offset+r*nmax, nmax)
		for j := 0; j < nmax; j++ {
			idx[r*nmax+j] = offset + r*nmax + j
			arms[r*nmax+j] = alloc[j]
		}
	}
	subs, err := tp.SimulateSubjects(ctx, idx, arms, workers, progress)
	if err != nil {
		return nil, err
	}
	one := *tp.Trial
	one.Analysis = []Analysis{tp.Trial.Analysis[pw.Analysis]}
	sub := &TrialPlan{Plan: tp.Plan, Trial: &one, Schedules: tp.Schedules, armIdx: tp.armIdx}
	var pts []PowerPoint
	for _, n := range pw.N {
		pt := PowerPoint{N: n, Replicates: pw.Replicates}
		var eff float64
		for r := 0; r < pw.Replicates; r++ {
			res, err := sub.Analyse(subs[r*nmax : r*nmax+n])
			if err != nil {
				continue
			}
			e := res[0].Diff
			if pw.Test == "ancova" && res[0].Ancova != nil {
				e = *res[0].Ancova
			}
			eff += e.Effect / float64(pw.Replicates)
			if e.P < tp.Trial.Alpha {
				pt.Significant++
			}
		}
		pt.MeanEffect = eff
		pt.Power = float64(pt.Significant) / float64(pw.Replicates)
		pt.Low, pt.High = wilson(pt.Significant, pw.Replicates)
		pts = append(pts, pt)
	}
	return pts, nil
}

func wilson(k, n int) (lo, hi float64) {
	z := 1.959963984540054
	p := float64(k) / float64(n)
	nn := float64(n)
	den := 1 + z*z/nn
	c := (p + z*z/(2*nn)) / den
	h := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn)) / den
	return math.Max(0, c-h), math.Min(1, c+h)
}

// ReadSubjects reads the subjects of a complete run directory in order.
func ReadSubjects(dir string) ([]*Subject, error) {
	lay, _, err := readLayout(dir)
	if err != nil {
		return nil, err
	}
	var out []*Subject
	for k := 0; k < lay.NumChunks(); k++ {
		cf, err := readChunk(chunkPath(dir, k))
		if err != nil {
			return nil, err
		}
		out = append(out, cf.Subjects...)
	}
	return out, nil
}

// sortedKeys lists a set's keys, sorted and comma-separated.
func sortedKeys(set map[string]bool) string {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
