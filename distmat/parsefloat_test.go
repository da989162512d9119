package distmat

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// checkParse compares parseFloat with strconv.ParseFloat bit for bit and
// error for error.
func checkParse(t *testing.T, s string) {
	t.Helper()
	got, err := parseFloat([]byte(s))
	want, werr := strconv.ParseFloat(s, 64)
	if (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) {
		t.Fatalf("parseFloat(%q): error %v, strconv %v", s, err, werr)
	}
	if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
		t.Fatalf("parseFloat(%q) = %v (%#x), strconv %v (%#x)", s, got, math.Float64bits(got), want, math.Float64bits(want))
	}
}

func TestParseFloatTable(t *testing.T) {
	// The first and some middle entries of strconv's pow10Tab (Go 1.26).
	tab := pow10Table()
	for _, c := range []struct {
		e      int
		hi, lo uint64
	}{
		{-348, 0xfa8fd5a0081c0288, 0x1732c869cd60e453},
		{-347, 0x9c99e58405118195, 0x0e7fbd42205c8eb4},
		{-7, 0xd6bf94d5e57a42bc, 0x3d32907604691b4c},
		{-5, 0xa7c5ac471b478423, 0x0fcf80dc33721d53},
	} {
		if g := tab[c.e-pow10MinExp]; g[1] != c.hi || g[0] != c.lo {
			t.Errorf("10^%d: %#x %#x, want %#x %#x", c.e, g[1], g[0], c.hi, c.lo)
		}
	}
}

func TestParseFloatMatchesStrconv(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "+0", "0.0", ".5", "5.", "-.5e-3", "1e400", "-1e400", "1e-400", "4.9e-324", "2.2250738585072011e-308",
		"2.2250738585072012e-308", "1.7976931348623157e308", "1.7976931348623159e308", "9007199254740993",
		"0.1", "0.30000000000000004", "1234567890123456789", "12345678901234567890", "0.000000000000000000001234",
		"inf", "-Inf", "nan", "NaN", "0x1p-2", "1_0", "", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", "1e5x", " 1",
		"00000000000000000000001.5", "1e99999", "1e-99999", "7.0e-10", "1E5", "0.9999999999999999", "0.99999999999999999",
	} {
		checkParse(t, s)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		// Shortest representations of random doubles across the range.
		f := math.Float64frombits(rng.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		checkParse(t, strconv.FormatFloat(f, 'g', -1, 64))
		checkParse(t, strconv.FormatFloat(rng.Float64(), 'g', -1, 64))
		checkParse(t, strconv.FormatFloat(rng.Float64(), 'f', rng.IntN(25), 64))
		checkParse(t, strconv.FormatFloat(f, 'e', rng.IntN(20), 64))
	}
}

func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"0.5", "1e-300", "123456789012345678", "-0", "x", "1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkParse(t, s) })
}

func BenchmarkParseFloat(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	in := make([][]byte, 4096)
	for i := range in {
		in[i] = strconv.AppendFloat(nil, rng.Float64(), 'g', -1, 64)
	}
	b.Run("parseFloat", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			parseFloat(in[i%len(in)])
		}
	})
	b.Run("strconv", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			strconv.ParseFloat(string(in[i%len(in)]), 64)
		}
	})
}
