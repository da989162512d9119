package table

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// UnassignedPolicy says what Collapse does with features that have no name
// at the target rank.
type UnassignedPolicy int

const (
	// UnassignedByParent groups them by their assigned ancestors, as QIIME 2
	// `taxa collapse` does: "k__Bacteria;...;f__Lachnospiraceae;g__" is one
	// group, kept apart from every named genus.
	UnassignedByParent UnassignedPolicy = iota
	// UnassignedPooled puts all of them into one feature named "Unassigned".
	UnassignedPooled
	// UnassignedDropped removes them (their counts are lost).
	UnassignedDropped
)

// CollapseOptions controls Collapse.
type CollapseOptions struct {
	Unassigned UnassignedPolicy
	// Synonyms, when not nil, renames outdated genera and species before
	// grouping (see DefaultSynonyms), so Propionibacterium acnes and
	// Cutibacterium acnes land in one group.
	Synonyms *Synonyms
	// ShortIDs names collapsed features by the rank name alone ("Bacteroides")
	// when that is unique, instead of the full path
	// ("k__Bacteria;p__Bacteroidetes;...;g__Bacteroides").
	ShortIDs bool
}

// Collapse sums the counts of features that share a lineage down to rank r.
// Feature ids of the result are QIIME-style lineage paths (or short names,
// see CollapseOptions) in order of first appearance, and Taxonomy holds the
// prefixed ranks. The table must have a taxonomy.
func Collapse(t *Table, r Rank, opt CollapseOptions) (*Table, error) {
	if t.Taxonomy == nil {
		return nil, fmt.Errorf("collapse: the table has no taxonomy")
	}
	if r < Kingdom || r >= NumRanks {
		return nil, fmt.Errorf("collapse: rank %d out of range", r)
	}
	group := make([]int32, t.NumFeatures()) // -1 = dropped
	index := map[string]int32{}
	var ids []string
	var lineages []Lineage
	for j := range t.FeatureIDs {
		l := ParseLineage(t.Taxonomy[j])
		if opt.Synonyms != nil {
			l = opt.Synonyms.Apply(l)
		}
		for k := r + 1; k < NumRanks; k++ {
			l[k] = ""
		}
		key := l.Path(r)
		if l[r] == "" {
			switch opt.Unassigned {
			case UnassignedDropped:
				group[j] = -1
				continue
			case UnassignedPooled:
				key = "Unassigned"
				l = Lineage{}
			}
		}
		g, ok := index[key]
		if !ok {
			g = int32(len(ids))
			index[key] = g
			ids = append(ids, key)
			lineages = append(lineages, l)
		}
		group[j] = g
	}
	out := &Table{SampleIDs: append([]string(nil), t.SampleIDs...), FeatureIDs: ids, Indptr: make([]int, t.NumSamples()+1)}
	out.Taxonomy = make([][]string, len(ids))
	for g, l := range lineages {
		if ids[g] == "Unassigned" {
			out.Taxonomy[g] = []string{"Unassigned"}
			continue
		}
		out.Taxonomy[g] = l.Ranks(r)
	}
	if opt.ShortIDs {
		seen := map[string]int{}
		for _, l := range lineages {
			if l[r] != "" {
				seen[l[r]]++
			}
		}
		for g, l := range lineages {
			if l[r] != "" && seen[l[r]] == 1 {
				out.FeatureIDs[g] = l[r]
			}
		}
	}
	acc := make([]float64, len(ids))
	touched := make([]int32, 0, 64)
	for i := 0; i < t.NumSamples(); i++ {
		idx, val := t.Sample(i)
		touched = touched[:0]
		for k, j := range idx {
			g := group[j]
			if g < 0 {
				continue
			}
			if acc[g] == 0 {
				touched = append(touched, g)
			}
			acc[g] += val[k]
		}
		sort.Slice(touched, func(a, b int) bool { return touched[a] < touched[b] })
		for _, g := range touched {
			out.Indices = append(out.Indices, g)
			out.Data = append(out.Data, acc[g])
			acc[g] = 0
		}
		out.Indptr[i+1] = len(out.Data)
	}
	return out, nil
}

// FilterOptions selects features by prevalence and abundance.
type FilterOptions struct {
	// MinAbundance is the abundance a sample must exceed (strictly) to count
	// towards prevalence; in counts, or in relative abundance (0..1) when
	// Relative is set. 0 means "present".
	MinAbundance float64
	Relative     bool
	// MinPrevalence is the fraction of samples (0..1) in which the feature
	// must exceed MinAbundance; the comparison is strict, as MaAsLin2's
	// filter: kept when #samples(x > MinAbundance) > MinPrevalence × n.
	MinPrevalence float64
	// MinTotal drops features whose total count is below it.
	MinTotal float64
}

