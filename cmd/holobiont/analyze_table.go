package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/report"
	"github.com/holobiont/holobiont/table"
)

// writeTableAs writes t to out in the format named by to ("" picks from
// the extension: .biom/.h5 BIOM 2.1 HDF5, .json BIOM 1.0 JSON, else TSV;
// biom2/hdf5 and biom1/json are aliases). id and date are the BIOM table id
// and creation date ("" for none).
func writeTableAs(ctx context.Context, out, to string, t *table.Table, id, date string) error {
	if to == "" {
		switch {
		case strings.HasSuffix(out, ".biom"), strings.HasSuffix(out, ".h5"):
			to = "biom-hdf5"
		case strings.HasSuffix(out, ".json"):
			to = "biom-json"
		default:
			to = "tsv"
		}
	}
	gen := "holobiont " + version
	switch to {
	case "biom-hdf5", "hdf5", "biom2":
		return table.WriteHDF5Context(ctx, out, t, table.HDF5Options{ID: id, GeneratedBy: gen, Date: date})
	case "biom-json", "json", "biom1":
		return safefile.WriteWithContext(ctx, out, func(w *bufio.Writer) error {
			return table.WriteBIOMJSON(w, t, table.JSONOptions{ID: id, GeneratedBy: gen, Date: date})
		})
	case "tsv":
		return safefile.WriteWithContext(ctx, out, func(w *bufio.Writer) error { return table.WriteTSV(w, t) })
	}
	return fmt.Errorf("--to %q: want tsv, biom-json or biom-hdf5", to)
}

// rarefyTable subsamples t to depth reads per sample with the seed
// (samples with fewer reads are dropped and reported on stderr).
func rarefyTable(cmd *cobra.Command, t *table.Table, path string, depth int, seed uint64) (*table.Table, error) {
	r, dropped, err := table.Rarefy(cmd.Context(), t, depth, rand.New(rand.NewPCG(seed, 0x72617265)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(dropped) > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "rarefy: %d sample(s) of %s have fewer than %d reads and were dropped: %s\n", len(dropped), path, depth, listIDs(dropped))
	}
	if r.NumSamples() == 0 {
		return nil, fmt.Errorf("%s: no sample has %d reads; choose a smaller --rarefy depth", path, depth)
	}
	return r, nil
}

// expectedRichness is the expected number of features in a random
// subsample of d reads without replacement (Hurlbert 1971; vegan's
// rarefy): Σ_i 1 − C(N − n_i, d)/C(N, d).
func expectedRichness(vals []float64, d float64) float64 {
	var n float64
	for _, v := range vals {
		n += v
	}
	if d >= n {
		return float64(len(vals))
	}
	lc := func(a, b float64) float64 {
		la, _ := math.Lgamma(a + 1)
		lb, _ := math.Lgamma(b + 1)
		lab, _ := math.Lgamma(a - b + 1)
		return la - lb - lab
	}
	base := lc(n, d)
	var s float64
	for _, v := range vals {
		if v <= 0 {
			continue
		}
		if n-v < d {
			s++
			continue
		}
		s += 1 - math.Exp(lc(n-v, d)-base)
	}
	return s
}

// rarefactionCurve is a line chart of expected observed features against
// depth for every sample, with the chosen depth marked.
func rarefactionCurve(t *table.Table, depth int, title string) report.LineChart {
	var maxN float64
	totals := make([]float64, t.NumSamples())
	for i := range totals {
		_, vals := t.Sample(i)
		for _, v := range vals {
			totals[i] += v
		}
		maxN = math.Max(maxN, totals[i])
	}
	ch := report.LineChart{Title: title, XLabel: "reads per sample (depth)", YLabel: "expected observed features"}
	const steps = 40
	for i, id := range t.SampleIDs {
		_, vals := t.Sample(i)
		s := report.Series{Name: id}
		for k := 0; k <= steps; k++ {
			d := math.Round(maxN * float64(k) / steps)
			if d > totals[i] {
				d = totals[i]
			}
			s.X = append(s.X, d)
			s.Y = append(s.Y, expectedRichness(vals, d))
			if d == totals[i] {
				break
			}
		}
		ch.Series = append(ch.Series, s)
	}
	if depth > 0 {
		ch.Windows = []report.Window{{Start: float64(depth) * 0.995, End: float64(depth) * 1.005, Label: fmt.Sprintf("depth %d", depth)}}
	}
	return ch
}

