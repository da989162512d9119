package main

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
)

// generators write the inputs too large to keep in the repository; a case
// names one as {gen:NAME} and gets the path of a fresh copy in its folder.
var generators = map[string]func(path string) error{
	// a 0.9 MB distance matrix whose header names 100,000 ids (the reader
	// allocated 80 GB)
	"dm-100k-header": func(path string) error {
		return writeLines(path, func(w *bufio.Writer) {
			for i := range 100000 {
				fmt.Fprintf(w, "\ts%d", i)
			}
			w.WriteString("\ns0\t0\n")
		})
	},
	// a valid 2,000 x 2,000 matrix: PCoA's eigendecomposition takes long
	// enough to interrupt (about 3 s on an idle machine, so the case
	// interrupts it after 1 s)
	"dm-2000": func(path string) error {
		const n = 2000
		rng := rand.New(rand.NewPCG(1, 2))
		pts := make([][3]float64, n)
		for i := range pts {
			pts[i] = [3]float64{rng.Float64(), rng.Float64(), rng.Float64()}
		}
		return writeLines(path, func(w *bufio.Writer) {
			for i := range n {
				fmt.Fprintf(w, "\ts%d", i)
			}
			w.WriteString("\n")
			for i := range n {
				fmt.Fprintf(w, "s%d", i)
				for j := range n {
					d := math.Sqrt(sq(pts[i][0]-pts[j][0]) + sq(pts[i][1]-pts[j][1]) + sq(pts[i][2]-pts[j][2]))
					fmt.Fprintf(w, "\t%.6f", d)
				}
				w.WriteString("\n")
			}
		})
	},
	// a Newick tree nested 100,000 deep
	"newick-deep": func(path string) error {
		return writeLines(path, func(w *bufio.Writer) {
			w.WriteString(strings.Repeat("(", 100000) + "a:1")
			w.WriteString(strings.Repeat(",b:1):1", 100000) + ";\n")
		})
	},
	// BIOM JSON with metadata nested 100,000 deep
	"biom-deep": func(path string) error {
		return writeLines(path, func(w *bufio.Writer) {
			w.WriteString(`{"id": "x", "matrix_type": "sparse", "shape": [1, 1], "rows": [{"id": "F1", "metadata": `)
			w.WriteString(strings.Repeat("[", 100000) + strings.Repeat("]", 100000))
			w.WriteString(`}], "columns": [{"id": "S1"}], "data": [[0, 0, 1]]}` + "\n")
		})
	},
	// a YAML model with a flow sequence nested 100,000 deep
	"yaml-deep": func(path string) error {
		return writeLines(path, func(w *bufio.Writer) {
			w.WriteString("id: deep\nmetadata: {x: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}\n")
		})
	},
	// an expression nested 100,000 deep
	"expr-deep": func(path string) error {
		return writeLines(path, func(w *bufio.Writer) {
			w.WriteString("id: deep\nparameters: {k: 1}\nstates:\n  host.x: {initial: 1, rate: \"" + strings.Repeat("(", 100000) + "k" + strings.Repeat(")", 100000) + "\"}\n")
		})
	},
	// a TSV table whose header names 200,000 samples over one row
	"tsv-wide-header": func(path string) error {
		return writeLines(path, func(w *bufio.Writer) {
			w.WriteString("#OTU ID")
			for i := range 200000 {
				fmt.Fprintf(w, "\tS%d", i)
			}
			w.WriteString("\nF1\t1\n")
		})
	},
}

func sq(x float64) float64 { return x * x }

func writeLines(path string, fill func(w *bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
