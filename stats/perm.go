package stats

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
)

// PermBlock is the number of permutations generated from one seeded stream.
// Blocks, not workers, own the random streams, so results do not depend on
// the number of workers.
const PermBlock = 64

// permEps is the relative tolerance with which a permuted statistic counts as
// at least as extreme as the observed one (vegan uses sqrt(.Machine$double.eps)).
var permEps = math.Sqrt(0x1p-52)

// PermOptions configures a permutation test.
type PermOptions struct {
	// Permutations is the number of random permutations; 0 computes the
	// statistic only (PValue is NaN).
	Permutations int
	// Src supplies the randomness; required when Permutations > 0. A test
	// draws two uint64 values from it.
	Src rand.Source
	// Strata, when non-nil, holds a block label per object: objects are
	// permuted only within their block (vegan's strata / permute's blocks).
	Strata []int
	// Workers is the number of goroutines (0 = GOMAXPROCS).
	Workers int
}

// Result is the outcome of a permutation test.
type Result struct {
	Method       string  // "PERMANOVA", "PERMDISP", "ANOSIM", "Mantel"
	StatName     string  // "pseudo-F", "F-value", "R", "r"
	Statistic    float64 // the observed test statistic
	PValue       float64 // NaN when Permutations == 0
	Permutations int
	N            int // number of objects
	Groups       int // number of groups (0 for Mantel)
	R2           float64
	// PermStats holds the permuted statistics when the test was asked to
	// keep them (nil otherwise).
	PermStats []float64
}

// ErrNoSource is returned when permutations are requested without a source.
var ErrNoSource = errors.New("stats: permutations requested but PermOptions.Src is nil")

func (o *PermOptions) validate(n int) error {
	if o.Permutations < 0 {
		return fmt.Errorf("stats: negative number of permutations %d", o.Permutations)
	}
	if o.Permutations > 0 && o.Src == nil {
		return ErrNoSource
	}
	if o.Strata != nil && len(o.Strata) != n {
		return fmt.Errorf("stats: %d strata labels for %d objects", len(o.Strata), n)
	}
	return nil
}

func (o *PermOptions) workers() int {
	w := o.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	nb := (o.Permutations + PermBlock - 1) / PermBlock
	if w > nb {
		w = nb
	}
	if w < 1 {
		w = 1
	}
	return w
}

// shuffler draws permutations of 0..n-1, within strata when given.
type shuffler struct {
	strata [][]int // indices of each stratum (nil: one stratum)
	tmp    []int
}

func newShuffler(n int, strata []int) *shuffler {
	s := &shuffler{}
	if strata != nil {
		idx := map[int]int{}
		for i, b := range strata {
			k, ok := idx[b]
			if !ok {
				k = len(s.strata)
				idx[b] = k
				s.strata = append(s.strata, nil)
			}
			s.strata[k] = append(s.strata[k], i)
		}
		s.tmp = make([]int, n)
	}
	return s
}

// shuffle permutes perm (a permutation of 0..n-1) in place.
func (s *shuffler) shuffle(r *rand.Rand, perm []int) {
	if s.strata == nil {
		r.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		return
	}
	// Permute the values held at the positions of each stratum among those
	// positions. Starting from the identity this keeps every object in its
	// block.
	for _, st := range s.strata {
		for a := len(st) - 1; a > 0; a-- {
			b := int(r.IntN(a + 1))
			perm[st[a]], perm[st[b]] = perm[st[b]], perm[st[a]]
		}
	}
}

// permJob describes the work of one test for runPerms.
type permJob struct {
	n       int
	width   int // statistics per permutation (0 means 1)
	opt     *PermOptions
	newWork func() blockWorker
}

// blockWorker evaluates the statistic for a block of permutations.
// perms[k] is a permutation of 0..n-1; results go to dst[k] (or to
// dst[k*width : (k+1)*width] when the job has several statistics).
type blockWorker func(perms [][]int, dst []float64)

