// Command bench_da_gen writes a deterministic synthetic count table and
// metadata for timing differential-abundance methods (issue 16):
//
//	go run ./scripts/bench_da_gen -taxa 1053 -samples 36 -seed 1 -out dir
//
// Taxon mean proportions are lognormal (sdlog 2), sample depths lognormal
// (median 20,000 reads, sdlog 0.5), counts negative binomial with size 0.5
// (sparse, as amplicon tables are), two groups of equal size with 10% of the
// taxa changed two- to four-fold in the second group, a numeric age and a
// subject column (two samples per subject). dir receives table.tsv
// (classic "#OTU ID" TSV) and metadata.tsv. Tables are never committed.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/holobiont/holobiont/observe"
)

func main() {
	m := flag.Int("taxa", 1053, "taxa")
	n := flag.Int("samples", 36, "samples (even)")
	seed := flag.Uint64("seed", 1, "seed")
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	if err := run(*m, *n, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(m, n int, seed uint64, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(seed, 0x6461))
	mu := make([]float64, m)
	fold := make([]float64, m)
	var s float64
	for i := range mu {
		mu[i] = math.Exp(2 * r.NormFloat64())
		s += mu[i]
		fold[i] = 1
		if r.Float64() < 0.1 {
			fold[i] = 2 + 2*r.Float64()
			if r.Float64() < 0.5 {
				fold[i] = 1 / fold[i]
			}
		}
	}
	depth := make([]float64, n)
	for j := range depth {
		depth[j] = 20000 * math.Exp(0.5*r.NormFloat64())
	}
	f, err := os.Create(filepath.Join(dir, "table.tsv"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "#OTU ID")
	for j := 0; j < n; j++ {
		fmt.Fprintf(w, "\ts%04d", j+1)
	}
	fmt.Fprintln(w)
	for i := 0; i < m; i++ {
		fmt.Fprintf(w, "t%05d", i+1)
		for j := 0; j < n; j++ {
			mean := depth[j] * mu[i] / s
			if j >= n/2 {
				mean *= fold[i]
			}
			fmt.Fprintf(w, "\t%d", observe.NegBinomial(mean, 0.5, r))
		}
		fmt.Fprintln(w)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	g, err := os.Create(filepath.Join(dir, "metadata.tsv"))
	if err != nil {
		return err
	}
	w = bufio.NewWriter(g)
	fmt.Fprintln(w, "sample-id\tgroup\tage\tsubject")
	for j := 0; j < n; j++ {
		grp := "control"
		if j >= n/2 {
			grp = "case"
		}
		fmt.Fprintf(w, "s%04d\t%s\t%d\tsubj%04d\n", j+1, grp, 20+r.IntN(50), j/2)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return g.Close()
}
