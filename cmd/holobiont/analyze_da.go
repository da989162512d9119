package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/da"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/report"
)

type daFlags struct {
	metadata, formula, random, method, out, html, padjust, taxonomy, rank, transform, norm, group string
	references                                                                                    []string
	alpha, minPrevalence                                                                          float64
	strucZero, negLB, sensitivity, conserve                                                       bool
	mcSamples, consensusK, nullSplits, workers                                                    int
	seed                                                                                          uint64
}

func newAnalyzeDACmd() *cobra.Command {
	var f daFlags
	cmd := &cobra.Command{
		Use:   "da TABLE --metadata MD --formula \"~ group + age\" --method M --out res.tsv",
		Short: "Differential abundance: ANCOM-BC, ALDEx2-style, LinDA, Wilcoxon, LM, logistic, NB Wald, consensus",
		Long: `da tests every taxon of TABLE for a difference in abundance with each
coefficient of --formula (an R formula over --metadata columns: "~ group",
"~ group + age", "~ time * group"; factors use treatment contrasts with the
first sorted level as reference unless --reference group=LEVEL).

Methods (--method):
  ancombc    ANCOM-BC (Lin & Peddada 2020): log(count + 1) linear model with
             sandwich variances, the sampling-fraction bias of each
             coefficient estimated by the three-component EM and removed;
             W = lfc/se, normal p, Holm q (as R's ancombc). --struc-zero
             applies the ANCOM-II structural-zero rule to the factor
             --group (default: the formula's first factor); --conserve
             adds the variance of the bias estimate to each se (R's
             conserve = TRUE, advised for small samples or many
             differentially abundant taxa); --sensitivity (default on)
             adds ANCOM-BC2's pseudo-count sensitivity score ss and
             passed_ss.
  aldex2     ALDEx2-style: --mc-samples Dirichlet instances of counts + 0.5,
             CLR; for one two-level factor Welch and Wilcoxon tests with
             expected p and expected BH (p = we.ep, q = we.eBH) and ALDEx2's
             effect size; otherwise a linear model per instance (aldex.glm).
  linda      LinDA (Zhou et al. 2022): CLR (log2) linear model, zeros by
             pseudo-count 0.5 or imputation (adaptive), each coefficient's
             bias = the mode of its estimates (mean-shift); BH.
  wilcoxon   Wilcoxon rank-sum (two levels) or Kruskal–Wallis (more) on
             relative abundance; the formula must be one factor.
  lm         linear model per taxon on relative abundance (--transform
             relative, log or clr; --norm tss, or tmm/rle for edgeR's TMM or
             DESeq2's median-of-ratios library sizes).
  logistic   logistic regression of presence (count > 0), Wald z.
  nbwald     DESeq2-style negative-binomial Wald test: size factors (median
             of ratios, or --norm poscounts; poscounts when no taxon is
             positive in every sample), gene-wise Cox–Reid dispersions,
             the parametric trend, MAP shrinkage, an NB GLM per taxon (IRLS,
             ridge 1e-6 on log2 coefficients), Wald z, BH q. effect = ln
             fold change; log2FoldChange, lfcSE and the dispersions follow.
             No Cook's-distance or independent filtering (as DESeq2's
             results(cooksCutoff = FALSE, independentFiltering = FALSE)).
  consensus  runs every applicable method; a taxon is called when at least
             --consensus-k methods (default: a majority) give q < --alpha.
--random COLUMN adds a subject random intercept (REML, as lme4; df by nlme's
between/within rule) to linda and lm.

Taxa present in fewer than --min-prevalence of the samples are dropped first
(ANCOM-BC's prv_cut, default 0.1); --rank collapses to a taxonomic rank.

Output (TSV): taxon, term, effect, se, statistic, p, q, then the method's own
columns. Comment lines record the settings, the effect's unit and each
method's bias estimates. "NA" marks undefined values. --html writes a
volcano plot and a per-taxon effect plot. --null-splits K instead reruns the
method on K random halves of the largest group (no true difference) and
writes the number and fraction of taxa called per split (the false-positive
check of Nearing et al. 2022).

A formula naming a missing or constant column, a group with one sample, a
random-effect column with one level, a sample with no counts or non-integer
counts for a count model (ancombc, aldex2, linda, nbwald, consensus) is an error
naming the file, column and sample; nothing is written.`,
		Example: `  holobiont analyze da table.biom --metadata md.tsv --formula "~ arm" --method ancombc --out da.tsv
  holobiont analyze da family.tsv --metadata md.tsv --formula "~ age + nationality + bmi_group" --reference bmi_group=underweight --struc-zero --group bmi_group --conserve --out ancombc.tsv
  holobiont analyze da table.biom --metadata md.tsv --formula "~ arm + age" --method linda --random subject --out da.tsv --html da.html
  holobiont analyze da table.tsv --metadata md.tsv --formula "~ arm" --reference arm=placebo --method aldex2 --mc-samples 128 --seed 7 --out da.tsv
  holobiont analyze da table.biom --metadata md.tsv --formula "~ arm + age" --method nbwald --min-prevalence 0 --out nb.tsv
  holobiont analyze da table.biom --metadata md.tsv --formula "~ arm" --method consensus --consensus-k 3 --out consensus.tsv
  holobiont analyze da table.biom --metadata md.tsv --formula "~ arm" --method wilcoxon --null-splits 20 --out null.tsv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runDA(cmd, args[0], &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.metadata, "metadata", "", "sample metadata TSV (required)")
	fl.StringVar(&f.formula, "formula", "", `model formula over metadata columns, e.g. "~ group + age" (required)`)
	fl.StringVar(&f.random, "random", "", "metadata column for a random intercept (linda, lm)")
	fl.StringVar(&f.method, "method", "ancombc", "ancombc, aldex2, linda, wilcoxon, lm, logistic, nbwald or consensus")
	fl.StringVar(&f.out, "out", "", "output TSV (required; - for stdout)")
	fl.StringVar(&f.html, "html", "", "also write an HTML report with a volcano and a per-taxon effect plot")
	fl.StringVar(&f.padjust, "p-adjust", "", "holm or bh (default: holm for ancombc, bh otherwise)")
	fl.StringVar(&f.taxonomy, "taxonomy", "", "taxonomy TSV (Feature ID, Taxon) when the table carries none")
	fl.StringVar(&f.rank, "rank", "none", "collapse to this rank first (kingdom..species, or none)")
	fl.StringVar(&f.transform, "transform", "relative", "lm response: relative, log or clr")
	fl.StringVar(&f.norm, "norm", "tss", "lm library-size normalisation: tss, tmm (edgeR) or rle (DESeq2); nbwald: rle or poscounts (default: rle when some taxon is positive in every sample)")
	fl.StringSliceVar(&f.references, "reference", nil, "reference level of a factor, COLUMN=LEVEL (repeatable)")
	fl.Float64Var(&f.alpha, "alpha", 0.05, "significance level for calls (q < alpha)")
	fl.Float64Var(&f.minPrevalence, "min-prevalence", 0.1, "drop taxa present in fewer than this fraction of samples")
	fl.BoolVar(&f.strucZero, "struc-zero", false, "ancombc: structural zeros of the first factor (ANCOM-II rule)")
	fl.StringVar(&f.group, "group", "", "ancombc: the factor whose levels --struc-zero checks (R's group; default: the formula's first factor)")
	fl.BoolVar(&f.conserve, "conserve", false, "ancombc: add the bias estimate's variance to each se (R's conserve = TRUE)")
	fl.BoolVar(&f.negLB, "neg-lb", false, "ancombc: structural zeros by the lower confidence bound of prevalence")
	fl.BoolVar(&f.sensitivity, "sensitivity", true, "ancombc: pseudo-count sensitivity score (ANCOM-BC2)")
	fl.IntVar(&f.mcSamples, "mc-samples", 128, "aldex2: Dirichlet Monte-Carlo instances")
	fl.IntVar(&f.consensusK, "consensus-k", 0, "consensus: methods that must agree (0 = a majority)")
	fl.IntVar(&f.nullSplits, "null-splits", 0, "rerun on K random within-group splits and report the fraction of taxa called")
	fl.IntVar(&f.workers, "workers", 0, "worker goroutines (0 = all cores; results do not depend on it)")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed (aldex2 instances, null splits)")
	return cmd
}

func runDA(cmd *cobra.Command, tablePath string, f *daFlags) error {
	if f.out == "" {
		return fmt.Errorf("--out is required (use - for stdout)")
	}
	if f.metadata == "" || f.formula == "" {
		return fmt.Errorf("--metadata and --formula are required")
	}
	m, err := da.ParseMethod(f.method)
	if err != nil {
		return fmt.Errorf("--method: %w", err)
	}
	if f.padjust != "" && f.padjust != "holm" && f.padjust != "bh" {
		return fmt.Errorf("--p-adjust %q: want holm or bh", f.padjust)
	}
	if !(f.alpha > 0 && f.alpha < 1) {
		return fmt.Errorf("--alpha %g: want a value in (0, 1)", f.alpha)
	}
	if f.minPrevalence < 0 || f.minPrevalence >= 1 {
		return fmt.Errorf("--min-prevalence %g: want a fraction in [0, 1)", f.minPrevalence)
	}
	if f.group != "" && !f.strucZero {
		return fmt.Errorf("--group %q names the factor of --struc-zero; add --struc-zero", f.group)
	}
	fm, err := da.ParseFormula(f.formula)
	if err != nil {
		return fmt.Errorf("--formula: %w", err)
	}
	refs := map[string]string{}
	for _, r := range f.references {
		k, v, ok := strings.Cut(r, "=")
		if !ok || k == "" || v == "" {
			return fmt.Errorf("--reference %q: want COLUMN=LEVEL", r)
		}
		refs[k] = v
	}
	s, err := loadStudy(tablePath, f.metadata, f.taxonomy, f.rank)
	if err != nil {
		return err
	}
	vars := append(fm.Vars(), f.random)
	d, err := da.NewDesign(fm, s.daColumns(vars...), s.t.SampleIDs, da.DesignOptions{Reference: refs, Random: f.random})
	if err != nil {
		return fmt.Errorf("%s: %w", f.metadata, err)
	}
	all := s.dense()
	c, _ := da.Filter(all, f.minPrevalence)
	dropped := all.M() - c.M()
	opt := da.Options{Alpha: f.alpha, PAdjust: f.padjust, StrucZero: f.strucZero, Group: f.group, Conserve: f.conserve, NegLB: f.negLB, Sensitivity: f.sensitivity,
		MCSamples: f.mcSamples, Seed: f.seed, Transform: f.transform, Norm: f.norm, MinMethods: f.consensusK, Workers: f.workers}
	if m == da.NBWald && !cmd.Flags().Changed("norm") {
		opt.Norm = "" // nbwald's own default (median of ratios, else poscounts)
	}
	ctx := cmd.Context()
	header := fmt.Sprintf("# holobiont %s analyze da %s: method=%s formula=%q random=%q samples=%d taxa=%d (dropped %d below prevalence %g) alpha=%g p-adjust=%s seed=%d",
		version, tablePath, m, fm.String(), f.random, c.N(), c.M(), dropped, f.minPrevalence, f.alpha, orDefault(f.padjust, "method default"), f.seed)
	if f.nullSplits > 0 {
		splits, err := da.NullSplits(ctx, m, c, d, f.nullSplits, opt)
		if err != nil {
			return fmt.Errorf("%s: %w", tablePath, err)
		}
		return divWriteOutput(cmd, f.out, func(w *bufio.Writer) error { return writeNullSplits(w, header, splits) })
	}
	res, err := da.Run(ctx, m, c, d, opt)
	if err != nil {
		return fmt.Errorf("%s: %w", tablePath, err)
	}
	if f.html != "" {
		page := daPage(res, header, f)
		sf, err := safefile.CreateContext(ctx, f.html)
		if err != nil {
			return err
		}
		defer sf.Abort()
		if err := page.WriteHTML(sf); err != nil {
			return fmt.Errorf("write %s: %w", f.html, err)
		}
		if err := divWriteOutput(cmd, f.out, func(w *bufio.Writer) error { return writeDA(w, header, res) }); err != nil {
			return err
		}
		return sf.Commit()
	}
	return divWriteOutput(cmd, f.out, func(w *bufio.Writer) error { return writeDA(w, header, res) })
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func writeDA(w io.Writer, header string, res *da.Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, header)
	fmt.Fprintf(bw, "# effect: %s\n", res.EffectUnit)
	for _, n := range res.Notes {
		fmt.Fprintf(bw, "# %s\n", n)
	}
	fmt.Fprint(bw, "taxon\tterm\teffect\tse\tstatistic\tp\tq")
	for _, e := range res.Extra {
		fmt.Fprint(bw, "\t"+e)
	}
	fmt.Fprintln(bw)
	for _, r := range res.Rows {
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\t%s\t%s\t%s", r.Taxon, r.Term, fmtNum(r.Effect), fmtNum(r.SE), fmtNum(r.Statistic), fmtNum(r.P), fmtNum(r.Q))
		for _, v := range r.Extra {
			fmt.Fprint(bw, "\t"+fmtNum(v))
		}
		fmt.Fprintln(bw)
	}
	return bw.Flush()
}

func writeNullSplits(w io.Writer, header string, splits []da.NullSplit) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, header)
	var fr []float64
	for _, s := range splits {
		fr = append(fr, float64(s.Called)/math.Max(1, float64(s.Tested)))
	}
	sorted := append([]float64(nil), fr...)
	sort.Float64s(sorted)
	var mean float64
	for _, v := range fr {
		mean += v / float64(len(fr))
	}
	fmt.Fprintf(bw, "# null splits: %d random halves of group %q; fraction of taxa called: mean %.4g, median %.4g, max %.4g\n",
		len(splits), splits[0].Group, mean, sorted[len(sorted)/2], sorted[len(sorted)-1])
	fmt.Fprintln(bw, "split\tgroup\tsamples\ttaxa_tested\ttaxa_called\tfraction_called")
	for k, s := range splits {
		fmt.Fprintf(bw, "%d\t%s\t%d\t%d\t%d\t%s\n", k+1, s.Group, s.N, s.Tested, s.Called, fmtNum(fr[k]))
	}
	return bw.Flush()
}

// daPage is the HTML report of one DA result: a volcano plot and a
// per-taxon effect plot for each term.
func daPage(res *da.Result, header string, f *daFlags) *report.Page {
	page := &report.Page{Title: "holobiont differential abundance: " + string(res.Method), Subtitle: strings.TrimPrefix(header, "# "),
		Meta: [][2]string{{"holobiont", version}, {"method", string(res.Method)}, {"formula", f.formula}, {"effect", res.EffectUnit},
			{"alpha", strconv.FormatFloat(f.alpha, 'g', -1, 64)}}}
	var terms []string
	byTerm := map[string][]da.Row{}
	for _, r := range res.Rows {
		if _, ok := byTerm[r.Term]; !ok {
			terms = append(terms, r.Term)
		}
		byTerm[r.Term] = append(byTerm[r.Term], r)
	}
	for _, t := range terms {
		rows := byTerm[t]
		sec := report.Section{Heading: t, Text: fmt.Sprintf("%d taxa; %d called at q < %g. Hover a point for the taxon.", len(rows), countCalled(rows, f.alpha), f.alpha)}
		x, y := make([]float64, len(rows)), make([]float64, len(rows))
		grp, lab := make([]string, len(rows)), make([]string, len(rows))
		for i, r := range rows {
			x[i], y[i] = r.Effect, -math.Log10(math.Max(r.P, 1e-300))
			grp[i] = "not called"
			if r.Q < f.alpha {
				grp[i] = fmt.Sprintf("q < %g", f.alpha)
			}
			lab[i] = r.Taxon
		}
		sec.Figures = append(sec.Figures, report.Scatter{Title: "Volcano: " + t, XLabel: "effect", YLabel: "−log10 p", X: x, Y: y,
			Groups: grp, Labels: lab, HoverOnly: true, Palette: []string{fmt.Sprintf("q < %g", f.alpha), "not called"}})
		sorted := append([]da.Row(nil), rows...)
		sort.SliceStable(sorted, func(a, b int) bool { return lessNaN(sorted[a].P, sorted[b].P) })
		if len(sorted) > 40 {
			sorted = sorted[:40]
		}
		fp := report.Forest{Title: "Effect per taxon (40 smallest p): " + t, XLabel: "effect (± 1.96 se)",
			HighlightLegend: [2]string{fmt.Sprintf("q < %g", f.alpha), "not called"}}
		for _, r := range sorted {
			fp.Labels = append(fp.Labels, r.Taxon)
			fp.Est = append(fp.Est, r.Effect)
			fp.Low = append(fp.Low, r.Effect-1.96*r.SE)
			fp.High = append(fp.High, r.Effect+1.96*r.SE)
			fp.Highlight = append(fp.Highlight, r.Q < f.alpha)
		}
		sec.Figures = append(sec.Figures, fp)
		page.Sections = append(page.Sections, sec)
	}
	return page
}

func lessNaN(a, b float64) bool {
	if math.IsNaN(a) {
		return false
	}
	if math.IsNaN(b) {
		return true
	}
	return a < b
}

func countCalled(rows []da.Row, alpha float64) int {
	n := 0
	for _, r := range rows {
		if r.Q < alpha {
			n++
		}
	}
	return n
}