// runPerms evaluates opt.Permutations permuted statistics (width per
// permutation) and returns them in permutation order. Deterministic for a
// given source.
func runPerms(ctx context.Context, job permJob) ([]float64, error) {
	opt := job.opt
	np := opt.Permutations
	wd := max(job.width, 1)
	out := make([]float64, np*wd)
	if np == 0 {
		return out, nil
	}
	k1, k2 := opt.Src.Uint64(), opt.Src.Uint64()
	nb := (np + PermBlock - 1) / PermBlock
	w := opt.workers()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
		err  error
	)
	take := func() int {
		mu.Lock()
		defer mu.Unlock()
		if err != nil || next >= nb {
			return -1
		}
		if e := ctx.Err(); e != nil {
			err = fmt.Errorf("stats: permutations cancelled: %w", e)
			return -1
		}
		b := next
		next++
		return b
	}
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work := job.newWork()
			sh := newShuffler(job.n, opt.Strata)
			perms := make([][]int, PermBlock)
			for k := range perms {
				perms[k] = make([]int, job.n)
			}
			for {
				b := take()
				if b < 0 {
					return
				}
				r := rand.New(rand.NewPCG(k1, k2^uint64(b)*0x9e3779b97f4a7c15))
				lo := b * PermBlock
				hi := min(lo+PermBlock, np)
				cur := perms[:hi-lo]
				for k := range cur {
					for i := range cur[k] {
						cur[k][i] = i
					}
					sh.shuffle(r, cur[k])
				}
				work(cur, out[lo*wd:hi*wd])
			}
		}()
	}
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return out, nil
}

// pGreater returns (#{perm >= obs} + 1)/(len(perm) + 1) with vegan's
// tolerance.
func pGreater(obs float64, perm []float64) float64 {
	if len(perm) == 0 {
		return math.NaN()
	}
	tol := permEps * math.Max(1, math.Abs(obs))
	c := 0
	for _, s := range perm {
		if s >= obs-tol {
			c++
		}
	}
	return float64(c+1) / float64(len(perm)+1)
}

// pLess returns (#{perm <= obs} + 1)/(len(perm) + 1).
func pLess(obs float64, perm []float64) float64 {
	if len(perm) == 0 {
		return math.NaN()
	}
	tol := permEps * math.Max(1, math.Abs(obs))
	c := 0
	for _, s := range perm {
		if s <= obs+tol {
			c++
		}
	}
	return float64(c+1) / float64(len(perm)+1)
}

// pTwoSided returns (#{|perm| >= |obs|} + 1)/(len(perm) + 1).
func pTwoSided(obs float64, perm []float64) float64 {
	if len(perm) == 0 {
		return math.NaN()
	}
	a := math.Abs(obs)
	tol := permEps * math.Max(1, a)
	c := 0
	for _, s := range perm {
		if math.Abs(s) >= a-tol {
			c++
		}
	}
	return float64(c+1) / float64(len(perm)+1)
}

// Grouping is a categorical factor over n objects.
type Grouping struct {
	Labels []int    // group index of each object, in 0..len(Names)-1
	Names  []string // group names, sorted
	Sizes  []int    // objects per group
}

// NewGrouping builds a grouping from one label per object. Groups are
// numbered in sorted order of their names. It fails when there are fewer
// than two groups or when every group holds a single object (scikit-bio's
// conditions).
func NewGrouping(values []string) (*Grouping, error) {
	set := map[string]int{}
	for _, v := range values {
		set[v] = 0
	}
	names := make([]string, 0, len(set))
	for v := range set {
		names = append(names, v)
	}
	sort.Strings(names)
	for i, v := range names {
		set[v] = i
	}
	g := &Grouping{Labels: make([]int, len(values)), Names: names, Sizes: make([]int, len(names))}
	for i, v := range values {
		g.Labels[i] = set[v]
		g.Sizes[set[v]]++
	}
	if len(names) < 2 {
		if len(names) == 1 {
			return nil, fmt.Errorf("stats: grouping has a single group %q: need at least two", names[0])
		}
		return nil, errors.New("stats: empty grouping")
	}
	if len(names) == len(values) {
		return nil, errors.New("stats: every group holds a single object: need replicates in at least one group")
	}
	return g, nil
}
