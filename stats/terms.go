package stats

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/holobiont/holobiont/distmat"
)

// Term is one term of a PERMANOVA model: one or more design columns (each
// of length n). Use FactorTerm and NumericTerm to build terms.
type Term struct {
	Name    string
	Columns [][]float64
}

// FactorTerm codes a categorical variable with treatment contrasts (levels
// sorted; the first level is the baseline), as R's model.matrix does.
func FactorTerm(name string, values []string) Term {
	set := map[string]bool{}
	for _, v := range values {
		set[v] = true
	}
	levels := make([]string, 0, len(set))
	for v := range set {
		levels = append(levels, v)
	}
	sort.Strings(levels)
	t := Term{Name: name}
	for _, l := range levels[min(1, len(levels)):] {
		col := make([]float64, len(values))
		for i, v := range values {
			if v == l {
				col[i] = 1
			}
		}
		t.Columns = append(t.Columns, col)
	}
	return t
}

// NumericTerm is a numeric covariate.
func NumericTerm(name string, x []float64) Term {
	return Term{Name: name, Columns: [][]float64{append([]float64(nil), x...)}}
}

// TermResult is one row of a sequential PERMANOVA table.
type TermResult struct {
	Name   string
	Df     int
	SS     float64 // sum of squares
	R2     float64
	F      float64
	PValue float64
}

// TermsResult is a sequential PERMANOVA table (vegan's adonis2(by = "terms")).
type TermsResult struct {
	Terms        []TermResult
	ResidualDf   int
	ResidualSS   float64
	TotalSS      float64
	N            int
	Permutations int
}

// PermanovaTerms fits the terms sequentially (first to last) to the Gower
// centred matrix G = −½(I − 11ᵀ/n) D²(I − 11ᵀ/n), as vegan's adonis2 with
// by = "terms": term k's sum of squares is the increase of tr(HGH) when its
// (centred) columns join the model; F_k = (SS_k/df_k)/(SS_res/df_res) with
// the full model's residual. Columns that are linearly dependent on earlier
// ones (relative residual norm below 1e-7, R's qr tolerance) are dropped.
// Permutations permute the objects (rows and columns of G together, within
// opt.Strata), and every term is tested against the same permutations,
// exactly as vegan's permutest.cca does for this model.
func PermanovaTerms(ctx context.Context, d *distmat.Matrix, terms []Term, opt PermOptions) (*TermsResult, error) {
	n := d.N()
	d, err := checkMatrix(d)
	if err != nil {
		return nil, err
	}
	if err := opt.validate(n); err != nil {
		return nil, err
	}
	if len(terms) == 0 {
		return nil, fmt.Errorf("stats: permanova: no terms")
	}
	g := distmat.Gower(d)
	var tot float64
	for i := 0; i < n; i++ {
		tot += g[i*n+i]
	}
	q, colTerm, df, err := termBasis(terms, n)
	if err != nil {
		return nil, err
	}
	rank := len(q)
	rdf := n - rank - 1
	if rdf <= 0 {
		return nil, fmt.Errorf("stats: permanova: %d objects and %d model columns leave no residual degrees of freedom", n, rank)
	}
	m := newTermsModel(g, q, n, colTerm, df, tot, rdf)
	ssCol := make([]float64, rank)
	acc := make([]float64, rank)
	ident := make([]int, n)
	for i := range ident {
		ident[i] = i
	}
	m.columnSS(ssCol, acc, ident)
	ss := make([]float64, len(terms))
	f0 := make([]float64, len(terms))
	m.fstat(ssCol, ss, f0)
	var model float64
	for _, v := range ss {
		model += v
	}
	out := &TermsResult{ResidualDf: rdf, ResidualSS: tot - model, TotalSS: tot, N: n, Permutations: opt.Permutations}
	for k, t := range terms {
		out.Terms = append(out.Terms, TermResult{Name: t.Name, Df: df[k], SS: ss[k], R2: ss[k] / tot, F: f0[k], PValue: math.NaN()})
	}
	if opt.Permutations == 0 {
		return out, nil
	}
	if err := m.pValues(ctx, out.Terms, f0, &opt); err != nil {
		return nil, err
	}
	return out, nil
}

// termsModel is the sequential model's basis and degrees of freedom: what
// the observed and every permuted F statistic share.
type termsModel struct {
	g, qm      []float64 // Gower matrix; row-major n×rank basis
	n, rank    int
	colTerm    []int // term of each basis column
	df         []int // columns per term
	tot        float64
	residualDf int
}

func newTermsModel(g []float64, q [][]float64, n int, colTerm, df []int, tot float64, rdf int) *termsModel {
	rank := len(q)
	qm := make([]float64, n*rank)
	for c, v := range q {
		for i, x := range v {
			qm[i*rank+c] = x
		}
	}
	return &termsModel{g: g, qm: qm, n: n, rank: rank, colTerm: colTerm, df: df, tot: tot, residualDf: rdf}
}

