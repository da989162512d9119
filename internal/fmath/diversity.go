package fmath

// Entropy is holobiont's one implementation of the Shannon index: it
// returns H = −Σ pᵢ ln pᵢ (nats, ln by Log) of the relative abundances pᵢ = xᵢ / Σx
// (zero values contribute nothing), and ok = false for an empty sample
// (Σx = 0), whose index is undefined. Callers state what an empty sample
// means to them: a table's sample (package diversity, a trial's sequenced
// counts) has NaN, as scikit-bio gives; a simulated community that is
// extinct has 0 (Shannon, the model function shannon()).
func Entropy[T float64 | int32](x []T) (h float64, ok bool) {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	if s == 0 {
		return 0, false
	}
	for _, v := range x {
		if v != 0 {
			p := float64(v) / s
			h -= p * Log(p)
		}
	}
	return h, true
}

// Shannon is the model function shannon(x1, ..., xn): Entropy of x, and 0
// for an extinct (all-zero) community.
//
// Shannon is kept out of line on purpose: inlined into another package, its
// call to the generic Entropy carries no escape information, so a slice
// literal argument (the generated kernels' shannon(a, b, ...)) was allocated
// on the heap at every call; compiled here, x is known not to escape.
//
//go:noinline
func Shannon(x []float64) float64 {
	h, _ := Entropy(x)
	return h
}

// ShannonIdx is Shannon of r[idx[0]], r[idx[1]], ...
func ShannonIdx(r []float64, idx []int32) float64 {
	var buf [64]float64
	x := buf[:0]
	if len(idx) > len(buf) {
		x = make([]float64, 0, len(idx))
	}
	for _, i := range idx {
		x = append(x, r[i])
	}
	return Shannon(x)
}

// Simpson returns the Gini–Simpson index 1 - Σp² of the relative
// abundances of x, or 0 when all are 0.
func Simpson(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	if s == 0 {
		return 0
	}
	var d float64
	for _, v := range x {
		p := v / s
		d += p * p
	}
	return 1 - d
}
