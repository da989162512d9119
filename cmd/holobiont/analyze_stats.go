package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/distmat"
	"github.com/holobiont/holobiont/internal/jsonnum"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/stats"
	"github.com/holobiont/holobiont/table"
)

// permFlags are the permutation and output flags shared by every
// permutation test (permanova, permdisp, anosim, mantel).
type permFlags struct {
	out                   string
	permutations, workers int
	seed                  uint64
}

func (f *permFlags) register(cmd *cobra.Command, seedHelp string) {
	cmd.Flags().IntVar(&f.permutations, "permutations", 999, "number of permutations (0: statistic only)")
	cmd.Flags().Uint64Var(&f.seed, "seed", 1, seedHelp)
	cmd.Flags().IntVar(&f.workers, "workers", 0, "worker goroutines (0 = all cores)")
	cmd.Flags().StringVar(&f.out, "out", "", "output JSON file (required; - for stdout)")
}

func (f *permFlags) checkOut() error {
	if f.out == "" {
		return fmt.Errorf("--out is required (use - for stdout)")
	}
	return nil
}

func (f *permFlags) checkPermutations() error {
	if f.permutations < 0 {
		return fmt.Errorf("--permutations %d: must be >= 0", f.permutations)
	}
	return nil
}

func (f *permFlags) permOptions() stats.PermOptions {
	return stats.PermOptions{Permutations: f.permutations, Src: rand.NewPCG(f.seed, 0x686f6c6f), Workers: f.workers}
}

// statsFlags are the flags shared by permanova, permdisp and anosim.
type statsFlags struct {
	permFlags
	metadata, column, strata string
}

func (f *statsFlags) register(cmd *cobra.Command, multiColumn bool) {
	cmd.Flags().StringVar(&f.metadata, "metadata", "", "sample metadata TSV (QIIME 2 style; required)")
	help := "metadata column holding the grouping (required)"
	if multiColumn {
		help = "metadata column(s); several, comma-separated, are fitted sequentially as adonis2(by = \"terms\")"
	}
	cmd.Flags().StringVar(&f.column, "column", "", help)
	cmd.Flags().StringVar(&f.strata, "strata", "", "optional metadata column: permute only within its blocks (e.g. subject)")
	f.permFlags.register(cmd, "random seed; results do not depend on --workers")
}

func (f *statsFlags) check() error {
	if f.metadata == "" {
		return fmt.Errorf("--metadata is required")
	}
	if f.column == "" {
		return fmt.Errorf("--column is required")
	}
	if err := f.checkOut(); err != nil {
		return err
	}
	return f.checkPermutations()
}

// input loads DM.tsv with its metadata and the permutation options (with the
// --strata blocks). With grouped, the --column grouping is read too, before
// the strata, and returned; otherwise the grouping is nil.
func (f *statsFlags) input(dmPath string, grouped bool) (*statsInput, *stats.Grouping, stats.PermOptions, error) {
	in, err := loadStatsInput(dmPath, f.metadata)
	if err != nil {
		return nil, nil, stats.PermOptions{}, err
	}
	var g *stats.Grouping
	if grouped {
		if g, err = in.grouping(f); err != nil {
			return nil, nil, stats.PermOptions{}, err
		}
	}
	opt := f.permOptions()
	if err := in.strata(f, &opt); err != nil {
		return nil, nil, stats.PermOptions{}, err
	}
	return in, g, opt, nil
}

// statsInput is a distance matrix with its metadata rows aligned to it.
type statsInput struct {
	dm   *distmat.Matrix
	md   *table.Metadata
	rows []int // metadata row of each matrix id
}

func loadStatsInput(dmPath, mdPath string) (*statsInput, error) {
	dm, err := distmat.ReadFile(dmPath)
	if err != nil {
		return nil, err
	}
	md, err := table.ReadMetadata(mdPath)
	if err != nil {
		return nil, err
	}
	rows, err := md.Align(dm.IDs)
	var me *table.MissingIDsError
	if errors.As(err, &me) {
		return nil, fmt.Errorf("%d id(s) of %s are not in %s: %s", len(me.IDs), dmPath, mdPath, listIDs(me.IDs))
	}
	return &statsInput{dm: dm, md: md, rows: rows}, err
}

func listIDs(ids []string) string {
	const max = 10
	s := strings.Join(ids[:min(len(ids), max)], ", ")
	if len(ids) > max {
		s += fmt.Sprintf(", ... (%d more)", len(ids)-max)
	}
	return s
}

