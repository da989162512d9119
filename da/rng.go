package da

import (
	"math"
	"math/bits"
)

// xoshiro is the xoshiro256** generator (Blackman & Vigna 2018), used
// inline by the ALDEx2 sampler: a value type with no interface call per
// draw. Each short stream is seeded from (seed, key) through splitmix64,
// so the draws of a chunk of taxa depend only on the seed and the key,
// never on which goroutine draws them.
type xoshiro struct{ s0, s1, s2, s3 uint64 }

// splitmix64 is the output function of Steele, Lea and Flood's SplitMix64.
func splitmix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// seed starts the stream of (seed, key): the state is four consecutive
// SplitMix64 outputs from a base that hashes both, so neighbouring keys do
// not share state words.
func (x *xoshiro) seed(seed, key uint64) {
	const gamma = 0x9e3779b97f4a7c15
	b := splitmix64(seed^splitmix64(key+gamma)) + gamma
	x.s0 = splitmix64(b)
	b += gamma
	x.s1 = splitmix64(b)
	b += gamma
	x.s2 = splitmix64(b)
	b += gamma
	x.s3 = splitmix64(b)
}

func (x *xoshiro) next() uint64 {
	r := bits.RotateLeft64(x.s1*5, 7) * 9
	t := x.s1 << 17
	x.s2 ^= x.s0
	x.s3 ^= x.s1
	x.s1 ^= x.s2
	x.s0 ^= x.s3
	x.s2 ^= t
	x.s3 = bits.RotateLeft64(x.s3, 45)
	return r
}

// float64 is uniform on [0, 1) with 53 random bits.
func (x *xoshiro) float64() float64 { return float64(x.next()>>11) * 0x1p-53 }

// intN is uniform on [0, n) for n > 0 (Lemire's multiply-and-reject).
func (x *xoshiro) intN(n int) int {
	hi, lo := bits.Mul64(x.next(), uint64(n))
	if lo < uint64(n) {
		thresh := -uint64(n) % uint64(n)
		for lo < thresh {
			hi, lo = bits.Mul64(x.next(), uint64(n))
		}
	}
	return int(hi)
}

// Ziggurat of the standard normal (Marsaglia & Tsang 2000, 128 layers):
// a layer index and a signed 32-bit abscissa from one 64-bit draw.
const (
	zigR = 3.442619855899      // start of the tail
	zigV = 9.91256303526217e-3 // area of each layer
	zigM = 2147483648.0        // 2^31
	zigN = 128                 // layers (a power of two: the index is masked)
)

type ziggurat struct {
	k [zigN]uint32
	w [zigN]float64
	f [zigN]float64
}

// zig holds the ziggurat's tables, computed once and only read.
var zig = newZiggurat()

// newZiggurat builds the tables as Marsaglia and Tsang's zigset.
func newZiggurat() *ziggurat {
	z := &ziggurat{}
	dn, tn := zigR, zigR
	q := zigV / math.Exp(-0.5*dn*dn)
	z.k[0] = uint32(dn / q * zigM)
	z.k[1] = 0
	z.w[0] = q / zigM
	z.w[zigN-1] = dn / zigM
	z.f[0] = 1
	z.f[zigN-1] = math.Exp(-0.5 * dn * dn)
	for i := zigN - 2; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(zigV/dn+math.Exp(-0.5*dn*dn)))
		z.k[i+1] = uint32(dn / tn * zigM)
		tn = dn
		z.f[i] = math.Exp(-0.5 * dn * dn)
		z.w[i] = dn / zigM
	}
	return z
}

// norm is a standard normal draw by the ziggurat; one 64-bit draw in
// about 99% of calls.
func (x *xoshiro) norm() float64 {
	for {
		u := x.next()
		j := int32(u)
		i := u >> 32 & (zigN - 1)
		v := float64(j) * zig.w[i]
		aj := uint32(j)
		if j < 0 {
			aj = uint32(-j)
		}
		if aj < zig.k[i] {
			return v
		}
		if i == 0 { // the tail beyond zigR (Marsaglia 1964)
			for {
				a := -math.Log(x.float64()+0x1p-54) / zigR
				b := -math.Log(x.float64() + 0x1p-54)
				if b+b >= a*a {
					if j > 0 {
						return zigR + a
					}
					return -zigR - a
				}
			}
		}
		if zig.f[i]+x.float64()*(zig.f[i-1]-zig.f[i]) < math.Exp(-0.5*v*v) {
			return v
		}
	}
}
