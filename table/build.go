package table

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

// triplets collects non-zero entries in any order and turns them into the
// sample-compressed (CSR) layout of Table. It holds 16 bytes per non-zero,
// in chunks of tripletChunk entries, so that growing never copies (and never
// holds two generations of) the entries, and csr can release each chunk as
// soon as it has been scattered: the peak while building is the triplets
// plus the CSR arrays, 28 bytes per non-zero, without append's slack.
type triplets struct {
	chunks []tripletBlock
	n      int
}

type tripletBlock struct {
	sample, feature []int32
	value           []float64
}

// tripletChunk is the number of entries per chunk (16 MB).
const tripletChunk = 1 << 20

func (t *triplets) add(sample, feature int32, v float64) {
	k := len(t.chunks) - 1
	if k < 0 || len(t.chunks[k].value) == cap(t.chunks[k].value) {
		size := tripletChunk
		if t.n < tripletChunk {
			size = max(64, 2*t.n) // small tables stay small
		}
		t.chunks = append(t.chunks, tripletBlock{make([]int32, 0, size), make([]int32, 0, size), make([]float64, 0, size)})
		k++
	}
	c := &t.chunks[k]
	c.sample = append(c.sample, sample)
	c.feature = append(c.feature, feature)
	c.value = append(c.value, v)
	t.n++
}

// setAll replaces the entries by the given parallel slices (kept, not copied).
func (t *triplets) setAll(sample, feature []int32, value []float64) {
	t.chunks = []tripletBlock{{sample, feature, value}}
	t.n = len(value)
}

func (t *triplets) len() int { return t.n }

// each calls fn for every entry in insertion order until fn returns false.
func (t *triplets) each(fn func(sample, feature int32, v float64) bool) {
	for _, c := range t.chunks {
		for k, v := range c.value {
			if !fn(c.sample[k], c.feature[k], v) {
				return
			}
		}
	}
}

// csr builds the CSR arrays for nSamples samples and nFeatures features.
// Entries must already be range-checked. Duplicate (sample, feature) pairs
// are reported as an error naming both indices through dup. The triplets
// are consumed (released chunk by chunk).
func (t *triplets) csr(nSamples int) (indptr []int, indices []int32, data []float64, dupSample, dupFeature int, err error) {
	indptr = make([]int, nSamples+1)
	for _, c := range t.chunks {
		for _, s := range c.sample {
			indptr[s+1]++
		}
	}
	for i := 0; i < nSamples; i++ {
		indptr[i+1] += indptr[i]
	}
	n := t.n
	indices = make([]int32, n)
	data = make([]float64, n)
	next := make([]int, nSamples)
	copy(next, indptr[:nSamples])
	for ci := range t.chunks {
		c := &t.chunks[ci]
		for k, s := range c.sample {
			p := next[s]
			indices[p] = c.feature[k]
			data[p] = c.value[k]
			next[s] = p + 1
		}
		*c = tripletBlock{} // release the chunk
	}
	t.chunks, t.n = nil, 0
	for i := 0; i < nSamples; i++ {
		lo, hi := indptr[i], indptr[i+1]
		sorted := true
		for p := lo + 1; p < hi; p++ {
			if indices[p] <= indices[p-1] {
				sorted = false
				break
			}
		}
		if !sorted {
			sort.Sort(segment{indices[lo:hi], data[lo:hi]})
			for p := lo + 1; p < hi; p++ {
				if indices[p] == indices[p-1] {
					return nil, nil, nil, i, int(indices[p]), fmt.Errorf("duplicate entry")
				}
			}
		}
	}
	return indptr, indices, data, -1, -1, nil
}

type segment struct {
	idx []int32
	val []float64
}

func (s segment) Len() int           { return len(s.idx) }
func (s segment) Less(i, j int) bool { return s.idx[i] < s.idx[j] }
func (s segment) Swap(i, j int) {
	s.idx[i], s.idx[j] = s.idx[j], s.idx[i]
	s.val[i], s.val[j] = s.val[j], s.val[i]
}

// checkCount reports why v is not a valid count, or "" when it is.
func checkCount(v float64) string {
	switch {
	case math.IsNaN(v):
		return "count is NaN"
	case math.IsInf(v, 0):
		return "count is infinite"
	case v < 0:
		return fmt.Sprintf("negative count %g", v)
	}
	return ""
}

// pow10tab holds the exactly representable powers of ten.
var pow10tab = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseNumber parses a decimal number. Plain integers and decimals with at
// most 15 significant digits take an exact fast path (a mantissa below 2^53
// divided by an exact power of ten is correctly rounded); anything else goes
// to strconv.ParseFloat.
func parseNumber(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	i := 0
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
	}
	var m uint64
	digits, frac := 0, 0
	dot := false
	fast := i < len(b)
	for ; i < len(b); i++ {
		c := b[i]
		if c >= '0' && c <= '9' {
			if digits > 0 || c != '0' {
				digits++
			}
			m = m*10 + uint64(c-'0')
			if dot {
				frac++
			}
			continue
		}
		if c == '.' && !dot {
			dot = true
			continue
		}
		fast = false
		break
	}
	if fast && digits <= 15 && frac <= 22 && !(dot && len(b) == 1+boolInt(b[0] == '-' || b[0] == '+')) {
		v := float64(m)
		if frac > 0 {
			v /= pow10tab[frac]
		}
		if neg {
			v = -v
		}
		return v, true
	}
	v, err := parseFloatSlow(b)
	if err != nil {
		return 0, false
	}
	return v, true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func parseFloatSlow(b []byte) (float64, error) { return strconv.ParseFloat(string(b), 64) }
