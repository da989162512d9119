package diversity

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/holobiont/holobiont/table"
)

// Alpha metric names accepted by Alpha.
const (
	MetricObserved   = "observed"
	MetricShannon    = "shannon"
	MetricSimpson    = "simpson"
	MetricInvSimpson = "invsimpson"
	MetricPielou     = "pielou"
	MetricChao1      = "chao1"
	MetricACE        = "ace"
	MetricFaithPD    = "faith-pd"
)

// AlphaMetrics lists the metric names Alpha accepts, in a stable order.
func AlphaMetrics() []string {
	return []string{MetricObserved, MetricShannon, MetricSimpson, MetricInvSimpson,
		MetricPielou, MetricChao1, MetricACE, MetricFaithPD}
}

// AlphaOptions configures Alpha.
type AlphaOptions struct {
	// Base is the logarithm base of Shannon; 0 means e.
	Base float64
	// Chao1Classic selects S + F1²/(2F2) instead of the bias-corrected
	// Chao1.
	Chao1Classic bool
	// RareThreshold is the ACE rare-feature threshold; 0 means 10.
	RareThreshold int
	// Tree is needed for faith-pd.
	Tree *Phylo
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
}

// Alpha computes the named metrics for every sample of t, streaming over its
// sparse rows: dst (len = samples × metrics, row-major; allocated when nil
// or too short) receives metric k of sample i at [i*len(metrics)+k]. Chao1
// and ACE need integer counts.
func Alpha(ctx context.Context, t *table.Table, metrics []string, opt AlphaOptions, dst []float64) ([]float64, error) {
	cfg, err := newAlphaConfig(t, metrics, opt)
	if err != nil {
		return nil, err
	}
	n, k := t.NumSamples(), len(metrics)
	if len(dst) < n*k {
		dst = make([]float64, n*k)
	}
	dst = dst[:n*k]
	workers := defaultWorkers(opt.Workers)
	const chunk = 256
	var next atomic.Int64
	var wg sync.WaitGroup
	var cancelled atomic.Bool
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w *walker
			if opt.Tree != nil {
				w = newWalker(opt.Tree)
			}
			for {
				lo := int(next.Add(chunk) - chunk)
				if lo >= n {
					return
				}
				if ctx.Err() != nil {
					cancelled.Store(true)
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					idx, vals := t.Sample(i)
					cfg.sample(dst[i*k:(i+1)*k], idx, vals, w)
				}
			}
		}()
	}
	wg.Wait()
	if cancelled.Load() {
		return nil, ctx.Err()
	}
	return dst, nil
}

// alphaConfig is Alpha's checked settings.
type alphaConfig struct {
	metrics []string
	base    float64 // of Shannon
	rare    int     // ACE threshold
	classic bool    // classic Chao1
}

// newAlphaConfig checks the metrics, options and counts of t (integers for
// Chao1 and ACE; a tree of t's features for Faith's PD).
func newAlphaConfig(t *table.Table, metrics []string, opt AlphaOptions) (*alphaConfig, error) {
	if len(metrics) == 0 {
		return nil, fmt.Errorf("alpha: no metric given (choose from %s)", strings.Join(AlphaMetrics(), ", "))
	}
	c := &alphaConfig{metrics: metrics, base: opt.Base, rare: opt.RareThreshold, classic: opt.Chao1Classic}
	if c.base == 0 {
		c.base = math.E
	}
	if !(c.base > 0) || c.base == 1 || math.IsInf(c.base, 0) {
		return nil, fmt.Errorf("alpha: Shannon base %v must be positive and not 1", c.base)
	}
	if c.rare == 0 {
		c.rare = 10
	}
	if c.rare < 1 {
		return nil, fmt.Errorf("alpha: ACE rare threshold %d must be at least 1", c.rare)
	}
	needInt := false
	for _, m := range metrics {
		switch m {
		case MetricObserved, MetricShannon, MetricSimpson, MetricInvSimpson, MetricPielou:
		case MetricChao1, MetricACE:
			needInt = true
		case MetricFaithPD:
			if opt.Tree == nil {
				return nil, fmt.Errorf("alpha: metric %q needs a tree", m)
			}
			if opt.Tree.nfeat != t.NumFeatures() {
				return nil, fmt.Errorf("alpha: tree was prepared for %d features, table has %d", opt.Tree.nfeat, t.NumFeatures())
			}
		default:
			return nil, fmt.Errorf("alpha: unknown metric %q (choose from %s)", m, strings.Join(AlphaMetrics(), ", "))
		}
	}
	if err := checkCounts(t); err != nil {
		return nil, err
	}
	if needInt {
		if err := checkIntegerCounts(t); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkIntegerCounts refuses a table with a non-integer count.
func checkIntegerCounts(t *table.Table) error {
	for i := 0; i < t.NumSamples(); i++ {
		idx, vals := t.Sample(i)
		for k, v := range vals {
			if v != math.Trunc(v) {
				return fmt.Errorf("alpha: chao1 and ace need integer counts; sample %q, feature %q has %v",
					t.SampleIDs[i], t.FeatureIDs[idx[k]], v)
			}
		}
	}
	return nil
}

// sample writes the metrics of one sample (its nonzero features idx and
// counts vals) into out; w walks the tree for Faith's PD.
func (c *alphaConfig) sample(out []float64, idx []int32, vals []float64, w *walker) {
	for q, m := range c.metrics {
		var v float64
		switch m {
		case MetricObserved:
			v = Observed(vals)
		case MetricShannon:
			v = Shannon(vals, c.base)
		case MetricSimpson:
			v = Simpson(vals)
		case MetricInvSimpson:
			v = InvSimpson(vals)
		case MetricPielou:
			v = Pielou(vals)
		case MetricChao1:
			v = Chao1(vals, !c.classic)
		case MetricACE:
			v = ACE(vals, c.rare)
		case MetricFaithPD:
			v = w.faithPD(idx, vals)
		}
		out[q] = v
	}
}
