package dabench

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/da"
	"github.com/holobiont/holobiont/internal/fmath"
)

// Random-stream purposes of the benchmark (distinct from cohort's).
const (
	purposeBackground cohort.Purpose = 0x6461626b67 // per subject: background noise, zeros, sequencing
	purposeMeans      cohort.Purpose = 0x6461626d75 // per replicate: background log-abundances
)

// Subject index offsets, far from the trial's own and from each other.
const (
	truthOffset = 1 << 41
	repOffset   = 1 << 42
)

// Truth is the true effect of one comparison on one taxon.
type Truth struct {
	Comparison string
	Taxon      string
	// Absolute and Compositional are natural-log fold changes of the
	// arm over the control: of the absolute abundance, and of the
	// relative abundance in the whole community (background included).
	// Mean of logs when the taxon is present in every truth subject of both
	// arms, otherwise the log ratio of the means (±Inf when absent from one).
	Absolute, Compositional float64
}

// Score is one method's performance on one comparison under one kind of
// truth, averaged over the replicates.
type Score struct {
	Method, Comparison string
	Truth              string  // "absolute" or "compositional"
	Replicates         int     // replicates scored
	DA                 float64 // truly differential taxa (mean over replicates)
	Called             float64 // taxa called at q < alpha (mean)
	FDR                float64 // mean of false calls / max(calls, 1)
	Power              float64 // mean of true calls / differential taxa
	Bias, RMSE         float64 // effect − truth over the differential taxa with finite truth (NaN for non-log effects)
	Seconds            float64 // mean wall time per run of the method
}

// Replicate is one replicate's FDR and power (for the figure).
type Replicate struct {
	Method, Comparison, Truth string
	Replicate                 int
	FDR, Power                float64
}

// Result is a benchmark's outcome.
type Result struct {
	Spec       *Spec
	Taxa       []string
	Truths     []Truth
	Scores     []Score
	Replicates []Replicate
	Subjects   int // per replicate, in the compared arms
	Notes      []string
}

// Options tunes Run.
type Options struct {
	Workers  int
	Progress func(msg string)
}

// logScale reports whether a method's effect is a natural-log fold change.
func logScale(m da.Method) bool {
	return m == da.ANCOMBC || m == da.ALDEx2 || m == da.LinDA || m == da.Wilcoxon
}

// Run simulates the benchmark and scores every method.
func Run(ctx context.Context, s *Spec, opt Options) (*Result, error) {
	if opt.Workers <= 0 {
		opt.Workers = 1
	}
	say := func(f string, a ...any) {
		if opt.Progress != nil {
			opt.Progress(fmt.Sprintf(f, a...))
		}
	}
	ts, err := cohort.LoadTrialSpec(s.trialPath())
	if err != nil {
		return nil, err
	}
	tp, err := cohort.CompileTrial(ts)
	if err != nil {
		return nil, err
	}
	w, err := newWorld(s, tp)
	if err != nil {
		return nil, err
	}
	say("truth: %d subjects per arm", s.TruthSubjects)
	if err := w.truth(ctx, opt.Workers); err != nil {
		return nil, err
	}
	res := &Result{Spec: s, Taxa: w.taxa, Truths: w.truths()}
	sc := &scorer{w: w, accs: map[string]*scoreAcc{}}
	for r := 0; r < s.Replicates; r++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		say("replicate %d/%d: simulating %d subjects", r+1, s.Replicates, ts.N)
		counts, arms, err := w.replicate(ctx, r, opt.Workers)
		if err != nil {
			return nil, err
		}
		for ci, a := range w.compare {
			n, err := sc.comparison(ctx, r, counts, arms, ci, a, opt.Workers)
			if err != nil {
				return nil, err
			}
			res.Subjects = n
		}
	}
	res.Scores, res.Replicates = sc.scores(), sc.reps
	res.Notes = w.notes()
	return res, nil
}

// truths lists the true effects of every comparison on every taxon.
func (w *world) truths() []Truth {
	var out []Truth
	for ci, a := range w.compare {
		for k, t := range w.taxa {
			out = append(out, Truth{Comparison: w.armName(a), Taxon: t, Absolute: w.trueAbs[ci][k], Compositional: w.trueComp[ci][k]})
		}
	}
	return out
}

