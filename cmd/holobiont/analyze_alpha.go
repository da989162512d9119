package main

import (
	"bufio"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/diversity"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/table"
	"github.com/holobiont/holobiont/tree"
)

func newAnalyzeAlphaCmd() *cobra.Command {
	var (
		treePath, metrics, base, chao1, out string
		rare, workers, rarefy               int
		seed                                uint64
	)
	cmd := &cobra.Command{
		Use:   "alpha TABLE",
		Short: "Alpha diversity per sample (observed, Shannon, Simpson, Pielou, Chao1, ACE, Faith PD)",
		Long: `alpha computes within-sample diversity for every sample of TABLE (BIOM 1.0
JSON, BIOM 2.1 HDF5, classic TSV or MDSINE TSV) and writes one row per sample,
one column per metric, as a tab-separated file whose first column is
"sample-id" (a valid QIIME 2 metadata file). A first comment line records the
holobiont version and the definitions used. Undefined values (Shannon of an
empty sample, Pielou of a one-feature sample, ACE when every rare feature is a
singleton) are left empty, which QIIME 2, R and pandas read as missing.

Metrics (definitions of scikit-bio 0.5.8 and vegan 2.6-4):
  observed    number of features with a positive count
  shannon     −Σ p log_b p; the base is explicit: --base e (default, as vegan
              and scikit-bio >= 0.6.1) or 2 (scikit-bio 0.5.8's and QIIME 2
              2022.11's default) or 10
  simpson     Gini–Simpson 1 − Σ p²
  invsimpson  1 / Σ p²
  pielou      H_ln / ln(observed)
  chao1       bias-corrected S + F1(F1−1)/(2(F2+1)) (scikit-bio default, vegan
              estimateR S.chao1); --chao1 classic gives S + F1²/(2 F2)
  ace         abundance-based coverage estimator, rare threshold 10
  faith-pd    Faith's phylogenetic diversity; needs --tree

The table is read once and streamed over its sparse rows, so memory stays
proportional to the number of non-zero counts.`,
		Example: `  holobiont analyze alpha table.biom --metrics observed,shannon,simpson,chao1,pielou --out alpha.tsv
  holobiont analyze alpha table.tsv --tree rooted-tree.nwk --metrics shannon,faith-pd --base 2 --out alpha.tsv
  holobiont analyze alpha table.biom --metrics chao1,ace --chao1 classic --out -
  holobiont analyze alpha table.biom --rarefy 1000 --seed 7 --metrics observed,shannon --out alpha.tsv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var b float64
			switch base {
			case "e":
				b = math.E
			case "2":
				b = 2
			case "10":
				b = 10
			default:
				return fmt.Errorf("--base %q: want e, 2 or 10", base)
			}
			var classic bool
			switch chao1 {
			case "bias-corrected":
			case "classic":
				classic = true
			default:
				return fmt.Errorf("--chao1 %q: want bias-corrected or classic", chao1)
			}
			ms := divSplitList(metrics)
			if len(ms) == 0 {
				return fmt.Errorf("--metrics is empty (choose from %s)", strings.Join(diversity.AlphaMetrics(), ","))
			}
			needTree := false
			seen := map[string]bool{}
			for _, m := range ms {
				if seen[m] {
					return fmt.Errorf("--metrics lists %q twice", m)
				}
				seen[m] = true
				if m == diversity.MetricFaithPD {
					needTree = true
				}
			}
			if needTree && treePath == "" {
				return fmt.Errorf("metric faith-pd needs --tree")
			}
			t, err := table.Read(args[0])
			if err != nil {
				return err
			}
			if rarefy > 0 {
				if t, err = rarefyTable(cmd, t, args[0], rarefy, seed); err != nil {
					return err
				}
			}
			opt := diversity.AlphaOptions{Base: b, Chao1Classic: classic, RareThreshold: rare, Workers: workers}
			if needTree {
				if opt.Tree, err = divLoadPhylo(treePath, args[0], t); err != nil {
					return err
				}
			}
			vals, err := diversity.Alpha(cmd.Context(), t, ms, opt, nil)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return divWriteOutput(cmd, out, func(w *bufio.Writer) error {
				fmt.Fprintf(w, "# holobiont %s analyze alpha %s: shannon base %s; chao1 %s; ace rare threshold %d%s\n",
					version, args[0], base, chao1, rare, rarefyNote(rarefy, seed))
				w.WriteString("sample-id")
				for _, m := range ms {
					w.WriteString("\t" + m)
				}
				w.WriteByte('\n')
				k := len(ms)
				for i, id := range t.SampleIDs {
					w.WriteString(id)
					for q := 0; q < k; q++ {
						w.WriteByte('\t')
						if v := vals[i*k+q]; !math.IsNaN(v) {
							w.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
						}
					}
					w.WriteByte('\n')
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&treePath, "tree", "", "Newick tree whose tips are the table's feature ids (for faith-pd)")
	f.StringVar(&metrics, "metrics", "observed,shannon,simpson,chao1,pielou", "comma-separated metrics: "+strings.Join(diversity.AlphaMetrics(), ","))
	f.StringVar(&base, "base", "e", "logarithm base of Shannon: e, 2 or 10")
	f.StringVar(&chao1, "chao1", "bias-corrected", "Chao1 variant: bias-corrected or classic")
	f.IntVar(&rare, "ace-rare-threshold", 10, "ACE: counts up to this value are rare")
	f.IntVar(&workers, "workers", 0, "goroutines (0 = all cores); results do not depend on it")
	f.IntVar(&rarefy, "rarefy", 0, "rarefy every sample to this depth first (seeded; shallower samples are dropped)")
	f.Uint64Var(&seed, "seed", 1, "random seed for --rarefy")
	f.StringVarP(&out, "out", "o", "-", `output TSV ("-" = standard output)`)
	return cmd
}

// divSplitList splits a comma-separated flag value, dropping blanks.
func divSplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// divLoadPhylo reads a Newick tree and maps the table's features onto its tips.
func divLoadPhylo(treePath, tablePath string, t *table.Table) (*diversity.Phylo, error) {
	tr, err := tree.ReadFile(treePath)
	if err != nil {
		return nil, err
	}
	p, err := diversity.NewPhylo(tr, t.FeatureIDs)
	if err != nil {
		return nil, fmt.Errorf("%s with table %s: %w", treePath, tablePath, err)
	}
	return p, nil
}

// divWriteOutput writes to path atomically (no partial file on error), or to
// the command's standard output for "-" or "".
func divWriteOutput(cmd *cobra.Command, path string, write func(w *bufio.Writer) error) error {
	if path == "" || path == "-" {
		w := bufio.NewWriter(cmd.OutOrStdout())
		if err := write(w); err != nil {
			return err
		}
		return w.Flush()
	}
	return safefile.WriteWithContext(ctxOf(cmd), path, write)
}
