package table

import (
	"fmt"
	"math"
)

// Validate checks that t is well formed: CSR arrays of consistent length,
// ascending in-range feature indices within each sample, finite
// non-negative values, unique non-empty ids and a taxonomy (if any) with one
// lineage per feature. Readers always return valid tables; Validate is for
// tables built in code (simulated counts, transformations) before they are
// written. Writers call it.
func (t *Table) Validate() error {
	ns, nf := t.NumSamples(), t.NumFeatures()
	if len(t.Indptr) != ns+1 {
		return fmt.Errorf("table: Indptr has %d entries for %d samples", len(t.Indptr), ns)
	}
	if t.Indptr[0] != 0 || t.Indptr[ns] != len(t.Data) || len(t.Indices) != len(t.Data) {
		return fmt.Errorf("table: Indptr/Indices/Data lengths disagree (%d non-zeros, %d indices, Indptr ends at %d)", len(t.Data), len(t.Indices), t.Indptr[ns])
	}
	for i := 0; i < ns; i++ {
		lo, hi := t.Indptr[i], t.Indptr[i+1]
		if hi < lo {
			return fmt.Errorf("table: sample %q: Indptr decreases", t.SampleIDs[i])
		}
		for p := lo; p < hi; p++ {
			j := t.Indices[p]
			if j < 0 || int(j) >= nf {
				return fmt.Errorf("table: sample %q: feature index %d out of range", t.SampleIDs[i], j)
			}
			if p > lo && j <= t.Indices[p-1] {
				return fmt.Errorf("table: sample %q: feature indices not strictly ascending at feature %q", t.SampleIDs[i], t.FeatureIDs[j])
			}
			if v := t.Data[p]; v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("table: sample %q, feature %q: invalid count %g", t.SampleIDs[i], t.FeatureIDs[j], v)
			}
		}
	}
	for _, ids := range []struct {
		what string
		ids  []string
	}{{"sample", t.SampleIDs}, {"feature", t.FeatureIDs}} {
		seen := make(map[string]bool, len(ids.ids))
		for k, id := range ids.ids {
			if id == "" {
				return fmt.Errorf("table: %s %d has an empty id", ids.what, k+1)
			}
			if seen[id] {
				return fmt.Errorf("table: duplicate %s id %q", ids.what, id)
			}
			seen[id] = true
		}
	}
	if t.Taxonomy != nil && len(t.Taxonomy) != nf {
		return fmt.Errorf("table: %d lineages for %d features", len(t.Taxonomy), nf)
	}
	return nil
}