func (w *world) notes() []string {
	s := w.s
	return []string{
		fmt.Sprintf("%d modelled %s taxa from the cohort engine (%s) plus %d background taxa taking %.0f%% of the baseline community", len(w.members), s.Site, s.Trial, s.Background.Taxa, 100*s.Background.Share),
		fmt.Sprintf("a taxon is differentially abundant when |true ln fold change| > %g; a call needs q < %g and the true sign", s.Threshold, s.Alpha),
		"FDR = mean over replicates of false calls / max(calls, 1); power = mean of true calls / differential taxa",
		"bias and RMSE: estimated effect − true ln fold change over the differential taxa with a finite truth, for methods whose effect is a log fold change (ancombc, aldex2, linda, wilcoxon)",
	}
}

// scoreAcc sums one (method, comparison, truth) score over replicates.
type scoreAcc struct {
	n                      int
	da, called, fdr, power float64
	nPow                   int
	bias, sq               float64
	nBias                  int
	seconds                float64
	runs                   int
}

// scorer accumulates the scores in the order they first occur.
type scorer struct {
	w     *world
	accs  map[string]*scoreAcc
	order []string
	reps  []Replicate
}

// comparison runs every method on replicate r's arm a against the control
// (comparison ci) and scores it; it returns the number of subjects.
func (sc *scorer) comparison(ctx context.Context, r int, counts *da.Counts, arms []int, ci, a, workers int) (int, error) {
	w, s := sc.w, sc.w.s
	sub, labels := subset(counts, arms, w.ctrl, a, w.armName)
	filt, kept := da.Filter(sub, s.MinPrevalence)
	fm := &da.Formula{Terms: []da.FormulaTerm{{Vars: []string{"arm"}}}, Intercept: true}
	d, err := da.NewDesign(fm, map[string]da.Column{"arm": {Values: labels}}, filt.Samples,
		da.DesignOptions{Reference: map[string]string{"arm": w.armName(w.ctrl)}})
	if err != nil {
		return 0, fmt.Errorf("replicate %d, %s vs %s: %w", r+1, w.armName(a), w.armName(w.ctrl), err)
	}
	term := "arm[" + w.armName(a) + "]"
	for _, ms := range s.Methods {
		m, _ := da.ParseMethod(ms)
		t0 := time.Now()
		out, err := da.Run(ctx, m, filt, d, da.Options{Alpha: s.Alpha, MCSamples: s.MCSamples, Seed: s.Seed + uint64(r), Workers: workers})
		if err != nil {
			return 0, fmt.Errorf("replicate %d, %s vs %s, %s: %w", r+1, w.armName(a), w.armName(w.ctrl), m, err)
		}
		secs := time.Since(t0).Seconds()
		q, eff := alignRows(out, term, filt, kept, len(w.taxa))
		for _, kind := range []string{"absolute", "compositional"} {
			truth := w.trueAbs[ci]
			if kind == "compositional" {
				truth = w.trueComp[ci]
			}
			sc.add(ms, m, w.armName(a), kind, r, q, eff, truth, secs)
		}
	}
	return len(labels), nil
}

// alignRows returns the q and effect of term for every taxon of the world
// (NaN for taxa the prevalence filter dropped).
func alignRows(out *da.Result, term string, filt *da.Counts, kept []int, nTaxa int) (q, eff []float64) {
	q, eff = make([]float64, nTaxa), make([]float64, nTaxa)
	for k := range q {
		q[k], eff[k] = math.NaN(), math.NaN()
	}
	pos := map[string]int{}
	for j, k := range kept {
		pos[filt.Taxa[j]] = k
	}
	for _, row := range out.Rows {
		if row.Term != term {
			continue
		}
		if k, ok := pos[row.Taxon]; ok {
			q[k], eff[k] = row.Q, row.Effect
		}
	}
	return q, eff
}