// columnSS writes each basis column's sum of squares under permutation perm.
func (m *termsModel) columnSS(ssCol, acc []float64, perm []int) {
	termSS(ssCol, acc, m.g, m.qm, m.n, m.rank, perm)
}

// fstat sums the columns' sums of squares into the terms' ss and writes
// each term's pseudo-F into f.
func (m *termsModel) fstat(ssCol, ss, f []float64) {
	for k := range ss {
		ss[k] = 0
	}
	var model float64
	for c, v := range ssCol {
		ss[m.colTerm[c]] += v
		model += v
	}
	res := m.tot - model
	for k := range ss {
		f[k] = (ss[k] / float64(m.df[k])) / (res / float64(m.residualDf))
	}
}

// pValues tests every term against the same opt.Permutations permutations
// and sets each result's PValue.
func (m *termsModel) pValues(ctx context.Context, res []TermResult, f0 []float64, opt *PermOptions) error {
	nt := len(res)
	fperm, err := runPerms(ctx, permJob{n: m.n, width: nt, opt: opt, newWork: func() blockWorker {
		sc := make([]float64, m.rank)
		ac := make([]float64, m.rank)
		s := make([]float64, nt)
		return func(perms [][]int, dst []float64) {
			for p, perm := range perms {
				m.columnSS(sc, ac, perm)
				m.fstat(sc, s, dst[p*nt:(p+1)*nt])
			}
		}
	}})
	if err != nil {
		return err
	}
	col := make([]float64, opt.Permutations)
	for k := range res {
		for p := range col {
			col[p] = fperm[p*nt+k]
		}
		res[k].PValue = pGreater(f0[k], col)
	}
	return nil
}

// termBasis centres the terms' columns and orthonormalises them in order
// (modified Gram–Schmidt, two passes), dropping columns whose residual norm
// falls below 1e-7 of their centred norm. It returns the basis, each basis
// column's term and each term's degrees of freedom.
func termBasis(terms []Term, n int) (q [][]float64, colTerm, df []int, err error) {
	df = make([]int, len(terms))
	for k, t := range terms {
		for ci, c := range t.Columns {
			if len(c) != n {
				return nil, nil, nil, fmt.Errorf("stats: permanova: term %q column %d has %d values for %d objects", t.Name, ci, len(c), n)
			}
			v, err := centred(c)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("stats: permanova: term %q %w", t.Name, err)
			}
			if !orthonormalise(v, q) {
				continue
			}
			q = append(q, v)
			colTerm = append(colTerm, k)
			df[k]++
		}
		if df[k] == 0 {
			return nil, nil, nil, fmt.Errorf("stats: permanova: term %q adds nothing to the earlier terms (constant or aliased)", t.Name)
		}
	}
	return q, colTerm, df, nil
}

// centred returns a copy of c minus its mean.
func centred(c []float64) ([]float64, error) {
	v := append([]float64(nil), c...)
	var mean float64
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, errors.New("has a missing or non-finite value")
		}
		mean += x
	}
	mean /= float64(len(v))
	for i := range v {
		v[i] -= mean
	}
	return v, nil
}

// orthonormalise removes from v its projections on the orthonormal columns
// q (two passes) and scales it to unit norm. It reports false, leaving v
// unusable, when v is zero or its residual norm is below 1e-7 of its norm
// (R's qr tolerance: v depends linearly on q).
func orthonormalise(v []float64, q [][]float64) bool {
	var norm0 float64
	for _, x := range v {
		norm0 += x * x
	}
	norm0 = math.Sqrt(norm0)
	if norm0 == 0 {
		return false
	}
	for range 2 {
		for _, b := range q {
			var dot float64
			for i := range v {
				dot += v[i] * b[i]
			}
			for i := range v {
				v[i] -= dot * b[i]
			}
		}
	}
	var nv float64
	for _, x := range v {
		nv += x * x
	}
	nv = math.Sqrt(nv)
	if nv < 1e-7*norm0 {
		return false
	}
	for i := range v {
		v[i] /= nv
	}
	return true
}

// termSS writes q_cᵀ G_π q_c for each basis column c into ss, where
// G_π[i][j] = G[π_i][π_j].
func termSS(ss, acc, g, qm []float64, n, rank int, perm []int) {
	for c := range ss {
		ss[c] = 0
	}
	for i := 0; i < n; i++ {
		row := g[perm[i]*n : perm[i]*n+n]
		for c := range acc {
			acc[c] = 0
		}
		for j := 0; j < n; j++ {
			gv := row[perm[j]]
			qj := qm[j*rank : j*rank+rank]
			for c, x := range qj {
				acc[c] += gv * x
			}
		}
		qi := qm[i*rank : i*rank+rank]
		for c, x := range qi {
			ss[c] += x * acc[c]
		}
	}
}
