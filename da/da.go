package da

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strings"

	"github.com/holobiont/holobiont/stats"
)

// Counts is a dense taxon × sample count (or abundance) matrix.
type Counts struct {
	Taxa    []string
	Samples []string
	X       []float64 // len(Taxa)×len(Samples), taxon-major
}

// M is the number of taxa and N the number of samples.
func (c *Counts) M() int { return len(c.Taxa) }

// N is the number of samples.
func (c *Counts) N() int { return len(c.Samples) }

// Row returns taxon i's values (aliasing X).
func (c *Counts) Row(i int) []float64 { n := c.N(); return c.X[i*n : i*n+n] }

// Method names a differential-abundance method.
type Method string

// The methods Run knows.
const (
	ANCOMBC   Method = "ancombc"
	ALDEx2    Method = "aldex2"
	LinDA     Method = "linda"
	Wilcoxon  Method = "wilcoxon"
	LM        Method = "lm"
	Logistic  Method = "logistic"
	NBWald    Method = "nbwald"
	Consensus Method = "consensus"
)

// Methods lists the methods in the order consensus runs them.
var methodOrder = []Method{ANCOMBC, ALDEx2, LinDA, Wilcoxon, LM, Logistic}

// Methods returns every method name: the consensus methods, nbwald, and
// consensus last.
func Methods() []Method { return append(append([]Method(nil), methodOrder...), NBWald, Consensus) }

// NeedsIntegers reports whether m models counts (and rejects non-integers).
func (m Method) NeedsIntegers() bool {
	return m == ANCOMBC || m == ALDEx2 || m == LinDA || m == NBWald || m == Consensus
}

// AllowsRandom reports whether m fits a random intercept.
func (m Method) AllowsRandom() bool { return m == LinDA || m == LM }

// Options tunes Run. The zero value takes each method's published
// defaults.
type Options struct {
	Alpha float64 // significance level for calls (0.05)
	// PAdjust is "holm" or "bh"; "" takes the method's default (Holm for
	// ANCOM-BC as R's ancombc, BH for the others).
	PAdjust string
	// ANCOM-BC
	StrucZero bool   // detect structural zeros of the group factor (ANCOM-II rule)
	Group     string // the structural-zero factor (R's group); "": the formula's first factor
	// Conserve adds the variance of the bias estimate to each coefficient's
	// (R's ancombc conserve = TRUE; more conservative for small samples or
	// many differentially abundant taxa).
	Conserve    bool
	NegLB       bool // use the lower confidence bound of the prevalence for structural zeros
	Sensitivity bool // pseudo-count sensitivity score (ANCOM-BC2's pseudo_sens)
	MaxIter     int  // EM iterations (100)
	Tol         float64
	// ALDEx2
	MCSamples int    // Dirichlet Monte-Carlo instances (128)
	Seed      uint64 // random seed (ALDEx2 instances and its effect-size sampling)
	// LM
	Transform string // "relative" (default), "log" or "clr"
	Norm      string // library-size normalisation for lm: "tss" (default), "tmm" or "rle"
	// Consensus
	MinMethods int // taxa called by at least this many methods (default: a majority)
	Workers    int // goroutines (0 = all cores)

	// aldexCache is the most CLR values ALDEx2 keeps in memory instead of
	// drawing them twice (0: 1<<24); tests lower it.
	aldexCache int64
}