// add scores one run of method ms on a comparison against one truth.
func (sc *scorer) add(ms string, m da.Method, comp, kind string, r int, q, eff, truth []float64, secs float64) {
	s := sc.w.s
	kk := ms + "\x00" + comp + "\x00" + kind
	ac, ok := sc.accs[kk]
	if !ok {
		ac = &scoreAcc{}
		sc.accs[kk] = ac
		sc.order = append(sc.order, kk)
	}
	var nda, called, tp, fp float64
	for k := range truth {
		isDA := math.Abs(truth[k]) > s.Threshold
		call := q[k] < s.Alpha
		if isDA {
			nda++
		}
		if call {
			called++
			if isDA && fmath.Sign(eff[k]) == fmath.Sign(truth[k]) {
				tp++
			} else {
				fp++
			}
		}
		if isDA && logScale(m) && !math.IsInf(truth[k], 0) && !math.IsNaN(eff[k]) {
			d := eff[k] - truth[k]
			ac.bias += d
			ac.sq += d * d
			ac.nBias++
		}
	}
	fdr := fp / math.Max(called, 1)
	ac.n++
	ac.da += nda
	ac.called += called
	ac.fdr += fdr
	pw := math.NaN()
	if nda > 0 {
		pw = tp / nda
		ac.power += pw
		ac.nPow++
	}
	ac.seconds += secs
	ac.runs++
	sc.reps = append(sc.reps, Replicate{Method: ms, Comparison: comp, Truth: kind, Replicate: r + 1, FDR: fdr, Power: pw})
}

// scores averages the accumulated sums.
func (sc *scorer) scores() []Score {
	var out []Score
	for _, kk := range sc.order {
		ac := sc.accs[kk]
		p := strings.Split(kk, "\x00")
		s := Score{Method: p[0], Comparison: p[1], Truth: p[2], Replicates: ac.n, DA: ac.da / float64(ac.n),
			Called: ac.called / float64(ac.n), FDR: ac.fdr / float64(ac.n), Power: math.NaN(), Bias: math.NaN(), RMSE: math.NaN(),
			Seconds: ac.seconds / float64(ac.runs)}
		if ac.nPow > 0 {
			s.Power = ac.power / float64(ac.nPow)
		}
		if ac.nBias > 0 {
			s.Bias = ac.bias / float64(ac.nBias)
			s.RMSE = math.Sqrt(ac.sq / float64(ac.nBias))
		}
		out = append(out, s)
	}
	return out
}

// world holds what replicates share.
type world struct {
	s        *Spec
	tp       *cohort.TrialPlan
	sample   int // index into tp.Samples
	members  []string
	taxa     []string // members then background
	ctrl     int
	compare  []int
	loadRef  float64 // median control load of the truth cohort
	bgTotal  float64 // expected background total
	trueAbs  [][]float64
	trueComp [][]float64
}

func newWorld(s *Spec, tp *cohort.TrialPlan) (*world, error) {
	w := &world{s: s, tp: tp, sample: -1}
	var have []string
	for k, sp := range tp.Samples {
		have = append(have, fmt.Sprintf("%s@%g", sp.Site, sp.Time))
		if sp.Site == s.Site && sp.Time == s.Time {
			w.sample = k
		}
	}
	if w.sample < 0 {
		return nil, fmt.Errorf("%s: the trial samples no %s at day %g (it samples %s)", s.File, s.Site, s.Time, strings.Join(have, ", "))
	}
	for _, si := range tp.Sites {
		if si.Site == s.Site {
			w.members = si.Members
		}
	}
	w.taxa = append(w.taxa, w.members...)
	for j := 0; j < s.Background.Taxa; j++ {
		w.taxa = append(w.taxa, fmt.Sprintf("background%04d", j+1))
	}
	if w.ctrl = tp.ArmIndex(s.Control); w.ctrl < 0 {
		return nil, fmt.Errorf("%s: control arm %q is not an arm of %s", s.File, s.Control, s.Trial)
	}
	names := s.Compare
	if len(names) == 0 {
		for _, a := range tp.Trial.Arms {
			if a.Name != s.Control {
				names = append(names, a.Name)
			}
		}
	}
	for _, n := range names {
		a := tp.ArmIndex(n)
		if a < 0 || a == w.ctrl {
			return nil, fmt.Errorf("%s: compare: %q is not another arm of %s", s.File, n, s.Trial)
		}
		w.compare = append(w.compare, a)
	}
	return w, nil
}

