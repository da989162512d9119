package distmat

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// benchMatrix returns the TSV text of a random n×n distance matrix written
// by Write (full-precision values, as the beta-diversity commands write).
func benchMatrix(b testing.TB, n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "sample." + string(rune('A'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26))
	}
	m := New(ids)
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			m.Set(i, j, rng.Float64())
		}
	}
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkRead2000 parses a generated 2,000 × 2,000 matrix (≈ 75 MB of
// text), the size PERMANOVA on 2,000 samples reads.
func BenchmarkRead2000(b *testing.B) {
	text := benchMatrix(b, 2000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		// as ReadFile reads a regular file: its size is known
		if _, err := read(bytes.NewReader(text), "bench.tsv", int64(len(text))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead2000Stream reads the same text from a stream of unknown
// length (standard input), where the matrix grows as rows arrive.
func BenchmarkRead2000Stream(b *testing.B) {
	text := benchMatrix(b, 2000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(text), "bench.tsv"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead2000Reference is the line-by-line reader Read replaced
// (refRead, kept in ref_test.go), on the same text, for the before/after
// ratio in one command.
func BenchmarkRead2000Reference(b *testing.B) {
	text := benchMatrix(b, 2000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := refRead(bytes.NewReader(text), "bench.tsv"); err != nil {
			b.Fatal(err)
		}
	}
}