func newAnalyzeRarefyCmd() *cobra.Command {
	var (
		out, to, curve string
		depth          int
		seed           uint64
	)
	cmd := &cobra.Command{
		Use:   "rarefy TABLE --depth N --out OUT",
		Short: "Subsample every sample to the same depth (seeded), or draw rarefaction curves",
		Long: `rarefy subsamples every sample of TABLE to --depth reads without replacement
(scikit-bio's subsample_counts, QIIME 2's feature-table rarefy), with a seed,
so the same seed gives the same table. Samples with fewer reads are dropped
and named on standard error. --curve FILE.html (or .svg) draws rarefaction
curves: the expected number of observed features against depth for every
sample (the exact hypergeometric expectation, vegan's rarefy), with --depth
marked, to choose a depth; --curve alone writes only the figure.
The output format follows --to or the extension of --out (.biom BIOM 2.1
HDF5, .json BIOM 1.0 JSON, otherwise TSV).`,
		Example: `  holobiont analyze rarefy table.biom --curve rarefaction.html
  holobiont analyze rarefy table.biom --depth 1000 --seed 7 --out rarefied.biom
  holobiont analyze rarefy table.tsv --depth 5000 --out rarefied.tsv --curve curve.svg`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if depth <= 0 && curve == "" {
				return fmt.Errorf("give --depth N (with --out), --curve FILE, or both")
			}
			if depth > 0 && out == "" && curve == "" {
				return fmt.Errorf("--out is required with --depth (or give --curve to mark the depth on the curves)")
			}
			if depth < 0 {
				return fmt.Errorf("--depth %d: must be positive", depth)
			}
			t, err := table.Read(args[0])
			if err != nil {
				return err
			}
			var r *table.Table
			if depth > 0 && out != "" {
				if r, err = rarefyTable(cmd, t, args[0], depth, seed); err != nil {
					return err
				}
			}
			if curve != "" {
				ch := rarefactionCurve(t, depth, "Rarefaction curves: "+args[0])
				if strings.HasSuffix(curve, ".svg") {
					if err := report.WriteSVGFile(curve, ch); err != nil {
						return err
					}
				} else {
					page := &report.Page{Title: "Rarefaction curves", Subtitle: args[0],
						Meta:     [][2]string{{"holobiont", version}, {"table", args[0]}, {"depth", strconv.Itoa(depth)}},
						Sections: []report.Section{{Heading: "Expected observed features by depth", Figures: []report.Figure{ch}, Tables: []report.Table{depthTable(t, depth)}}}}
					if err := page.WriteFile(curve); err != nil {
						return err
					}
				}
			}
			if r != nil {
				return writeTableAs(ctxOf(cmd), out, to, r, "", "")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&depth, "depth", 0, "reads per sample after rarefying")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVar(&out, "out", "", "output table")
	f.StringVar(&to, "to", "", "output format: tsv, biom-json or biom-hdf5 (default from the --out extension)")
	f.StringVar(&curve, "curve", "", "write rarefaction curves to this .html or .svg file")
	return cmd
}

// depthTable lists sample depths (smallest first) and how many samples a
// depth keeps.
func depthTable(t *table.Table, depth int) report.Table {
	type sd struct {
		id string
		n  float64
	}
	var s []sd
	for i, id := range t.SampleIDs {
		_, vals := t.Sample(i)
		var n float64
		for _, v := range vals {
			n += v
		}
		s = append(s, sd{id, n})
	}
	sort.SliceStable(s, func(a, b int) bool { return s[a].n < s[b].n })
	tb := report.Table{Header: []string{"sample", "reads", "kept at depth"}}
	for _, x := range s {
		kept := "yes"
		if depth > 0 && x.n < float64(depth) {
			kept = "no"
		}
		tb.Rows = append(tb.Rows, []string{x.id, strconv.FormatFloat(x.n, 'f', -1, 64), kept})
	}
	return tb
}

func newAnalyzeFilterCmd() *cobra.Command {
	var (
		out, to                               string
		minPrev, minAbund, minTotal, minReads float64
		relative                              bool
	)
	cmd := &cobra.Command{
		Use:   "filter TABLE --out OUT",
		Short: "Keep features by prevalence, abundance and total; drop shallow samples",
		Long: `filter keeps the features of TABLE present (above --min-abundance, in counts or
with --relative in relative abundance) in more than --min-prevalence of the
samples and with at least --min-total reads (MaAsLin2's filter semantics),
and drops samples with fewer than --min-reads reads.`,
		Example: `  holobiont analyze filter table.biom --min-prevalence 0.1 --out filtered.biom
  holobiont analyze filter table.tsv --min-abundance 0.001 --relative --min-prevalence 0.05 --min-reads 1000 --out filtered.tsv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out is required")
			}
			t, err := table.Read(args[0])
			if err != nil {
				return err
			}
			if minReads > 0 {
				var rows []int
				for i := 0; i < t.NumSamples(); i++ {
					_, vals := t.Sample(i)
					var n float64
					for _, v := range vals {
						n += v
					}
					if n >= minReads {
						rows = append(rows, i)
					}
				}
				t = t.SelectSamples(rows)
			}
			ft, _, err := table.FilterFeatures(t, table.FilterOptions{MinAbundance: minAbund, Relative: relative, MinPrevalence: minPrev, MinTotal: minTotal})
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "filter: kept %d of %d features and %d samples\n", ft.NumFeatures(), t.NumFeatures(), ft.NumSamples())
			return writeTableAs(ctxOf(cmd), out, to, ft, "", "")
		},
	}
	f := cmd.Flags()
	f.Float64Var(&minPrev, "min-prevalence", 0, "fraction of samples a feature must be present in (strictly more than)")
	f.Float64Var(&minAbund, "min-abundance", 0, "abundance a sample must exceed to count as present")
	f.BoolVar(&relative, "relative", false, "--min-abundance is a relative abundance (0..1)")
	f.Float64Var(&minTotal, "min-total", 0, "minimum total reads of a feature")
	f.Float64Var(&minReads, "min-reads", 0, "drop samples with fewer reads")
	f.StringVar(&out, "out", "", "output table (required)")
	f.StringVar(&to, "to", "", "output format: tsv, biom-json or biom-hdf5 (default from the --out extension)")
	return cmd
}

func newAnalyzeCollapseCmd() *cobra.Command {
	var out, to, rank, taxonomy string
	cmd := &cobra.Command{
		Use:   "collapse TABLE --rank genus --out OUT",
		Short: "Sum features to a taxonomic rank",
		Long: `collapse sums the features of TABLE that share a lineage down to --rank
(kingdom, phylum, class, order, family, genus, species), mapping outdated
names (e.g. Propionibacterium → Cutibacterium). Features are named by their
lowest informative rank. The taxonomy comes from the table or --taxonomy.`,
		Example: `  holobiont analyze collapse table.biom --rank genus --out genus.tsv
  holobiont analyze collapse table.tsv --taxonomy taxonomy.tsv --rank family --out family.biom`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out is required")
			}
			if rank == "" || rank == "none" {
				return fmt.Errorf("--rank is required (kingdom..species)")
			}
			s, err := loadStudy(args[0], "", taxonomy, rank)
			if err != nil {
				return err
			}
			return writeTableAs(ctxOf(cmd), out, to, s.t, "", "")
		},
	}
	f := cmd.Flags()
	f.StringVar(&rank, "rank", "", "rank to collapse to (required)")
	f.StringVar(&taxonomy, "taxonomy", "", "taxonomy TSV (Feature ID, Taxon) when the table carries none")
	f.StringVar(&out, "out", "", "output table (required)")
	f.StringVar(&to, "to", "", "output format: tsv, biom-json or biom-hdf5 (default from the --out extension)")
	return cmd
}

// rarefyNote is the header fragment stating a rarefaction.
func rarefyNote(depth int, seed uint64) string {
	if depth <= 0 {
		return ""
	}
	return fmt.Sprintf("; rarefied to %d reads per sample (seed %d)", depth, seed)
}