// FilterFeatures keeps the features that pass the prevalence and abundance
// rules (MaAsLin2's semantics; see FilterOptions) and returns the filtered
// table and the indices of the kept features in t.
func FilterFeatures(t *Table, opt FilterOptions) (*Table, []int, error) {
	if opt.MinPrevalence < 0 || opt.MinPrevalence > 1 || math.IsNaN(opt.MinPrevalence) {
		return nil, nil, fmt.Errorf("filter: prevalence %g outside [0, 1]", opt.MinPrevalence)
	}
	if opt.MinAbundance < 0 || math.IsNaN(opt.MinAbundance) || (opt.Relative && opt.MinAbundance > 1) {
		return nil, nil, fmt.Errorf("filter: abundance threshold %g invalid", opt.MinAbundance)
	}
	nf := t.NumFeatures()
	prev := make([]int, nf)
	total := make([]float64, nf)
	for i := 0; i < t.NumSamples(); i++ {
		idx, val := t.Sample(i)
		depth := 1.0
		if opt.Relative {
			depth = 0
			for _, v := range val {
				depth += v
			}
		}
		for k, j := range idx {
			total[j] += val[k]
			if val[k]/depth > opt.MinAbundance {
				prev[j]++
			}
		}
	}
	need := opt.MinPrevalence * float64(t.NumSamples())
	var keep []int
	for j := 0; j < nf; j++ {
		if float64(prev[j]) > need && total[j] >= opt.MinTotal {
			keep = append(keep, j)
		}
	}
	if opt.MinPrevalence == 0 && opt.MinAbundance == 0 && opt.MinTotal == 0 {
		// Nothing requested: an all-zero feature is kept too.
		keep = keep[:0]
		for j := 0; j < nf; j++ {
			keep = append(keep, j)
		}
	}
	return t.SelectFeatures(keep), keep, nil
}

// SelectFeatures returns a table with the features at the given indices
// (ascending) of t.
func (t *Table) SelectFeatures(keep []int) *Table {
	newIdx := make([]int32, t.NumFeatures())
	for j := range newIdx {
		newIdx[j] = -1
	}
	out := &Table{SampleIDs: append([]string(nil), t.SampleIDs...), Indptr: make([]int, t.NumSamples()+1)}
	for k, j := range keep {
		newIdx[j] = int32(k)
		out.FeatureIDs = append(out.FeatureIDs, t.FeatureIDs[j])
		if t.Taxonomy != nil {
			out.Taxonomy = append(out.Taxonomy, t.Taxonomy[j])
		}
	}
	for i := 0; i < t.NumSamples(); i++ {
		idx, val := t.Sample(i)
		for k, j := range idx {
			if n := newIdx[j]; n >= 0 {
				out.Indices = append(out.Indices, n)
				out.Data = append(out.Data, val[k])
			}
		}
		out.Indptr[i+1] = len(out.Data)
	}
	if t.Taxonomy != nil && out.Taxonomy == nil {
		out.Taxonomy = [][]string{}
	}
	return out
}

// SelectSamples returns a table with the samples at the given indices of t,
// in that order.
func (t *Table) SelectSamples(rows []int) *Table {
	out := &Table{FeatureIDs: t.FeatureIDs, Taxonomy: t.Taxonomy, Indptr: make([]int, len(rows)+1)}
	for k, i := range rows {
		idx, val := t.Sample(i)
		out.SampleIDs = append(out.SampleIDs, t.SampleIDs[i])
		out.Indices = append(out.Indices, idx...)
		out.Data = append(out.Data, val...)
		out.Indptr[k+1] = len(out.Data)
	}
	return out
}

// Rarefy subsamples every sample to depth reads without replacement, as
// scikit-bio's subsample_counts and QIIME 2's `feature-table rarefy` do.
// Samples with fewer than depth reads are dropped and their ids returned.
// Counts must be non-negative integers. All features are kept (some may
// become all-zero). Each kept sample uses rng in sample order, so a seed
// gives the same table every time.
func Rarefy(ctx context.Context, t *Table, depth int, rng *rand.Rand) (out *Table, dropped []string, err error) {
	if depth <= 0 {
		return nil, nil, fmt.Errorf("rarefy: depth %d must be positive", depth)
	}
	out = &Table{FeatureIDs: t.FeatureIDs, Taxonomy: t.Taxonomy, Indptr: []int{0}}
	for i := 0; i < t.NumSamples(); i++ {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, fmt.Errorf("rarefy: %w", err)
			}
		}
		idx, val := t.Sample(i)
		total := 0
		for k, v := range val {
			if v != math.Trunc(v) || v > 1<<52 {
				return nil, nil, fmt.Errorf("rarefy: sample %q, feature %q: count %g is not an integer", t.SampleIDs[i], t.FeatureIDs[idx[k]], v)
			}
			total += int(v)
		}
		if total < depth {
			dropped = append(dropped, t.SampleIDs[i])
			continue
		}
		out.SampleIDs = append(out.SampleIDs, t.SampleIDs[i])
		// Sequential sampling without replacement (Knuth's Algorithm S on
		// the reads grouped by feature): feature k receives a hypergeometric
		// number of the depth draws. The per-feature draw walks the reads of
		// that feature only while draws remain.
		need, left := depth, total
		for k, v := range val {
			c := int(v)
			got := 0
			for r := 0; r < c && need > 0; r++ {
				if rng.IntN(left) < need {
					got++
					need--
				}
				left--
			}
			if got > 0 {
				out.Indices = append(out.Indices, idx[k])
				out.Data = append(out.Data, float64(got))
			}
			if need == 0 {
				break
			}
		}
		out.Indptr = append(out.Indptr, len(out.Data))
	}
	return out, dropped, nil
}
