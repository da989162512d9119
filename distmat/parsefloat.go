package distmat

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"sync"
	"unsafe"
)

// parseFloat returns exactly what strconv.ParseFloat(string(b), 64)
// returns. Plain decimal numbers of at most 19 significant digits (what
// distance-matrix writers produce) are converted by the Eisel–Lemire
// algorithm, the one strconv itself uses, on a mantissa and exponent read
// straight from the bytes; everything else (more digits, hexadecimal, inf,
// nan, malformed text, and the rare inputs Eisel–Lemire cannot decide) goes
// to strconv.ParseFloat without copying b.
func parseFloat(b []byte) (float64, error) {
	return parseFloatTab(b, pow10Table())
}

// parseFloatTab is parseFloat with the powers-of-ten table at hand.
func parseFloatTab(b []byte, tab *pow10Tab) (float64, error) {
	if man, exp10, neg, ok := scanDecimal(b); ok {
		if f, ok := eiselLemire64(tab, man, exp10, neg); ok {
			return f, nil
		}
	}
	// The string does not outlive the call: callers quote b themselves.
	return strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
}

// scanDecimal reads [+-]digits[.digits][(e|E)[+-]digits] with at most 19
// significant digits and returns the value as man × 10^exp10. ok is false for
// anything else.
func scanDecimal(b []byte) (man uint64, exp10 int, neg, ok bool) {
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	digits, sig := 0, 0
	dot := -1
	for ; i < len(b); i++ {
		// Eight digits at a time once the significant digits have begun.
		if sig > 0 && sig <= 19-8 && i+8 <= len(b) {
			if v := binary.LittleEndian.Uint64(b[i:]); is8Digits(v) {
				man = man*1e8 + parse8Digits(v)
				sig += 8
				digits += 8
				if dot >= 0 {
					exp10 -= 8
				}
				i += 7
				continue
			}
		}
		c := b[i]
		if c == '.' {
			if dot >= 0 {
				return 0, 0, false, false
			}
			dot = digits
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		digits++
		if sig == 0 && c == '0' {
			if dot >= 0 {
				exp10-- // leading zero after the point
			}
			continue
		}
		if sig == 19 {
			return 0, 0, false, false
		}
		sig++
		man = man*10 + uint64(c-'0')
		if dot >= 0 {
			exp10--
		}
	}
	if digits == 0 {
		return 0, 0, false, false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		start := i
		e := 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if i-start >= 5 {
				return 0, 0, false, false
			}
			e = e*10 + int(b[i]-'0')
		}
		if i == start {
			return 0, 0, false, false
		}
		if eneg {
			e = -e
		}
		exp10 += e
	}
	if i != len(b) {
		return 0, 0, false, false
	}
	return man, exp10, neg, true
}

// is8Digits reports whether the eight bytes of v (little-endian) are all
// ASCII digits.
func is8Digits(v uint64) bool {
	return v&(v+0x0606060606060606)&0xF0F0F0F0F0F0F0F0 == 0x3030303030303030
}

// parse8Digits returns the value of eight ASCII digits loaded little-endian
// (the first digit in the low byte).
func parse8Digits(v uint64) uint64 {
	const mask = 0x000000FF000000FF
	const mul1 = 0x000F424000000064 // 100 + (1000000 << 32)
	const mul2 = 0x0000271000000001 // 1 + (10000 << 32)
	v -= 0x3030303030303030
	v = v*10 + v>>8
	return (v&mask*mul1 + (v>>16)&mask*mul2) >> 32
}

const (
	pow10MinExp = -348
	pow10MaxExp = 347
)

type pow10Tab [pow10MaxExp - pow10MinExp + 1][2]uint64

// pow10Table returns the 128-bit mantissas, rounded down, of the powers of
// ten 10^pow10MinExp … 10^pow10MaxExp ([1] high, [0] low 64 bits), the table
// strconv's eisel_lemire.go lists, computed once with math/big.
var pow10Table = sync.OnceValue(func() *pow10Tab {
	var t pow10Tab
	ten := big.NewInt(10)
	mask := new(big.Int).SetUint64(math.MaxUint64)
	for e := pow10MinExp; e <= pow10MaxExp; e++ {
		p := new(big.Int).Exp(ten, big.NewInt(int64(abs(e))), nil)
		var m *big.Int
		if e >= 0 {
			if l := p.BitLen(); l > 128 {
				m = p.Rsh(p, uint(l-128))
			} else {
				m = p.Lsh(p, uint(128-l))
			}
		} else {
			one := new(big.Int).Lsh(big.NewInt(1), uint(p.BitLen()+127))
			m = one.Quo(one, p)
		}
		lo := new(big.Int).And(m, mask)
		hi := new(big.Int).Rsh(m, 64)
		t[e-pow10MinExp] = [2]uint64{lo.Uint64(), hi.Uint64()}
	}
	return &t
})

func abs(e int) int {
	if e < 0 {
		return -e
	}
	return e
}

// eiselLemire64 converts man × 10^exp10 to the nearest float64, or reports
// that it cannot decide (ok false). It follows strconv's eiselLemire64
// (Go 1.26, src/internal/strconv/eisel_lemire.go).
func eiselLemire64(tab *pow10Tab, man uint64, exp10 int, neg bool) (f float64, ok bool) {
	if man == 0 {
		if neg {
			f = math.Float64frombits(0x8000000000000000)
		}
		return f, true
	}
	if exp10 < pow10MinExp || pow10MaxExp < exp10 {
		return 0, false
	}
	pow := &tab[exp10-pow10MinExp]
	clz := bits.LeadingZeros64(man)
	man <<= uint(clz)
	const float64ExponentBias = 1023
	retExp2 := uint64(217706*exp10>>16+64+float64ExponentBias) - uint64(clz)
	xHi, xLo := bits.Mul64(man, pow[1])
	if xHi&0x1FF == 0x1FF && xLo+man < man {
		yHi, yLo := bits.Mul64(man, pow[0])
		mergedHi, mergedLo := xHi, xLo+yHi
		if mergedLo < xLo {
			mergedHi++
		}
		if mergedHi&0x1FF == 0x1FF && mergedLo+1 == 0 && yLo+man < man {
			return 0, false
		}
		xHi, xLo = mergedHi, mergedLo
	}
	msb := xHi >> 63
	retMantissa := xHi >> (msb + 9)
	retExp2 -= 1 ^ msb
	if xLo == 0 && xHi&0x1FF == 0 && retMantissa&3 == 1 {
		return 0, false
	}
	retMantissa += retMantissa & 1
	retMantissa >>= 1
	if retMantissa>>53 > 0 {
		retMantissa >>= 1
		retExp2++
	}
	if retExp2-1 >= 0x7FF-1 {
		return 0, false
	}
	retBits := retExp2<<52 | retMantissa&0x000FFFFFFFFFFFFF
	if neg {
		retBits |= 0x8000000000000000
	}
	return math.Float64frombits(retBits), true
}
