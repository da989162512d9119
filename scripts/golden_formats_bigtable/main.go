// Command golden_formats_bigtable generates a large random count table for
// the load-time / peak-memory measurement in benchmarks/formats.md (the file
// is never committed). Default: 100,000 samples × 50,000 features at 0.5%
// fill (25 million non-zeros), written as BIOM 2.1 HDF5 and/or sparse BIOM
// 1.0 JSON.
//
//	go run ./scripts/golden_formats_bigtable -out /tmp/big -formats hdf5,json
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/holobiont/holobiont/table"
)

func main() {
	ns := flag.Int("samples", 100000, "number of samples")
	nf := flag.Int("features", 50000, "number of features")
	fill := flag.Float64("fill", 0.005, "fraction of non-zero entries")
	out := flag.String("out", "/tmp/bigtable", "output path prefix (.biom.h5 / .biom.json appended)")
	formats := flag.String("formats", "hdf5,json", "comma-separated: hdf5, json, tsv")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()

	rng := rand.New(rand.NewPCG(*seed, 0))
	per := int(float64(*nf) * *fill)
	t := &table.Table{Indptr: make([]int, *ns+1)}
	t.SampleIDs = make([]string, *ns)
	t.FeatureIDs = make([]string, *nf)
	for i := range t.SampleIDs {
		t.SampleIDs[i] = fmt.Sprintf("S%06d", i)
	}
	for j := range t.FeatureIDs {
		t.FeatureIDs[j] = fmt.Sprintf("ASV%06d", j)
	}
	t.Indices = make([]int32, 0, *ns*per)
	t.Data = make([]float64, 0, *ns*per)
	seen := make(map[int32]bool, per)
	row := make([]int32, 0, per)
	for i := 0; i < *ns; i++ {
		clear(seen)
		row = row[:0]
		for len(row) < per {
			// Skewed feature popularity, as in real tables.
			j := int32(float64(*nf) * rng.Float64() * rng.Float64())
			if !seen[j] {
				seen[j] = true
				row = append(row, j)
			}
		}
		sort.Slice(row, func(a, b int) bool { return row[a] < row[b] })
		for _, j := range row {
			t.Indices = append(t.Indices, j)
			t.Data = append(t.Data, float64(1+int(rng.ExpFloat64()*40)))
		}
		t.Indptr[i+1] = len(t.Data)
	}
	log.Printf("generated %d × %d, nnz %d", *ns, *nf, t.NNZ())
	for _, f := range strings.Split(*formats, ",") {
		start := time.Now()
		var path string
		var err error
		switch f {
		case "hdf5":
			path = *out + ".biom.h5"
			err = table.WriteHDF5(path, t, table.HDF5Options{})
		case "json":
			path = *out + ".biom.json"
			var fh *os.File
			if fh, err = os.Create(path); err == nil {
				err = table.WriteBIOMJSON(fh, t, table.JSONOptions{})
				if cerr := fh.Close(); err == nil {
					err = cerr
				}
			}
		case "tsv":
			path = *out + ".tsv"
			var fh *os.File
			if fh, err = os.Create(path); err == nil {
				err = table.WriteTSV(fh, t)
				if cerr := fh.Close(); err == nil {
					err = cerr
				}
			}
		default:
			log.Fatalf("unknown format %q", f)
		}
		if err != nil {
			log.Fatal(err)
		}
		st, _ := os.Stat(path)
		log.Printf("wrote %s (%d MB) in %v", path, st.Size()>>20, time.Since(start).Round(time.Millisecond))
	}
}
