package main

import (
	"bufio"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/distmat"
	"github.com/holobiont/holobiont/diversity"
	"github.com/holobiont/holobiont/table"
)

func newAnalyzeBetaCmd() *cobra.Command {
	var (
		metric, treePath, out    string
		normalized, quantitative bool
		pseudocount              float64
		workers, rarefy          int
		seed                     uint64
		onDisk                   string
	)
	cmd := &cobra.Command{
		Use:   "beta TABLE",
		Short: "Beta diversity: a distance matrix between all samples",
		Long: `beta computes the distance between every pair of samples of TABLE and writes
the square matrix as a tab-separated file whose first row and column are the
sample ids (the scikit-bio / QIIME "lsmat" format, which "analyze pcoa" and
the statistics commands read).

Metrics (definitions of scikit-bio 0.5.8 and vegan 2.6-4):
  braycurtis          Σ|x−y| / Σ(x+y) on the counts as given
  jaccard             presence/absence 1 − |A∩B|/|A∪B| (scikit-bio "jaccard",
                      vegan vegdist(binary = TRUE)); --quantitative gives
                      vegan's default vegdist "jaccard", 2B/(1+B) with B the
                      Bray–Curtis dissimilarity
  aitchison           Euclidean distance of clr(x + pseudocount); the
                      pseudocount must be given (--pseudocount 1 is what
                      QIIME 2 and vegan examples use)
  unweighted-unifrac  needs --tree
  weighted-unifrac    needs --tree; unnormalized unless --normalized

All metrics stay sparse and run on all cores (--workers); the matrix is the
same bit for bit for any number of workers. Two empty samples are at
distance 0.

From 20,000 samples on (--on-disk auto; "always" and "never" force it) the
distances go row by row to a temporary file next to the output (the upper
triangle, 8 bytes per pair: 1.6 GB at 20,000 samples) and the matrix is
written from there, so memory stays near the table's size instead of the
3.2 GB a 20,000 × 20,000 matrix takes; the output is byte for byte the same.`,
		Example: `  holobiont analyze beta table.biom --metric braycurtis --out bc.tsv
  holobiont analyze beta table.biom --metric braycurtis --rarefy 1000 --seed 7 --out bc.tsv
  holobiont analyze beta table.biom --metric jaccard --quantitative --out jq.tsv
  holobiont analyze beta table.tsv --metric aitchison --pseudocount 1 --out ait.tsv
  holobiont analyze beta table.biom --metric weighted-unifrac --normalized --tree rooted-tree.nwk --out wu.tsv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			isUniFrac := metric == "unweighted-unifrac" || metric == "weighted-unifrac"
			switch metric {
			case "braycurtis", "jaccard", "aitchison", "unweighted-unifrac", "weighted-unifrac":
			default:
				return fmt.Errorf("--metric %q: want braycurtis, jaccard, aitchison, unweighted-unifrac or weighted-unifrac", metric)
			}
			if isUniFrac && treePath == "" {
				return fmt.Errorf("--metric %s needs --tree", metric)
			}
			if !isUniFrac && treePath != "" {
				return fmt.Errorf("--tree is only used by the UniFrac metrics, not %s", metric)
			}
			if normalized && metric != "weighted-unifrac" {
				return fmt.Errorf("--normalized applies to weighted-unifrac only")
			}
			if quantitative && metric != "jaccard" {
				return fmt.Errorf("--quantitative applies to jaccard only")
			}
			if metric == "aitchison" && !f.Changed("pseudocount") {
				return fmt.Errorf("--metric aitchison needs an explicit --pseudocount (1 is the usual choice)")
			}
			if metric != "aitchison" && f.Changed("pseudocount") {
				return fmt.Errorf("--pseudocount applies to aitchison only")
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
			calc := func(opt diversity.BetaOptions) (*distmat.Matrix, error) {
				m, err := betaMatrix(cmd, metric, args[0], t, treePath, quantitative, normalized, pseudocount, opt)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", args[0], err)
				}
				return m, nil
			}
			opt := diversity.BetaOptions{Workers: workers}
			switch {
			case onDisk == "always" || onDisk == "auto" && t.NumSamples() >= onDiskSamples:
				return betaOnDisk(cmd, t.SampleIDs, out, opt, calc)
			case onDisk != "auto" && onDisk != "never":
				return fmt.Errorf("--on-disk %q: want auto, always or never", onDisk)
			}
			m, err := calc(opt)
			if err != nil {
				return err
			}
			return divWriteOutput(cmd, out, func(w *bufio.Writer) error { return distmat.Write(w, m) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&metric, "metric", "braycurtis", "braycurtis, jaccard, aitchison, unweighted-unifrac or weighted-unifrac")
	f.StringVar(&treePath, "tree", "", "Newick tree whose tips include the table's feature ids (UniFrac)")
	f.BoolVar(&normalized, "normalized", false, "weighted-unifrac: divide by the summed root-to-tip distances (range 0..1)")
	f.BoolVar(&quantitative, "quantitative", false, "jaccard: vegan's quantitative form 2B/(1+B) instead of presence/absence")
	f.Float64Var(&pseudocount, "pseudocount", 1, "aitchison: value added to every count before the clr (must be given)")
	f.IntVar(&workers, "workers", 0, "goroutines (0 = all cores); results do not depend on it")
	f.IntVar(&rarefy, "rarefy", 0, "rarefy every sample to this depth first (seeded; shallower samples are dropped)")
	f.Uint64Var(&seed, "seed", 1, "random seed for --rarefy")
	f.StringVarP(&out, "out", "o", "-", `output distance matrix TSV ("-" = standard output)`)
	f.StringVar(&onDisk, "on-disk", "auto", "keep the matrix in a temporary file instead of memory: auto (from 20,000 samples), always or never")
	return cmd
}

func newAnalyzePCoACmd() *cobra.Command {
	var (
		out, eigOut string
		axes        int
	)
	cmd := &cobra.Command{
		Use:   "pcoa DM.tsv",
		Short: "Principal coordinate analysis of a distance matrix",
		Long: `pcoa runs classical multidimensional scaling on a distance matrix (lsmat TSV as
written by "analyze beta", scikit-bio or QIIME 2), as scikit-bio's pcoa with
method "eigh": Gower centring of −D²/2, a full symmetric eigen decomposition,
eigenvalues within 1e-8 of zero set to zero.

The output is scikit-bio's ordination text format (readable by
skbio.OrdinationResults.read, QIIME 2 and Emperor): "Eigvals" and
"Proportion explained" for the written axes in descending order, and "Site"
with one row of coordinates per sample. --axes sets how many axes are
written (default 10; 0 = all n, which needs a full eigendecomposition and
takes minutes for thousands of samples; fewer axes use a tridiagonal
reduction plus inverse iteration, seconds).

All n eigenvalues are always computed. Unlike scikit-bio, which silently
reports negative eigenvalues as 0, holobiont keeps them (non-Euclidean
distances such as Bray–Curtis produce them): they appear in the Eigvals block
when written and in --eigenvalues FILE (a TSV of every axis: eigenvalue and
proportion explained), and a note on standard error gives their number and
size. Their proportion explained and coordinates are 0, as in scikit-bio.
Proportion explained is λ/Σλ⁺ over the positive eigenvalues.

Axis signs are arbitrary in every PCoA implementation; holobiont makes the
sample with the largest absolute coordinate on each axis positive.`,
		Example: `  holobiont analyze beta table.biom --metric braycurtis --out bc.tsv
  holobiont analyze beta table.biom --metric braycurtis --rarefy 1000 --seed 7 --out bc.tsv
  holobiont analyze pcoa bc.tsv --out bc_pcoa.txt --eigenvalues bc_eigenvalues.tsv
  holobiont analyze pcoa bc.tsv --axes 3 --out -
  holobiont analyze pcoa bc.tsv --axes 0 --out bc_pcoa_all_axes.txt`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := distmat.ReadFile(args[0])
			if err != nil {
				return err
			}
			if axes < 0 {
				return fmt.Errorf("--axes %d must be 0 (all) or positive", axes)
			}
			res, err := diversity.PCoAAxes(cmd.Context(), m, axes)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			n, k := m.N(), res.Axes
			neg, minNeg := 0, 0.0
			for _, v := range res.Eigenvalues {
				if v < 0 {
					neg++
					minNeg = math.Min(minNeg, v)
				}
			}
			if neg > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "pcoa: %d negative eigenvalue(s), the most negative %.6g (largest eigenvalue %.6g); their axes have zero coordinates\n",
					neg, minNeg, res.Eigenvalues[0])
			}
			ff := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
			row := func(vs []float64) string {
				s := make([]string, len(vs))
				for i, v := range vs {
					s[i] = ff(v)
				}
				return strings.Join(s, "\t")
			}
			if eigOut != "" {
				err := divWriteOutput(cmd, eigOut, func(w *bufio.Writer) error {
					w.WriteString("axis\teigenvalue\tproportion_explained\n")
					for a, v := range res.Eigenvalues {
						fmt.Fprintf(w, "PC%d\t%s\t%s\n", a+1, ff(v), ff(res.ProportionExplained[a]))
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			return divWriteOutput(cmd, out, func(w *bufio.Writer) error {
				fmt.Fprintf(w, "Eigvals\t%d\n%s\n\n", k, row(res.Eigenvalues[:k]))
				fmt.Fprintf(w, "Proportion explained\t%d\n%s\n\n", k, row(res.ProportionExplained[:k]))
				fmt.Fprintf(w, "Species\t0\t0\n\n")
				fmt.Fprintf(w, "Site\t%d\t%d\n", n, k)
				for i, id := range res.IDs {
					fmt.Fprintf(w, "%s\t%s\n", id, row(res.Coordinates[i*k:i*k+k]))
				}
				fmt.Fprintf(w, "\nBiplot\t0\t0\n\nSite constraints\t0\t0\n")
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "-", `output ordination file ("-" = standard output)`)
	cmd.Flags().IntVar(&axes, "axes", 10, "number of axes to write (0 = all)")
	cmd.Flags().StringVar(&eigOut, "eigenvalues", "", "also write every eigenvalue and proportion explained to this TSV")
	return cmd
}

// onDiskSamples is the number of samples from which analyze beta keeps the
// matrix on disk (--on-disk auto).
const onDiskSamples = 20000

// betaMatrix computes metric on t (the CLI's checks done): the matrix, or
// nil when opt.Rows receives the rows.
func betaMatrix(cmd *cobra.Command, metric, tablePath string, t *table.Table, treePath string, quantitative, normalized bool,
	pseudocount float64, opt diversity.BetaOptions) (*distmat.Matrix, error) {
	ctx := cmd.Context()
	switch metric {
	case "braycurtis":
		return diversity.BrayCurtis(ctx, t, opt)
	case "jaccard":
		return diversity.Jaccard(ctx, t, quantitative, opt)
	case "aitchison":
		return diversity.Aitchison(ctx, t, pseudocount, opt)
	}
	p, err := divLoadPhylo(treePath, tablePath, t)
	if err != nil {
		return nil, err
	}
	if metric == "unweighted-unifrac" {
		return diversity.UnweightedUniFrac(ctx, t, p, opt)
	}
	return diversity.WeightedUniFrac(ctx, t, p, normalized, opt)
}

// betaOnDisk runs calc with its rows going to a distmat.CondensedFile in
// the output's directory and writes the matrix from it.
func betaOnDisk(cmd *cobra.Command, ids []string, out string, opt diversity.BetaOptions,
	calc func(diversity.BetaOptions) (*distmat.Matrix, error)) error {
	dir := ""
	if out != "" && out != "-" {
		dir = filepath.Dir(out)
	}
	c, err := distmat.NewCondensedFile(dir, ids)
	if err != nil {
		return err
	}
	defer c.Close()
	opt.Rows = c
	if _, err := calc(opt); err != nil {
		return err
	}
	return divWriteOutput(cmd, out, func(w *bufio.Writer) error { return c.WriteTSV(w) })
}