func (w *world) armName(a int) string { return w.tp.Trial.Arms[a].Name }

// abs returns the modelled taxa's absolute abundances of a subject's
// compared sample, or nil when the subject failed.
func (w *world) abs(s *cohort.Subject) []float64 {
	if s.Err != "" || w.sample >= len(s.Samples) {
		return nil
	}
	sm := s.Samples[w.sample]
	out := make([]float64, len(sm.Rel))
	for k, r := range sm.Rel {
		if math.IsNaN(r) || math.IsNaN(sm.Load) {
			return nil
		}
		out[k] = r * sm.Load
	}
	return out
}

// truth simulates the truth cohort and sets the true fold changes.
func (w *world) truth(ctx context.Context, workers int) error {
	byArm, err := w.truthCohort(ctx, workers)
	if err != nil {
		return err
	}
	nm := len(w.members)
	one := func([]float64) float64 { return 1 }
	for ci := range w.compare {
		a, c := byArm[ci+1], byArm[0]
		ab := make([]float64, len(w.taxa))
		co := make([]float64, len(w.taxa))
		for k := 0; k < nm; k++ {
			ab[k] = trueLFC(a, c, k, one)
			co[k] = trueLFC(a, c, k, w.total)
		}
		// Background taxa: no absolute change; their relative abundance
		// moves with the community total.
		var lta, ltc float64
		for _, v := range a {
			lta += math.Log(w.total(v)) / float64(len(a))
		}
		for _, v := range c {
			ltc += math.Log(w.total(v)) / float64(len(c))
		}
		for k := nm; k < len(w.taxa); k++ {
			co[k] = -(lta - ltc)
		}
		w.trueAbs = append(w.trueAbs, ab)
		w.trueComp = append(w.trueComp, co)
	}
	return nil
}

// truthCohort simulates TruthSubjects subjects in the control arm and in
// each compared arm and returns their absolute abundances by arm (control
// first); it sets loadRef (the control's median load) and bgTotal.
func (w *world) truthCohort(ctx context.Context, workers int) ([][][]float64, error) {
	T := w.s.TruthSubjects
	arms := append([]int{w.ctrl}, w.compare...)
	var idx, arm []int
	for ai, a := range arms {
		for j := 0; j < T; j++ {
			idx = append(idx, truthOffset+ai*T+j)
			arm = append(arm, a)
		}
	}
	subs, err := w.tp.SimulateSubjects(ctx, idx, arm, workers, nil)
	if err != nil {
		return nil, err
	}
	byArm := make([][][]float64, len(arms))
	var ctrlLoads []float64
	for k, s := range subs {
		a := w.abs(s)
		if a == nil {
			continue
		}
		ai := k / T
		byArm[ai] = append(byArm[ai], a)
		if ai == 0 {
			var l float64
			for _, v := range a {
				l += v
			}
			ctrlLoads = append(ctrlLoads, l)
		}
	}
	for ai := range byArm {
		if len(byArm[ai]) < 2 {
			return nil, fmt.Errorf("truth cohort: arm %s has %d usable subjects", w.armName(arms[ai]), len(byArm[ai]))
		}
	}
	sort.Float64s(ctrlLoads)
	w.loadRef = ctrlLoads[len(ctrlLoads)/2]
	if sh := w.s.Background.Share; w.s.Background.Taxa > 0 {
		w.bgTotal = w.loadRef * sh / (1 - sh)
	}
	return byArm, nil
}

// total is a subject's community total: its modelled taxa plus the
// expected background.
func (w *world) total(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s + w.bgTotal
}

// trueLFC is the true ln fold change of taxon k (each subject's abundance
// divided by scale) between arms a and c: the mean of logs when the taxon
// is present in every subject, else the log ratio of the means.
func trueLFC(a, c [][]float64, k int, scale func(v []float64) float64) float64 {
	la, ma, pa := armMeans(a, k, scale)
	lc, mc, pc := armMeans(c, k, scale)
	if pa && pc {
		return la - lc
	}
	return math.Log(ma) - math.Log(mc)
}

