// Command bench_diversity_gen generates deterministic benchmark tables for
// the diversity benchmarks and times holobiont's kernels on them.
//
//	go run ./scripts/bench_diversity_gen gen -gp GP_otu_table.tsv -n 2000 -seed 1 -out t.biom.json
//	go run ./scripts/bench_diversity_gen time -table t.biom.json -tree GP_tree.nwk -metrics braycurtis,unweighted-unifrac
//	go run ./scripts/bench_diversity_gen alpha-mem -n 100000 -m 50000 -fill 0.005 [-out big.biom.json]
//
// alpha-mem builds a uniformly random sparse table (counts 1..100) in CSR
// form, computes every non-phylogenetic alpha metric for all samples and
// prints the time and the peak resident memory (VmHWM) of the process; with
// -out it writes the table as sparse BIOM 1.0 JSON instead, for timing the
// CLI end to end.
//
// gen draws n samples: each picks one of the GlobalPatterns samples' profiles
// at random, multiplies every non-zero proportion by an Exp(1) factor
// (sample-to-sample heterogeneity) and draws a multinomial of -depth reads
// (default 10,000), all from a PCG stream seeded by -seed. The table is
// written as sparse BIOM 1.0 JSON with the GlobalPatterns OTU ids, so the
// GlobalPatterns tree fits it. Tables are never committed; regenerate them.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/holobiont/holobiont/distmat"
	"github.com/holobiont/holobiont/diversity"
	"github.com/holobiont/holobiont/table"
	"github.com/holobiont/holobiont/tree"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench_diversity_gen gen|time [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "time":
		err = timeKernels(os.Args[2:])
	case "alpha-mem":
		err = alphaMem(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench_diversity_gen:", err)
		os.Exit(1)
	}
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	gp := fs.String("gp", "../shared/data/globalpatterns/GlobalPatterns_otu_table.tsv", "GlobalPatterns OTU table (TSV)")
	n := fs.Int("n", 1000, "samples")
	depth := fs.Int("depth", 10000, "reads per sample")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "output BIOM 1.0 JSON")
	fs.Parse(args)
	src, err := table.Read(*gp)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(*seed, 0x686f6c6f))
	m := src.NumFeatures()
	counts := make([]int, m)
	cum := make([]float64, 0, m)
	feats := make([]int32, 0, m)
	type entry struct {
		f int32
		c int
	}
	rows := make([][]entry, *n)
	used := make([]bool, m)
	for s := 0; s < *n; s++ {
		k := r.IntN(src.NumSamples())
		idx, vals := src.Sample(k)
		cum, feats = cum[:0], feats[:0]
		var tot float64
		for q, f := range idx {
			tot += vals[q] * r.ExpFloat64()
			cum = append(cum, tot)
			feats = append(feats, f)
		}
		for d := 0; d < *depth; d++ {
			u := r.Float64() * tot
			q := sort.SearchFloat64s(cum, u)
			if q >= len(cum) {
				q = len(cum) - 1
			}
			counts[feats[q]]++
		}
		for _, f := range feats {
			if counts[f] > 0 {
				rows[s] = append(rows[s], entry{f, counts[f]})
				used[f] = true
				counts[f] = 0
			}
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, `{"id":"bench_diversity_gen seed %d","format":"Biological Observation Matrix 1.0.0","format_url":"http://biom-format.org","type":"OTU table","generated_by":"holobiont scripts/bench_diversity_gen","date":"2026-01-01T00:00:00","matrix_type":"sparse","matrix_element_type":"int","shape":[%d,%d],"rows":[`, *seed, m, *n)
	for i, id := range src.FeatureIDs {
		if i > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `{"id":%s,"metadata":null}`, strconv.Quote(id))
	}
	w.WriteString(`],"columns":[`)
	for s := 0; s < *n; s++ {
		if s > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `{"id":"S%d","metadata":null}`, s)
	}
	w.WriteString(`],"data":[`)
	first := true
	nnz, present := 0, 0
	for s, row := range rows {
		for _, e := range row {
			if !first {
				w.WriteByte(',')
			}
			first = false
			fmt.Fprintf(w, "[%d,%d,%d]", e.f, s, e.c)
			nnz++
		}
	}
	w.WriteString("]}\n")
	for _, u := range used {
		if u {
			present++
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d samples, %d features (%d present), %d non-zeros\n", *out, *n, m, present, nnz)
	return nil
}

func timeKernels(args []string) error {
	fs := flag.NewFlagSet("time", flag.ExitOnError)
	tp := fs.String("table", "", "table")
	trp := fs.String("tree", "", "tree (UniFrac)")
	metrics := fs.String("metrics", "braycurtis,unweighted-unifrac,weighted-unifrac", "comma-separated")
	workers := fs.Int("workers", 0, "workers (0 = GOMAXPROCS)")
	cpuprof := fs.String("cpuprofile", "", "write a CPU profile here")
	rows := fs.String("rows", "", `"discard": stream the rows to a writer that drops them (the pair kernels alone, memory bounded); "file": to a distmat.CondensedFile in the temporary directory, then its TSV to /dev/null; "": the dense in-memory matrix`)
	fs.Parse(args)
	if *cpuprof != "" {
		pf, err := os.Create(*cpuprof)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	t, err := table.Read(*tp)
	if err != nil {
		return err
	}
	var tr *tree.Tree
	if *trp != "" {
		if tr, err = tree.ReadFile(*trp); err != nil {
			return err
		}
	}
	ctx := context.Background()
	for _, m := range strings.Split(*metrics, ",") {
		start, cpu0 := time.Now(), cpuSeconds()
		opt := diversity.BetaOptions{Workers: *workers}
		var cf *distmat.CondensedFile
		switch *rows {
		case "discard":
			opt.Rows = discardRows{}
		case "file":
			if cf, err = distmat.NewCondensedFile("", t.SampleIDs); err != nil {
				return err
			}
			opt.Rows = cf
		}
		var e error
		switch m {
		case "braycurtis":
			_, e = diversity.BrayCurtis(ctx, t, opt)
		case "jaccard":
			_, e = diversity.Jaccard(ctx, t, false, opt)
		case "aitchison":
			_, e = diversity.Aitchison(ctx, t, 1, opt)
		case "unweighted-unifrac", "weighted-unifrac", "weighted-unifrac-normalized":
			var p *diversity.Phylo
			if p, e = diversity.NewPhylo(tr, t.FeatureIDs); e == nil {
				switch m {
				case "unweighted-unifrac":
					_, e = diversity.UnweightedUniFrac(ctx, t, p, opt)
				case "weighted-unifrac":
					_, e = diversity.WeightedUniFrac(ctx, t, p, false, opt)
				default:
					_, e = diversity.WeightedUniFrac(ctx, t, p, true, opt)
				}
			}
		case "alpha":
			_, e = diversity.Alpha(ctx, t, []string{"observed", "shannon", "simpson", "pielou", "chao1", "ace"}, diversity.AlphaOptions{Workers: *workers}, nil)
		default:
			e = fmt.Errorf("unknown metric %q", m)
		}
		if e == nil && cf != nil {
			e = cf.WriteTSV(io.Discard)
			cf.Close()
		}
		if e != nil {
			return e
		}
		fmt.Printf("holobiont\t%s\t%d\t%.3f\t%.3f\tGOMAXPROCS=%d\trows=%s\tpeak RSS %s\n", m, t.NumSamples(), time.Since(start).Seconds(), cpuSeconds()-cpu0, runtime.GOMAXPROCS(0), *rows, peakRSS())
	}
	return nil
}

// discardRows is a distmat.RowWriter that drops the rows.
type discardRows struct{}

func (discardRows) WriteRow(int, []float64) error { return nil }

// cpuSeconds returns the user+system CPU time of this process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func alphaMem(args []string) error {
	fs := flag.NewFlagSet("alpha-mem", flag.ExitOnError)
	n := fs.Int("n", 100000, "samples")
	m := fs.Int("m", 50000, "features")
	fill := fs.Float64("fill", 0.005, "fraction of non-zero cells")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "write the table as BIOM 1.0 JSON here instead of computing")
	fs.Parse(args)
	r := rand.New(rand.NewPCG(*seed, 0x616c7068))
	per := int(float64(*m) * *fill)
	t := &table.Table{
		SampleIDs:  make([]string, *n),
		FeatureIDs: make([]string, *m),
		Indptr:     make([]int, *n+1),
		Indices:    make([]int32, 0, *n*per),
		Data:       make([]float64, 0, *n*per),
	}
	for j := range t.FeatureIDs {
		t.FeatureIDs[j] = "F" + strconv.Itoa(j)
	}
	seen := make([]bool, *m)
	row := make([]int32, 0, per)
	for i := 0; i < *n; i++ {
		t.SampleIDs[i] = "S" + strconv.Itoa(i)
		row = row[:0]
		for len(row) < per {
			f := int32(r.IntN(*m))
			if !seen[f] {
				seen[f] = true
				row = append(row, f)
			}
		}
		sort.Slice(row, func(a, b int) bool { return row[a] < row[b] })
		for _, f := range row {
			seen[f] = false
			t.Indices = append(t.Indices, f)
			t.Data = append(t.Data, float64(1+r.IntN(100)))
		}
		t.Indptr[i+1] = len(t.Data)
	}
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		fmt.Fprintf(w, `{"id":null,"format":"Biological Observation Matrix 1.0.0","format_url":"http://biom-format.org","type":"OTU table","generated_by":"holobiont scripts/bench_diversity_gen alpha-mem","date":"2026-01-01T00:00:00","matrix_type":"sparse","matrix_element_type":"int","shape":[%d,%d],"rows":[`, *m, *n)
		for j, id := range t.FeatureIDs {
			if j > 0 {
				w.WriteByte(',')
			}
			fmt.Fprintf(w, `{"id":"%s","metadata":null}`, id)
		}
		w.WriteString(`],"columns":[`)
		for i, id := range t.SampleIDs {
			if i > 0 {
				w.WriteByte(',')
			}
			fmt.Fprintf(w, `{"id":"%s","metadata":null}`, id)
		}
		w.WriteString(`],"data":[`)
		for i := 0; i < *n; i++ {
			idx, vals := t.Sample(i)
			for k, f := range idx {
				if i > 0 || k > 0 {
					w.WriteByte(',')
				}
				fmt.Fprintf(w, "[%d,%d,%d]", f, i, int(vals[k]))
			}
		}
		w.WriteString("]}\n")
		if err := w.Flush(); err != nil {
			return err
		}
		return f.Close()
	}
	runtime.GC()
	start, cpu0 := time.Now(), cpuSeconds()
	ms := []string{"observed", "shannon", "simpson", "invsimpson", "pielou", "chao1", "ace"}
	if _, err := diversity.Alpha(context.Background(), t, ms, diversity.AlphaOptions{}, nil); err != nil {
		return err
	}
	fmt.Printf("holobiont\talpha(%d metrics)\t%dx%d fill %g (%d nnz)\t%.3f s wall\t%.3f s CPU\tpeak RSS %s\n",
		len(ms), *n, *m, *fill, t.NNZ(), time.Since(start).Seconds(), cpuSeconds()-cpu0, peakRSS())
	return nil
}

// peakRSS returns VmHWM from /proc/self/status.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "?"
}
