package main

import (
	"bufio"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/da"
	"github.com/holobiont/holobiont/stats"
	"github.com/holobiont/holobiont/table"
)

// perSample reads a per-sample values TSV (the output of analyze alpha, or
// any QIIME 2 metadata-style file) and aligns the metadata to its ids.
func perSample(valuesPath, mdPath string) (vals *table.Metadata, md *table.Metadata, rows []int, err error) {
	if vals, err = table.ReadMetadata(valuesPath); err != nil {
		return nil, nil, nil, err
	}
	if md, err = table.ReadMetadata(mdPath); err != nil {
		return nil, nil, nil, err
	}
	if rows, err = md.Align(vals.IDs); err != nil {
		return nil, nil, nil, fmt.Errorf("%s vs %s: %w", valuesPath, mdPath, err)
	}
	return vals, md, rows, nil
}

func newAnalyzeAlphaTestCmd() *cobra.Command {
	var metadata, column, metrics, out string
	cmd := &cobra.Command{
		Use:   "alpha-test ALPHA.tsv --metadata MD --column group --out tests.tsv",
		Short: "Kruskal–Wallis and pairwise Wilcoxon tests of alpha diversity across groups",
		Long: `alpha-test compares alpha diversity between the groups of a metadata column:
for each metric column of ALPHA.tsv (the output of "analyze alpha", or any
per-sample TSV) a Kruskal–Wallis test across all groups (R's kruskal.test,
scipy.stats.kruskal) and a Wilcoxon rank-sum test for every pair of groups
(R's wilcox.test: exact p below 50 per group without ties, otherwise normal
with tie and continuity corrections), with Benjamini–Hochberg q over the
pairs of each metric. Samples with an empty value are left out of that metric.`,
		Example: `  holobiont analyze alpha table.biom --rarefy 1000 --metrics observed,shannon --out alpha.tsv
  holobiont analyze alpha-test alpha.tsv --metadata md.tsv --column body-site --out alpha-tests.tsv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if metadata == "" || column == "" || out == "" {
				return fmt.Errorf("--metadata, --column and --out are required")
			}
			vals, md, rows, err := perSample(args[0], metadata)
			if err != nil {
				return err
			}
			gcol, ok := md.Column(column)
			if !ok {
				return fmt.Errorf("%s has no column %q", metadata, column)
			}
			ms := divSplitList(metrics)
			if len(ms) == 0 {
				ms = vals.Columns
			}
			type row struct {
				metric, test, g1, g2 string
				n                    int
				stat, p, q           float64
				df                   int
			}
			var res []row
			for _, m := range ms {
				x, err := vals.NumericColumn(m)
				if err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				byGroup := map[string][]float64{}
				for i, v := range x {
					g := gcol[rows[i]]
					if math.IsNaN(v) || g == "" {
						continue
					}
					byGroup[g] = append(byGroup[g], v)
				}
				var levels []string
				for g := range byGroup {
					levels = append(levels, g)
				}
				sort.Strings(levels)
				if len(levels) < 2 {
					return fmt.Errorf("%s column %q has %d group(s) with values of %s; need at least 2", metadata, column, len(levels), m)
				}
				var all []float64
				var lab []int
				for k, g := range levels {
					all = append(all, byGroup[g]...)
					for range byGroup[g] {
						lab = append(lab, k)
					}
				}
				kw, err := stats.KruskalWallis(all, lab, len(levels))
				if err != nil {
					return err
				}
				res = append(res, row{metric: m, test: "kruskal-wallis", g1: "all", g2: "", n: len(all), stat: kw.Statistic, p: kw.PValue, q: math.NaN(), df: kw.DF})
				var ps []float64
				first := len(res)
				for a := 0; a < len(levels); a++ {
					for b := a + 1; b < len(levels); b++ {
						wt, err := stats.WilcoxonRankSum(byGroup[levels[a]], byGroup[levels[b]])
						if err != nil {
							return err
						}
						res = append(res, row{metric: m, test: "wilcoxon", g1: levels[a], g2: levels[b], n: len(byGroup[levels[a]]) + len(byGroup[levels[b]]),
							stat: wt.Statistic, p: wt.PValue})
						ps = append(ps, wt.PValue)
					}
				}
				q := stats.AdjustBH(nil, ps)
				for k := range q {
					res[first+k].q = q[k]
				}
			}
			return divWriteOutput(cmd, out, func(w *bufio.Writer) error {
				fmt.Fprintf(w, "# holobiont %s analyze alpha-test %s: groups from %s column %q; Kruskal-Wallis over all groups, pairwise Wilcoxon rank-sum (R wilcox.test), q = BH over the pairs of each metric\n",
					version, args[0], metadata, column)
				fmt.Fprintln(w, "metric\ttest\tgroup1\tgroup2\tn\tstatistic\tdf\tp\tq")
				for _, r := range res {
					df := ""
					if r.df > 0 {
						df = strconv.Itoa(r.df)
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", r.metric, r.test, r.g1, r.g2, r.n, fmtNum(r.stat), df, fmtNum(r.p), fmtNum(r.q))
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&metadata, "metadata", "", "sample metadata TSV (required)")
	f.StringVar(&column, "column", "", "metadata column holding the groups (required)")
	f.StringVar(&metrics, "metrics", "", "comma-separated metric columns (default: all)")
	f.StringVar(&out, "out", "", "output TSV (required; - for stdout)")
	return cmd
}

func newAnalyzeLongitudinalCmd() *cobra.Command {
	var metadata, formula, random, response, taxon, out string
	cmd := &cobra.Command{
		Use:   "longitudinal VALUES --metadata MD --formula \"~ time * group\" --random subject --out lmm.tsv",
		Short: "Linear mixed model of alpha diversity or a taxon over time with a subject random intercept",
		Long: `longitudinal fits a linear mixed model, response ~ formula + (1 | random), by
REML as lme4's lmer does, and reports each fixed effect with its standard
error, t value and a p-value on nlme's between/within denominator degrees of
freedom (a subject-level covariate gets subjects − 1 − its df; within-subject
terms and the intercept get n − subjects − their df). The header records the
residual and subject standard deviations and the REML criterion.

The response is either --response COLUMN of VALUES, a per-sample TSV such as
the output of "analyze alpha", or, with --taxon ID, VALUES is a count table
and the response is that taxon's CLR (natural log of count + 0.5 minus the
sample's mean log).`,
		Example: `  holobiont analyze alpha table.biom --rarefy 1000 --metrics shannon --out alpha.tsv
  holobiont analyze longitudinal alpha.tsv --metadata md.tsv --response shannon --formula "~ days * arm" --random subject --out lmm.tsv
  holobiont analyze longitudinal table.biom --taxon Lactobacillus --rank genus --metadata md.tsv --formula "~ days * arm" --random subject --out lmm.tsv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if metadata == "" || formula == "" || random == "" || out == "" {
				return fmt.Errorf("--metadata, --formula, --random and --out are required")
			}
			if (response == "") == (taxon == "") {
				return fmt.Errorf("give exactly one of --response COLUMN (per-sample TSV) or --taxon ID (count table)")
			}
			fm, err := da.ParseFormula(formula)
			if err != nil {
				return fmt.Errorf("--formula: %w", err)
			}
			ids, y, cols, err := longitudinalInput(cmd, args[0], metadata, response, taxon, fm.Vars(), random)
			if err != nil {
				return err
			}
			d, err := da.NewDesign(fm, cols, ids, da.DesignOptions{Random: random})
			if err != nil {
				return fmt.Errorf("%s: %w", metadata, err)
			}
			var names []string
			var pred [][]float64
			for j, nm := range d.Names {
				if nm != "(Intercept)" {
					names = append(names, nm)
					pred = append(pred, d.Column(j))
				}
			}
			mm, err := stats.FitLMM(y, names, pred, d.Random, len(d.RandomLevels))
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			resp := response
			if taxon != "" {
				resp = "clr(" + taxon + ")"
			}
			return divWriteOutput(cmd, out, func(w *bufio.Writer) error {
				fmt.Fprintf(w, "# holobiont %s analyze longitudinal %s: %s %s + (1 | %s), REML; n = %d, %s levels = %d\n",
					version, args[0], resp, fm.String(), random, mm.N, random, mm.Groups)
				fmt.Fprintf(w, "# sigma_residual = %s, sigma_%s = %s, REML criterion = %s; df: nlme between/within rule\n",
					fmtNum(mm.Sigma), random, fmtNum(mm.SigmaB), fmtNum(mm.REML))
				fmt.Fprintln(w, "term\testimate\tse\tdf\tt\tp")
				for k, nm := range mm.Names {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", nm, fmtNum(mm.Coef[k]), fmtNum(mm.SE[k]), fmtNum(mm.DF[k]), fmtNum(mm.T[k]), fmtNum(mm.P[k]))
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&metadata, "metadata", "", "sample metadata TSV (required)")
	f.StringVar(&formula, "formula", "", `fixed effects, e.g. "~ time * group" (required)`)
	f.StringVar(&random, "random", "", "metadata column for the random intercept, e.g. subject (required)")
	f.StringVar(&response, "response", "", "column of VALUES to model (per-sample TSV input)")
	f.StringVar(&taxon, "taxon", "", "model this taxon's CLR (count-table input)")
	f.StringVar(&out, "out", "", "output TSV (required; - for stdout)")
	return cmd
}

// longitudinalInput returns the sample ids, the response and the metadata
// columns needed, aligned.
func longitudinalInput(cmd *cobra.Command, path, mdPath, response, taxon string, vars []string, random string) ([]string, []float64, map[string]da.Column, error) {
	need := append(append([]string(nil), vars...), random)
	if taxon != "" {
		s, err := loadStudy(path, mdPath, "", "")
		if err != nil {
			return nil, nil, nil, err
		}
		c := s.dense()
		ti := indexString(c.Taxa, taxon)
		if ti < 0 {
			return nil, nil, nil, fmt.Errorf("%s has no feature %q", path, taxon)
		}
		n := c.N()
		y := make([]float64, n)
		mu := make([]float64, n)
		for i := 0; i < c.M(); i++ {
			for j, v := range c.Row(i) {
				mu[j] += math.Log(v+0.5) / float64(c.M())
			}
		}
		for j, v := range c.Row(ti) {
			y[j] = math.Log(v+0.5) - mu[j]
		}
		return c.Samples, y, s.daColumns(need...), nil
	}
	vals, md, rows, err := perSample(path, mdPath)
	if err != nil {
		return nil, nil, nil, err
	}
	y, err := vals.NumericColumn(response)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, v := range y {
		if math.IsNaN(v) {
			return nil, nil, nil, fmt.Errorf("%s column %q, sample %q: no value", path, response, vals.IDs[i])
		}
	}
	s := &study{md: md, rows: rows, mdPath: mdPath}
	return vals.IDs, y, s.daColumns(need...), nil
}