// armMeans returns the mean log (over positive values) and the mean of
// taxon k's scaled abundance in an arm, and whether it is positive in
// every subject.
func armMeans(arm [][]float64, k int, scale func(v []float64) float64) (meanLog, mean float64, allPositive bool) {
	allPositive = true
	for _, v := range arm {
		x := v[k] / scale(v)
		if x <= 0 {
			allPositive = false
		}
		mean += x / float64(len(arm))
		if x > 0 {
			meanLog += math.Log(x) / float64(len(arm))
		}
	}
	return meanLog, mean, allPositive
}

// replicate simulates one study and sequences it: a taxon × sample count
// matrix and the arm of each sample.
func (w *world) replicate(ctx context.Context, r, workers int) (*da.Counts, []int, error) {
	s := w.s
	n := w.tp.Trial.N
	base := repOffset + r*n
	alloc := w.tp.Allocate(base, n)
	idx := make([]int, n)
	for j := range idx {
		idx[j] = base + j
	}
	subs, err := w.tp.SimulateSubjects(ctx, idx, alloc, workers, nil)
	if err != nil {
		return nil, nil, err
	}
	nb := s.Background.Taxa
	mr := cohort.Stream(s.Seed, r, purposeMeans)
	weights := make([]float64, nb)
	var ws float64
	for j := range weights {
		weights[j] = math.Exp(s.Background.SDLog * mr.NormFloat64())
		ws += weights[j]
	}
	for j := range weights {
		weights[j] /= ws
	}
	depth, seq := w.tp.Sequencer()
	m := len(w.taxa)
	c := &da.Counts{Taxa: w.taxa}
	var cols [][]float64
	var arms []int
	comm := make([]float64, m)
	cnt := make([]int, m)
	work := make([]float64, m)
	sd := s.Background.SubjectSD
	for j, sub := range subs {
		if alloc[j] != w.ctrl && !contains(w.compare, alloc[j]) {
			continue
		}
		a := w.abs(sub)
		if a == nil {
			continue
		}
		rng := cohort.Stream(s.Seed^uint64(r+1)*0x9e3779b97f4a7c15, idx[j], purposeBackground)
		copy(comm, a)
		for k := 0; k < nb; k++ {
			comm[len(a)+k] = w.bgTotal * weights[k] * math.Exp(sd*rng.NormFloat64()-sd*sd/2)
		}
		var tot float64
		for k := range comm {
			if s.ZeroInflation > 0 && rng.Float64() < s.ZeroInflation {
				comm[k] = 0
			}
			tot += comm[k]
		}
		if !(tot > 0) {
			continue
		}
		for k := range comm {
			comm[k] /= tot
		}
		dp := depth.Draw(rng)
		seq.Sample(cnt, dp, comm, work, rng)
		col := make([]float64, m)
		var reads float64
		for k, v := range cnt {
			col[k] = float64(v)
			reads += col[k]
		}
		if reads == 0 {
			continue
		}
		cols = append(cols, col)
		arms = append(arms, alloc[j])
		c.Samples = append(c.Samples, fmt.Sprintf("R%02dS%04d", r+1, j+1))
	}
	c.X = make([]float64, m*len(cols))
	for jj, col := range cols {
		for k, v := range col {
			c.X[k*len(cols)+jj] = v
		}
	}
	return c, arms, nil
}

func contains(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// subset keeps the samples of arms ctrl and a.
func subset(c *da.Counts, arms []int, ctrl, a int, name func(int) string) (*da.Counts, []string) {
	var keep []int
	var labels []string
	for j, x := range arms {
		if x == ctrl || x == a {
			keep = append(keep, j)
			labels = append(labels, name(x))
		}
	}
	n := c.N()
	out := &da.Counts{Taxa: c.Taxa}
	for _, j := range keep {
		out.Samples = append(out.Samples, c.Samples[j])
	}
	out.X = make([]float64, c.M()*len(keep))
	for i := 0; i < c.M(); i++ {
		for jj, j := range keep {
			out.X[i*len(keep)+jj] = c.X[i*n+j]
		}
	}
	return out, labels
}
