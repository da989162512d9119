package table

// Table is a feature (OTU/ASV/taxon) by sample count table stored sparse,
// compressed by sample (CSR with samples as rows): the non-zero entries of
// sample i are Indices[Indptr[i]:Indptr[i+1]] (feature indices, ascending)
// with values Data[Indptr[i]:Indptr[i+1]]. Memory is proportional to the
// number of non-zeros.
type Table struct {
	SampleIDs  []string
	FeatureIDs []string
	Indptr     []int   // len(SampleIDs)+1
	Indices    []int32 // feature index of each non-zero
	Data       []float64
	// Taxonomy holds one lineage per feature (ranks in order, e.g.
	// ["k__Bacteria", "p__Firmicutes", ...]), or nil when the table has none.
	Taxonomy [][]string
	// Created is the creation date the file recorded (BIOM 1.0 "date",
	// BIOM 2.1 "creation-date"), verbatim; "" when it has none.
	Created string
}

// NumSamples returns the number of samples.
func (t *Table) NumSamples() int { return len(t.SampleIDs) }

// NumFeatures returns the number of features.
func (t *Table) NumFeatures() int { return len(t.FeatureIDs) }

// NNZ returns the number of stored non-zero entries.
func (t *Table) NNZ() int { return len(t.Data) }

// Sample returns the feature indices and values of the non-zeros of sample i.
// The slices alias the table's storage and must not be modified.
func (t *Table) Sample(i int) (idx []int32, vals []float64) {
	lo, hi := t.Indptr[i], t.Indptr[i+1]
	return t.Indices[lo:hi], t.Data[lo:hi]
}

// Metadata is a sample (or feature) metadata table in QIIME 2 style: one row
// per id, named columns, each column categorical or numeric.
type Metadata struct {
	IDs     []string
	Columns []string
	// Types holds "categorical" or "numeric" per column (from the
	// #q2:types row when present, otherwise inferred).
	Types  []string
	Values [][]string // Values[row][col]; "" for missing
}