func (o *Options) defaults() {
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	if o.MaxIter == 0 {
		o.MaxIter = 100
	}
	if o.Tol == 0 {
		o.Tol = 1e-5
	}
	if o.MCSamples == 0 {
		o.MCSamples = 128
	}
	if o.Transform == "" {
		o.Transform = "relative"
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.aldexCache == 0 {
		o.aldexCache = 1 << 24
	}
}

// Row is one taxon × term result.
type Row struct {
	Taxon, Term string
	Effect      float64 // natural-log fold change (or the method's stated unit)
	SE          float64
	Statistic   float64
	P, Q        float64
	Extra       []float64 // the method's own columns (Result.Extra names them)
}

// Result is a method's table: one row per taxon and tested term.
type Result struct {
	Method Method
	// EffectUnit says what Effect measures, for the output header.
	EffectUnit string
	Extra      []string
	Rows       []Row
	// Notes are lines for the output header (bias estimates, zero
	// handling, dropped taxa).
	Notes []string
}

// Called reports whether row r is called at level alpha (q < alpha).
func (r *Row) Called(alpha float64) bool { return r.Q < alpha }

// Run runs method m on the counts with the design.
func Run(ctx context.Context, m Method, c *Counts, d *Design, opt Options) (*Result, error) {
	opt.defaults()
	if err := check(m, c, d); err != nil {
		return nil, err
	}
	switch m {
	case ANCOMBC:
		return runANCOMBC(ctx, c, d, opt)
	case ALDEx2:
		return runALDEx2(ctx, c, d, opt)
	case LinDA:
		return runLinDA(ctx, c, d, opt)
	case Wilcoxon:
		return runWilcoxon(ctx, c, d, opt)
	case LM:
		return runLM(ctx, c, d, opt)
	case Logistic:
		return runLogistic(ctx, c, d, opt)
	case NBWald:
		return runNBWald(ctx, c, d, opt)
	case Consensus:
		return runConsensus(ctx, c, d, opt)
	}
	return nil, fmt.Errorf("da: unknown method %q (want one of %s)", m, methodList())
}

func methodList() string {
	var s []string
	for _, m := range Methods() {
		s = append(s, string(m))
	}
	return strings.Join(s, ", ")
}

// ParseMethod checks a method name.
func ParseMethod(s string) (Method, error) {
	for _, m := range Methods() {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown method %q (want one of %s)", s, methodList())
}

// CountError names the taxon and sample of a bad count.
type CountError struct {
	Taxon, Sample string
	Value         float64
	Msg           string
}

func (e *CountError) Error() string {
	if e.Taxon == "" {
		return fmt.Sprintf("sample %q: %s", e.Sample, e.Msg)
	}
	return fmt.Sprintf("taxon %q, sample %q: %s", e.Taxon, e.Sample, e.Msg)
}

func check(m Method, c *Counts, d *Design) error {
	n := c.N()
	if d.N != n {
		return fmt.Errorf("da: design has %d samples, table %d", d.N, n)
	}
	if c.M() == 0 {
		return fmt.Errorf("da: no taxa left to test (all taxa are zero or below the prevalence filter)")
	}
	if len(c.X) != c.M()*n {
		return fmt.Errorf("da: %d values for %d taxa × %d samples", len(c.X), c.M(), n)
	}
	if d.Random != nil && !m.AllowsRandom() {
		return fmt.Errorf("da: method %s does not fit a random intercept; use linda or lm with --random", m)
	}
	tot := make([]float64, n)
	for i := 0; i < c.M(); i++ {
		row := c.Row(i)
		for j, v := range row {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return &CountError{c.Taxa[i], c.Samples[j], v, fmt.Sprintf("value %g is not a non-negative number", v)}
			}
			if m.NeedsIntegers() && v != math.Floor(v) {
				return &CountError{c.Taxa[i], c.Samples[j], v, fmt.Sprintf("count %g is not an integer; method %s models counts (use lm, wilcoxon or logistic for relative abundances)", v, m)}
			}
			tot[j] += v
		}
	}
	for j, t := range tot {
		if t == 0 {
			return &CountError{Sample: c.Samples[j], Msg: "every taxon is zero in this sample; drop it first"}
		}
	}
	return nil
}

// Filter drops taxa present (non-zero) in fewer than minPrevalence of the
// samples and returns the kept taxa's indices. All-zero taxa always go.
func Filter(c *Counts, minPrevalence float64) (*Counts, []int) {
	n := c.N()
	out := &Counts{Samples: c.Samples}
	var keep []int
	for i := 0; i < c.M(); i++ {
		nz := 0
		for _, v := range c.Row(i) {
			if v > 0 {
				nz++
			}
		}
		if nz == 0 || float64(nz) < minPrevalence*float64(n) {
			continue
		}
		keep = append(keep, i)
		out.Taxa = append(out.Taxa, c.Taxa[i])
		out.X = append(out.X, c.Row(i)...)
	}
	return out, keep
}

// adjust applies the chosen correction to p (NaNs ignored).
func adjust(p []float64, method string) []float64 {
	if method == "holm" {
		return stats.AdjustHolm(nil, p)
	}
	return stats.AdjustBH(nil, p)
}

// withQ sets each row's Q from the rows' p-values (one family).
func withQ(rows []Row, method string) []Row {
	p := make([]float64, len(rows))
	for i, r := range rows {
		p[i] = r.P
	}
	for i, q := range adjust(p, method) {
		rows[i].Q = q
	}
	return rows
}

// testedCoefs returns the non-intercept coefficient indices.
func testedCoefs(d *Design) []int {
	var out []int
	for j, nm := range d.Names {
		if nm != "(Intercept)" {
			out = append(out, j)
		}
	}
	return out
}

// relAbundance returns the taxon-major relative abundances (each sample
// sums to 1).
func relAbundance(c *Counts) []float64 {
	n := c.N()
	tot := make([]float64, n)
	for i := 0; i < c.M(); i++ {
		for j, v := range c.Row(i) {
			tot[j] += v
		}
	}
	ra := make([]float64, len(c.X))
	for i := 0; i < c.M(); i++ {
		for j, v := range c.Row(i) {
			ra[i*n+j] = v / tot[j]
		}
	}
	return ra
}

func checkCtx(ctx context.Context, i int) error {
	if i&255 == 0 {
		return ctx.Err()
	}
	return nil
}

func normTwoSided(z float64) float64 { return math.Erfc(math.Abs(z) / math.Sqrt2) }
