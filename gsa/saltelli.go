package gsa

import (
	"fmt"
	"math/bits"
)

// SaltelliRuns returns the number of model runs of a Saltelli design with
// n base samples and d parameters: n(d+2), or n(2d+2) with second-order
// indices.
func SaltelliRuns(n, d int, secondOrder bool) int {
	if secondOrder {
		return n * (2*d + 2)
	}
	return n * (d + 2)
}

// Saltelli writes the Saltelli (2002) design for d parameters and n base
// samples into dst (SaltelliRuns(n, d, secondOrder) rows of d unit-cube
// coordinates, row-major), in SALib's order: for each base sample j, the
// rows A_j, AB_j^(1..d), then BA_j^(1..d) with second-order indices, then
// B_j. A_j and B_j are the first and last d coordinates of point j of seq,
// a sequence of dimension 2d; AB^(i) is A with column i taken from B, and
// BA^(i) is B with column i taken from A.
//
// Sobol' points are balanced in blocks of powers of two; Saltelli refuses an
// n that is not a power of two.
func Saltelli(dst []float64, n, d int, secondOrder bool, seq *Sobol) error {
	if n < 1 || bits.OnesCount(uint(n)) != 1 {
		return fmt.Errorf("gsa: base samples n = %d is not a power of two (Sobol' points are balanced only in blocks of 2^k; use %d)", n, nextPow2(n))
	}
	if d < 1 {
		return fmt.Errorf("gsa: no parameters")
	}
	if seq.Dim() != 2*d {
		return fmt.Errorf("gsa: Saltelli design for %d parameters needs a %d-dimensional sequence, got %d", d, 2*d, seq.Dim())
	}
	runs := SaltelliRuns(n, d, secondOrder)
	if len(dst) < runs*d {
		return fmt.Errorf("gsa: dst holds %d values, want %d", len(dst), runs*d)
	}
	step := runs / n
	pt := make([]float64, 2*d)
	for j := 0; j < n; j++ {
		seq.Next(pt)
		a, b := pt[:d], pt[d:]
		base := dst[j*step*d:]
		copy(base[:d], a)
		for i := 0; i < d; i++ {
			row := base[(1+i)*d : (2+i)*d]
			copy(row, a)
			row[i] = b[i]
		}
		if secondOrder {
			for i := 0; i < d; i++ {
				row := base[(1+d+i)*d : (2+d+i)*d]
				copy(row, b)
				row[i] = a[i]
			}
		}
		copy(base[(step-1)*d:step*d], b)
	}
	return nil
}

func nextPow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}