// column returns the metadata column in matrix order; missing values are
// an error naming the ids.
func (in *statsInput) column(name, mdPath string) ([]string, error) {
	out, empty, ok := in.md.AlignedColumn(name, in.rows)
	if !ok {
		return nil, fmt.Errorf("%s has no column %q (columns: %s)", mdPath, name, strings.Join(in.md.Columns, ", "))
	}
	if len(empty) > 0 {
		ids := make([]string, len(empty))
		for k, i := range empty {
			ids[k] = in.dm.IDs[i]
		}
		return nil, fmt.Errorf("%s column %q has no value for %d sample(s): %s", mdPath, name, len(empty), listIDs(ids))
	}
	return out, nil
}

func (in *statsInput) isNumeric(name string) bool {
	for j, c := range in.md.Columns {
		if c == name {
			return j < len(in.md.Types) && in.md.Types[j] == "numeric"
		}
	}
	return false
}

func (in *statsInput) grouping(f *statsFlags) (*stats.Grouping, error) {
	vals, err := in.column(f.column, f.metadata)
	if err != nil {
		return nil, err
	}
	g, err := stats.NewGrouping(vals)
	if err != nil {
		return nil, fmt.Errorf("%s column %q: %w", f.metadata, f.column, err)
	}
	return g, nil
}

func (in *statsInput) strata(f *statsFlags, opt *stats.PermOptions) error {
	if f.strata == "" {
		return nil
	}
	vals, err := in.column(f.strata, f.metadata)
	if err != nil {
		return err
	}
	m := map[string]int{}
	opt.Strata = make([]int, len(vals))
	for i, v := range vals {
		k, ok := m[v]
		if !ok {
			k = len(m)
			m[v] = k
		}
		opt.Strata[i] = k
	}
	return nil
}

// statsJSON is the R.json layout.
type statsJSON struct {
	Method            string            `json:"method"`
	TestStatisticName string            `json:"test_statistic_name"`
	Statistic         float64           `json:"statistic"`
	PValue            *float64          `json:"p_value"`
	Permutations      int               `json:"permutations"`
	SampleSize        int               `json:"sample_size"`
	NumberOfGroups    int               `json:"number_of_groups,omitempty"`
	R2                *float64          `json:"r2,omitempty"`
	Column            string            `json:"column,omitempty"`
	Strata            string            `json:"strata,omitempty"`
	Seed              uint64            `json:"seed"`
	Details           map[string]any    `json:"details,omitempty"`
	Terms             []statsTermJSON   `json:"terms,omitempty"`
	Pairwise          []statsPairJSON   `json:"pairwise,omitempty"`
	Inputs            map[string]string `json:"inputs"`
	Version           string            `json:"holobiont_version"`
}

type statsTermJSON struct {
	Term   string   `json:"term"`
	Df     int      `json:"df"`
	SS     float64  `json:"sum_of_squares"`
	R2     float64  `json:"r2"`
	F      *float64 `json:"F,omitempty"`
	PValue *float64 `json:"p_value,omitempty"`
}

type statsPairJSON struct {
	Group1 string   `json:"group1"`
	Group2 string   `json:"group2"`
	N      int      `json:"sample_size"`
	F      float64  `json:"pseudo_F"`
	R2     float64  `json:"r2"`
	PValue *float64 `json:"p_value"`
	QValue *float64 `json:"q_value"`
}

func writeStatsJSON(path string, cmd *cobra.Command, v *statsJSON) error {
	v.Version = version
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if path == "-" {
		_, err := cmd.OutOrStdout().Write(b)
		return err
	}
	return safefile.WriteFileContext(ctxOf(cmd), path, b)
}

// baseJSON is the part of the result JSON that comes from the flags.
func (f *statsFlags) baseJSON(dmPath string) *statsJSON {
	return &statsJSON{Column: f.column, Strata: f.strata, Seed: f.seed,
		Inputs: map[string]string{"distance_matrix": dmPath, "metadata": f.metadata}}
}

func fromResult(r *stats.Result, f *statsFlags, dmPath string) *statsJSON {
	j := f.baseJSON(dmPath)
	j.Method, j.TestStatisticName, j.Statistic, j.PValue = r.Method, r.StatName, r.Statistic, jsonnum.Ptr(r.PValue)
	j.Permutations, j.SampleSize, j.NumberOfGroups = r.Permutations, r.N, r.Groups
	return j
}

