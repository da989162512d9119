package stats

import (
	"context"
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
	// Orthonormal basis, column by column (modified Gram–Schmidt, two
	// passes), term by term.
	var q [][]float64
	df := make([]int, len(terms))
	colTerm := []int{}
	for k, t := range terms {
		for ci, c := range t.Columns {
			if len(c) != n {
				return nil, fmt.Errorf("stats: permanova: term %q column %d has %d values for %d objects", t.Name, ci, len(c), n)
			}
			v := append([]float64(nil), c...)
			var mean, norm0 float64
			for _, x := range v {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return nil, fmt.Errorf("stats: permanova: term %q has a missing or non-finite value", t.Name)
				}
				mean += x
			}
			mean /= float64(n)
			for i := range v {
				v[i] -= mean
				norm0 += v[i] * v[i]
			}
			norm0 = math.Sqrt(norm0)
			if norm0 == 0 {
				continue
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
				continue
			}
			for i := range v {
				v[i] /= nv
			}
			q = append(q, v)
			colTerm = append(colTerm, k)
			df[k]++
		}
		if df[k] == 0 {
			return nil, fmt.Errorf("stats: permanova: term %q adds nothing to the earlier terms (constant or aliased)", t.Name)
		}
	}
	rank := len(q)
	rdf := n - rank - 1
	if rdf <= 0 {
		return nil, fmt.Errorf("stats: permanova: %d objects and %d model columns leave no residual degrees of freedom", n, rank)
	}
	// Row-major n×rank basis for the permutation kernel.
	qm := make([]float64, n*rank)
	for c, v := range q {
		for i, x := range v {
			qm[i*rank+c] = x
		}
	}
	ident := make([]int, n)
	for i := range ident {
		ident[i] = i
	}
	ssCol := make([]float64, rank)
	acc := make([]float64, rank)
	termSS(ssCol, acc, g, qm, n, rank, ident)
	ss := make([]float64, len(terms))
	fstat := func(ssCol, ss, f []float64) {
		for k := range ss {
			ss[k] = 0
		}
		var model float64
		for c, v := range ssCol {
			ss[colTerm[c]] += v
			model += v
		}
		res := tot - model
		for k := range ss {
			f[k] = (ss[k] / float64(df[k])) / (res / float64(rdf))
		}
	}
	f0 := make([]float64, len(terms))
	fstat(ssCol, ss, f0)
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
	nt := len(terms)
	fperm, err := runPerms(ctx, permJob{n: n, width: nt, opt: &opt, newWork: func() blockWorker {
		sc := make([]float64, rank)
		ac := make([]float64, rank)
		s := make([]float64, nt)
		return func(perms [][]int, dst []float64) {
			for p, perm := range perms {
				termSS(sc, ac, g, qm, n, rank, perm)
				fstat(sc, s, dst[p*nt:(p+1)*nt])
			}
		}
	}})
	if err != nil {
		return nil, err
	}
	col := make([]float64, opt.Permutations)
	for k := range terms {
		for p := range col {
			col[p] = fperm[p*nt+k]
		}
		out.Terms[k].PValue = pGreater(f0[k], col)
	}
	return out, nil
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
