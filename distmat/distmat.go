package distmat

import (
	"fmt"
	"sort"
)

// Matrix is a symmetric distance (dissimilarity) matrix with a zero
// diagonal, labelled by ids. Data is row-major n×n.
type Matrix struct {
	IDs  []string
	Data []float64
}

// New returns a zero n×n matrix with the given ids.
func New(ids []string) *Matrix {
	return &Matrix{IDs: ids, Data: make([]float64, len(ids)*len(ids))}
}

// N returns the number of objects.
func (m *Matrix) N() int { return len(m.IDs) }

// Reorder returns m with its rows and columns in the order of ids, which
// must be the same set as m's ids (else a *MismatchError).
func Reorder(m *Matrix, ids []string) (*Matrix, error) {
	idx := make(map[string]int, m.N())
	for i, id := range m.IDs {
		idx[id] = i
	}
	var e MismatchError
	in := make(map[string]bool, len(ids))
	for _, id := range ids {
		in[id] = true
		if _, ok := idx[id]; !ok {
			e.OnlyWanted = append(e.OnlyWanted, id)
		}
	}
	for _, id := range m.IDs {
		if !in[id] {
			e.OnlyHave = append(e.OnlyHave, id)
		}
	}
	if len(e.OnlyWanted)+len(e.OnlyHave) > 0 || len(ids) != m.N() {
		sort.Strings(e.OnlyWanted)
		sort.Strings(e.OnlyHave)
		return nil, &e
	}
	n := len(ids)
	out := New(ids)
	for i, a := range ids {
		for j, b := range ids {
			out.Data[i*n+j] = m.At(idx[a], idx[b])
		}
	}
	return out, nil
}

// MismatchError reports ids asked of Reorder that the matrix lacks
// (OnlyWanted) and ids of the matrix not asked for (OnlyHave), sorted.
type MismatchError struct {
	OnlyWanted, OnlyHave []string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("distmat: different ids (%d only asked for, %d only in the matrix)", len(e.OnlyWanted), len(e.OnlyHave))
}

// At returns the distance between objects i and j.
func (m *Matrix) At(i, j int) float64 { return m.Data[i*len(m.IDs)+j] }

// Set sets the distance between i and j (and j and i).
func (m *Matrix) Set(i, j int, v float64) {
	n := len(m.IDs)
	m.Data[i*n+j] = v
	m.Data[j*n+i] = v
}

// Gower returns Gower's centred matrix G = J(−D²/2)J of m (J = I − 11ᵀ/n),
// row-major n×n and exactly symmetric: the inner-product matrix behind
// principal coordinates (PCoA), PERMANOVA's sums of squares and PERMDISP.
// It is computed as a_ij − mean_i − mean_j + mean of a = −d_ij²/2.
func Gower(m *Matrix) []float64 {
	n := m.N()
	f := make([]float64, n*n)
	rowMean := make([]float64, n)
	var grand float64
	for i := 0; i < n; i++ {
		var s float64
		for j := 0; j < n; j++ {
			d := m.Data[i*n+j]
			e := d * d / -2
			f[i*n+j] = e
			s += e
		}
		rowMean[i] = s / float64(n)
		grand += s
	}
	grand /= float64(n * n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			f[i*n+j] = f[i*n+j] - rowMean[i] - rowMean[j] + grand
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := (f[i*n+j] + f[j*n+i]) / 2
			f[i*n+j], f[j*n+i] = v, v
		}
	}
	return f
}