func newAnalyzePermanovaCmd() *cobra.Command {
	var (
		f        statsFlags
		pairwise bool
	)
	cmd := &cobra.Command{
		Use:   "permanova DM.tsv",
		Short: "PERMANOVA on a distance matrix (one factor, strata, or sequential terms as adonis2)",
		Long: `permanova tests whether the groups of a metadata column differ in location in the
space of the distance matrix DM.tsv (scikit-bio/QIIME square TSV).

pseudo-F = [SS_A/(a−1)] / [SS_W/(N−a)] from squared distances, R² = SS_A/SS_T,
exactly as scikit-bio's permanova and vegan's adonis2. The p-value is
(#{F_perm >= F} + 1)/(permutations + 1) from random permutations of the
group labels (within the blocks of --strata when given). Permutations run on
all cores in blocks with their own seeded streams, so the result depends on
--seed and --permutations only, not on --workers.

With several comma-separated columns the terms are fitted sequentially (first
to last) as vegan's adonis2(by = "terms"): categorical columns are coded with
treatment contrasts, numeric columns (#q2:types numeric) enter as covariates;
the JSON then has a "terms" table (df, sum of squares, R², F, p per term) and
statistic / p_value / r2 of the first term.

--pairwise adds a PERMANOVA for every pair of groups of a single column (on
the two groups' sub-matrix, as QIIME 2's --p-pairwise) with Benjamini–Hochberg
q-values over the pairs, in the JSON's "pairwise" list.

Ids of DM.tsv missing from the metadata, empty values, or a column with a
single group are errors; extra metadata rows are ignored.`,
		Example: `  holobiont analyze permanova bc.tsv --metadata sample-metadata.tsv --column body-site --permutations 999 --seed 1 --out permanova.json
  holobiont analyze permanova bc.tsv --metadata md.tsv --column body-site --strata subject --out -
  holobiont analyze permanova bc.tsv --metadata md.tsv --column body-site --pairwise --out pairwise.json
  holobiont analyze permanova bc.tsv --metadata md.tsv --column body-site,reported-antibiotic-usage,days-since-experiment-start --out terms.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.check(); err != nil {
				return err
			}
			in, _, opt, err := f.input(args[0], false)
			if err != nil {
				return err
			}
			cols := splitComma(f.column)
			if len(cols) == 1 {
				g, err := in.grouping(&f)
				if err != nil {
					return err
				}
				r, err := stats.Permanova(cmd.Context(), in.dm, g, opt)
				if err != nil {
					return err
				}
				j := fromResult(r, &f, args[0])
				j.R2 = jsonnum.Ptr(r.R2)
				if pairwise {
					vals, _ := in.column(f.column, f.metadata)
					po := f.permOptions()
					po.Src = rand.NewPCG(f.seed, 0x70616972)
					po.Strata = opt.Strata
					prs, err := stats.PairwisePermanova(cmd.Context(), in.dm, vals, po)
					if err != nil {
						return err
					}
					for _, pr := range prs {
						j.Pairwise = append(j.Pairwise, statsPairJSON{Group1: pr.Group1, Group2: pr.Group2, N: pr.N, F: pr.F, R2: pr.R2,
							PValue: jsonnum.Ptr(pr.P), QValue: jsonnum.Ptr(pr.Q)})
					}
				}
				return writeStatsJSON(f.out, cmd, j)
			}
			if pairwise {
				return fmt.Errorf("--pairwise needs a single --column")
			}
			var terms []stats.Term
			for _, c := range cols {
				vals, err := in.column(c, f.metadata)
				if err != nil {
					return err
				}
				if in.isNumeric(c) {
					x := make([]float64, len(vals))
					for i, s := range vals {
						if x[i], err = strconv.ParseFloat(s, 64); err != nil {
							return fmt.Errorf("%s column %q, id %q: %q is not a number", f.metadata, c, in.dm.IDs[i], s)
						}
					}
					terms = append(terms, stats.NumericTerm(c, x))
				} else {
					if _, err := stats.NewGrouping(vals); err != nil {
						return fmt.Errorf("%s column %q: %w", f.metadata, c, err)
					}
					terms = append(terms, stats.FactorTerm(c, vals))
				}
			}
			r, err := stats.PermanovaTerms(cmd.Context(), in.dm, terms, opt)
			if err != nil {
				return err
			}
			j := f.baseJSON(args[0])
			j.Method, j.TestStatisticName = "PERMANOVA (sequential terms, adonis2 by = \"terms\")", "pseudo-F"
			j.Statistic, j.PValue, j.R2 = r.Terms[0].F, jsonnum.Ptr(r.Terms[0].PValue), jsonnum.Ptr(r.Terms[0].R2)
			j.Permutations, j.SampleSize = r.Permutations, r.N
			for _, t := range r.Terms {
				j.Terms = append(j.Terms, statsTermJSON{Term: t.Name, Df: t.Df, SS: t.SS, R2: t.R2, F: jsonnum.Ptr(t.F), PValue: jsonnum.Ptr(t.PValue)})
			}
			j.Terms = append(j.Terms, statsTermJSON{Term: "Residual", Df: r.ResidualDf, SS: r.ResidualSS, R2: r.ResidualSS / r.TotalSS},
				statsTermJSON{Term: "Total", Df: r.N - 1, SS: r.TotalSS, R2: 1})
			return writeStatsJSON(f.out, cmd, j)
		},
	}
	f.register(cmd, true)
	cmd.Flags().BoolVar(&pairwise, "pairwise", false, "also test every pair of groups, with Benjamini–Hochberg q over the pairs")
	return cmd
}

func newAnalyzePermdispCmd() *cobra.Command {
	var (
		f           statsFlags
		typ, scheme string
	)
	cmd := &cobra.Command{
		Use:   "permdisp DM.tsv",
		Short: "PERMDISP: test of homogeneity of multivariate dispersions",
		Long: `permdisp embeds DM.tsv by principal coordinates, measures each sample's distance
to its group's spatial median (--type median, default, as vegan) or centroid
(--type centroid), and reports the one-way ANOVA F of those distances.

The two peer tools agree on F but not on the p-value, because they permute
differently; choose with --scheme (recorded in the JSON):
  vegan  (default) keep the distances fixed and permute the residuals of the
         ANOVA (Anderson 2006; vegan's betadisper + permutest); principal axes
         with negative eigenvalues count as imaginary axes.
  skbio  permute the group labels and recompute the centres and distances for
         every permutation (scikit-bio's permdisp); negative axes are dropped.
On GlobalPatterns (Bray–Curtis, sample type) the two give p ≈ 0.003 and p ≈
0.10 for the spatial median; the F values agree to about 1e-3 (the spatial
median is an iterative optimum; holobiont iterates Weiszfeld to 1e-14).`,
		Example: `  holobiont analyze permdisp bc.tsv --metadata md.tsv --column body-site --permutations 999 --seed 1 --out permdisp.json
  holobiont analyze permdisp bc.tsv --metadata md.tsv --column body-site --type centroid --scheme skbio --out -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.check(); err != nil {
				return err
			}
			var po stats.PermdispOptions
			switch scheme {
			case "vegan":
				po = stats.VeganPermdisp
			case "skbio":
				po = stats.SkbioPermdisp
			default:
				return fmt.Errorf("--scheme %q: want vegan or skbio", scheme)
			}
			switch typ {
			case "median":
				po.Type = stats.Median
			case "centroid":
				po.Type = stats.Centroid
			default:
				return fmt.Errorf("--type %q: want median or centroid", typ)
			}
			in, g, opt, err := f.input(args[0], true)
			if err != nil {
				return err
			}
			r, err := stats.Permdisp(cmd.Context(), in.dm, g, po, opt)
			if err != nil {
				return err
			}
			j := fromResult(&r.Result, &f, args[0])
			gd := map[string]float64{}
			for c, v := range r.GroupDistances {
				gd[g.Names[c]] = v
			}
			j.Details = map[string]any{"type": typ, "scheme": scheme, "permutation_scheme": po.Scheme.String(),
				"negative_axes": po.NegativeAxes, "group_mean_distances": gd}
			return writeStatsJSON(f.out, cmd, j)
		},
	}
	f.register(cmd, false)
	cmd.Flags().StringVar(&typ, "type", "median", "group centre: median (spatial median) or centroid")
	cmd.Flags().StringVar(&scheme, "scheme", "vegan", "permutation scheme: vegan (permute residuals) or skbio (permute labels)")
	return cmd
}

func newAnalyzeAnosimCmd() *cobra.Command {
	var f statsFlags
	cmd := &cobra.Command{
		Use:   "anosim DM.tsv",
		Short: "ANOSIM: analysis of similarities on ranked distances",
		Long: `anosim computes R = (r̄_B − r̄_W)/(M/2) from the ranks of the M = n(n−1)/2
distances (ties averaged), as scikit-bio and vegan do, and its permutation
p-value (#{R_perm >= R} + 1)/(permutations + 1) from random permutations of
the group labels (within --strata blocks when given).`,
		Example: `  holobiont analyze anosim bc.tsv --metadata md.tsv --column body-site --permutations 999 --seed 1 --out anosim.json`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.check(); err != nil {
				return err
			}
			in, g, opt, err := f.input(args[0], true)
			if err != nil {
				return err
			}
			r, err := stats.Anosim(cmd.Context(), in.dm, g, opt)
			if err != nil {
				return err
			}
			return writeStatsJSON(f.out, cmd, fromResult(r, &f, args[0]))
		},
	}
	f.register(cmd, false)
	return cmd
}

