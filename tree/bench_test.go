package tree

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// randomNewick builds a random binary tree with n tips (caterpillar-heavy
// shapes included) in Newick.
func randomNewick(n int) string {
	rng := rand.New(rand.NewPCG(3, 4))
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("t%d:%.6f", i, rng.Float64())
	}
	for len(parts) > 1 {
		i := rng.IntN(len(parts) - 1)
		parts[i] = fmt.Sprintf("(%s,%s)%.3f:%.6f", parts[i], parts[i+1], rng.Float64(), rng.Float64())
		parts = append(parts[:i+1], parts[i+2:]...)
	}
	return parts[0] + ";"
}

func BenchmarkParse20k(b *testing.B) {
	s := randomNewick(20000)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(strings.NewReader(s)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadFileGlobalPatterns reads the GlobalPatterns tree (19,216
// tips, 644 KB); scripts/golden_formats_bench.sh times scikit-bio's
// TreeNode.read on the same file.
func BenchmarkReadFileGlobalPatterns(b *testing.B) {
	path := filepath.Join(testutil.SharedDir(b), "data", "globalpatterns", "GlobalPatterns_tree.nwk")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}
