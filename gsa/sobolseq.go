package gsa

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// MaxSobolDim is the largest dimension of a Sobol' sequence (the direction
// numbers held: Joe & Kuo's first 1,024 dimensions).
const MaxSobolDim = len(joeKuoStarts) + 1

// sobolBits is the number of binary digits of each coordinate: up to 2^32
// points.
const sobolBits = 32

// joeKuoStarts[d-1] is the offset of dimension d (0-based; d >= 1) in
// joeKuo.
var joeKuoStarts = func() [1023]int {
	var st [1023]int
	off := 0
	for d := range st {
		st[d] = off
		off += 2 + int(joeKuo[off])
	}
	return st
}()

// Sobol is a Sobol' low-discrepancy sequence in [0, 1)^dim (Sobol' 1967)
// with the direction numbers of Joe & Kuo (2008), points generated in Gray
// code order (Antonov & Saleev 1979). Unscrambled, its points are those of
// scipy.stats.qmc.Sobol(dim, scramble=False), starting with the origin.
// Scrambled (NewSobol with a random source), the direction numbers get a
// random linear matrix scramble and the points a random digital shift
// (Matoušek 1998), as scipy does: each point is uniform on [0, 1)^dim and
// the set keeps its low discrepancy.
//
// A Sobol is not safe for concurrent use.
type Sobol struct {
	dim   int
	v     [][sobolBits]uint32 // direction numbers, v[d][k] for digit k+1
	x     []uint32            // current point
	shift []uint32
	n     uint64 // index of the next point
}

// NewSobol returns a Sobol' sequence of dimension dim (1 <= dim <=
// MaxSobolDim). A non-nil rnd scrambles it (linear matrix scramble and
// digital shift drawn from rnd); nil gives the unscrambled sequence.
func NewSobol(dim int, rnd *rand.Rand) (*Sobol, error) {
	if dim < 1 || dim > MaxSobolDim {
		return nil, fmt.Errorf("gsa: Sobol' dimension %d out of range [1, %d]", dim, MaxSobolDim)
	}
	s := &Sobol{dim: dim, v: make([][sobolBits]uint32, dim), x: make([]uint32, dim), shift: make([]uint32, dim)}
	for k := 0; k < sobolBits; k++ {
		s.v[0][k] = 1 << (sobolBits - 1 - k)
	}
	for d := 1; d < dim; d++ {
		off := joeKuoStarts[d-1]
		deg := int(joeKuo[off])
		a := joeKuo[off+1]
		m := joeKuo[off+2 : off+2+deg]
		var mk [sobolBits]uint32
		copy(mk[:], m)
		for k := deg; k < sobolBits; k++ {
			nv := mk[k-deg] ^ (mk[k-deg] << deg)
			for i := 1; i < deg; i++ {
				if (a>>(deg-1-i))&1 != 0 {
					nv ^= mk[k-i] << i
				}
			}
			mk[k] = nv
		}
		for k := 0; k < sobolBits; k++ {
			s.v[d][k] = mk[k] << (sobolBits - 1 - k)
		}
	}
	if rnd != nil {
		s.scramble(rnd)
	}
	copy(s.x, s.shift)
	return s, nil
}

// scramble applies a random lower-triangular binary matrix with unit
// diagonal to every direction number of each dimension and draws a digital
// shift (Matoušek 1998, "linear matrix scrambling").
func (s *Sobol) scramble(rnd *rand.Rand) {
	for d := 0; d < s.dim; d++ {
		// Row i of L (digit i+1, most significant first) as a mask over the
		// digits 1..i+1: random bits above the diagonal digit, which is set.
		var rows [sobolBits]uint32
		for i := 0; i < sobolBits; i++ {
			diag := uint32(1) << (sobolBits - 1 - i)
			above := ^(diag<<1 - 1) // digits 1..i
			rows[i] = diag | (rnd.Uint32() & above)
		}
		for k := 0; k < sobolBits; k++ {
			var out uint32
			for i := 0; i < sobolBits; i++ {
				if bits.OnesCount32(rows[i]&s.v[d][k])&1 != 0 {
					out |= 1 << (sobolBits - 1 - i)
				}
			}
			s.v[d][k] = out
		}
		s.shift[d] = rnd.Uint32()
	}
}

// Dim returns the dimension.
func (s *Sobol) Dim() int { return s.dim }

// Next writes the next point into dst[:Dim()].
func (s *Sobol) Next(dst []float64) {
	const scale = 1.0 / (1 << sobolBits)
	dst = dst[:s.dim]
	for d, x := range s.x {
		dst[d] = float64(x) * scale
	}
	c := bits.TrailingZeros64(^s.n) // Gray code: the digit that changes
	if c < sobolBits {
		for d := range s.x {
			s.x[d] ^= s.v[d][c]
		}
	}
	s.n++
}

// Skip advances the sequence by n points.
func (s *Sobol) Skip(n uint64) {
	if n == 0 {
		return
	}
	target := s.n + n
	// The point of index i is the shift XOR the direction numbers of the
	// set bits of the Gray code of i.
	g := target ^ (target >> 1)
	copy(s.x, s.shift)
	for k := 0; k < sobolBits && g != 0; k++ {
		if g&1 != 0 {
			for d := range s.x {
				s.x[d] ^= s.v[d][k]
			}
		}
		g >>= 1
	}
	s.n = target
}