func newAnalyzeMantelCmd() *cobra.Command {
	var (
		method, alt string
		f           permFlags
	)
	cmd := &cobra.Command{
		Use:   "mantel DM1.tsv DM2.tsv",
		Short: "Mantel test between two distance matrices (Pearson or Spearman)",
		Long: `mantel correlates the upper triangles of two distance matrices over the same ids
(DM2 is reordered to DM1's order; the id sets must be equal) and tests the
correlation by permuting the rows and columns of DM1 together, as
scikit-bio's mantel. --alternative two-sided (scikit-bio's default) counts
|r_perm| >= |r|; greater (vegan's mantel) counts r_perm >= r; less r_perm <= r.`,
		Example: `  holobiont analyze mantel bc.tsv unifrac.tsv --method spearman --permutations 999 --seed 1 --out mantel.json
  holobiont analyze mantel bc.tsv jaccard.tsv --method pearson --alternative greater --out -`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.checkOut(); err != nil {
				return err
			}
			var m stats.CorMethod
			switch method {
			case "pearson":
				m = stats.Pearson
			case "spearman":
				m = stats.Spearman
			default:
				return fmt.Errorf("--method %q: want pearson or spearman", method)
			}
			var a stats.Alternative
			switch alt {
			case "two-sided":
				a = stats.TwoSided
			case "greater":
				a = stats.Greater
			case "less":
				a = stats.Less
			default:
				return fmt.Errorf("--alternative %q: want two-sided, greater or less", alt)
			}
			if err := f.checkPermutations(); err != nil {
				return err
			}
			x, err := distmat.ReadFile(args[0])
			if err != nil {
				return err
			}
			y, err := distmat.ReadFile(args[1])
			if err != nil {
				return err
			}
			y, err = alignMatrix(y, x.IDs, args[1], args[0])
			if err != nil {
				return err
			}
			r, err := stats.Mantel(cmd.Context(), x, y, m, a, f.permOptions())
			if err != nil {
				return err
			}
			j := &statsJSON{Method: "Mantel", TestStatisticName: m.String() + " r", Statistic: r.Statistic,
				PValue: jsonnum.Ptr(r.PValue), Permutations: f.permutations, SampleSize: r.N, Seed: f.seed,
				Details: map[string]any{"method": method, "alternative": alt},
				Inputs:  map[string]string{"distance_matrix_1": args[0], "distance_matrix_2": args[1]}}
			return writeStatsJSON(f.out, cmd, j)
		},
	}
	cmd.Flags().StringVar(&method, "method", "pearson", "correlation: pearson or spearman")
	cmd.Flags().StringVar(&alt, "alternative", "two-sided", "two-sided, greater or less")
	f.register(cmd, "random seed")
	return cmd
}

// alignMatrix returns m reordered to ids; the id sets must be equal.
func alignMatrix(m *distmat.Matrix, ids []string, mPath, refPath string) (*distmat.Matrix, error) {
	out, err := distmat.Reorder(m, ids)
	var me *distmat.MismatchError
	if !errors.As(err, &me) {
		return out, err
	}
	var parts []string
	if len(me.OnlyWanted) > 0 {
		parts = append(parts, fmt.Sprintf("only in %s: %s", refPath, listIDs(me.OnlyWanted)))
	}
	if len(me.OnlyHave) > 0 {
		parts = append(parts, fmt.Sprintf("only in %s: %s", mPath, listIDs(me.OnlyHave)))
	}
	return nil, fmt.Errorf("the distance matrices have different ids (%s)", strings.Join(parts, "; "))
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
