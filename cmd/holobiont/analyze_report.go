package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/distmat"
	"github.com/holobiont/holobiont/diversity"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/report"
	"github.com/holobiont/holobiont/stats"
	"github.com/holobiont/holobiont/table"
)

type reportFlags struct {
	assocFlags
	treePath, group, out, metric, barRank string
	permutations, rarefy, barTop          int
	seed                                  uint64
}

func newAnalyzeReportCmd() *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report TABLE",
		Short: "Self-contained HTML study report: rarefied alpha, PCoA with PERMANOVA, taxa bar plots, associations",
		Long: `report writes one self-contained HTML file (inline SVG and CSS, no network) for a
study. Every figure colours the --group levels the same way, and every figure
can be downloaded as SVG or PNG from the links under it.

  - the table is rarefied first (--rarefy DEPTH; 0, the default, takes the
    smallest sample's depth so no sample is lost; -1 keeps the raw counts),
    seeded by --seed; the depth is stated in the report;
  - alpha diversity (observed, Shannon base e, and Faith PD with --tree) as
    box plots by --group, with a Kruskal–Wallis test per metric;
  - PCoA of the --metric distances (braycurtis by default, or
    unweighted-unifrac when --tree is given; jaccard, aitchison and
    weighted-unifrac too), points coloured by group and named on hover, with
    the PERMANOVA of --group and every pair of groups (BH q);
  - taxa bar plots of the --bar-top taxa at --bar-rank (genus; "none" for
    features), per sample and per group mean;
  - with --by and --vars: per-site association heat maps (taxa × variables)
    from the pipeline of "analyze assoc" (its flags apply) on one shared
    colour scale, with the table of rows with q < 0.25.`,
		Example: `  holobiont analyze report table.biom --metadata md.tsv --group body-site --out report.html
  holobiont analyze report table.biom --taxonomy taxonomy.tsv --tree tree.nwk --metadata md.tsv --group body-site --rarefy 1000 --bar-rank genus --out report.html
  holobiont analyze report table.biom --metadata md.tsv --group body-site --metric jaccard --by body-site --vars stress,mood --out report.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(cmd, args[0], &f) },
	}
	f.register(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&f.metadata, "metadata", "", "sample metadata TSV (required)")
	fl.StringVar(&f.group, "group", "", "metadata column for colours, box plots and PERMANOVA (required)")
	fl.StringVar(&f.treePath, "tree", "", "Newick tree (adds Faith PD; UniFrac becomes the default metric)")
	fl.StringVar(&f.metric, "metric", "", "beta metric: braycurtis, jaccard, aitchison, unweighted-unifrac or weighted-unifrac")
	fl.IntVar(&f.rarefy, "rarefy", 0, "rarefaction depth (0 = smallest sample depth, -1 = none)")
	fl.StringVar(&f.barRank, "bar-rank", "genus", "rank of the taxa bar plots (kingdom..species, or none)")
	fl.IntVar(&f.barTop, "bar-top", 10, "taxa shown in the bar plots (the rest are summed as Other)")
	fl.IntVar(&f.permutations, "permutations", 999, "PERMANOVA permutations")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed (rarefaction, permutations)")
	fl.StringVar(&f.out, "out", "", "output HTML file (required)")
	return cmd
}

func runReport(cmd *cobra.Command, tablePath string, f *reportFlags) error {
	if f.out == "" {
		return fmt.Errorf("--out is required")
	}
	if f.metadata == "" || f.group == "" {
		return fmt.Errorf("--metadata and --group are required")
	}
	if f.metric == "" {
		f.metric = "braycurtis"
		if f.treePath != "" {
			f.metric = "unweighted-unifrac"
		}
	}
	switch f.metric {
	case "braycurtis", "jaccard", "aitchison", "unweighted-unifrac", "weighted-unifrac":
	default:
		return fmt.Errorf("--metric %q: want braycurtis, jaccard, aitchison, unweighted-unifrac or weighted-unifrac", f.metric)
	}
	if strings.Contains(f.metric, "unifrac") && f.treePath == "" {
		return fmt.Errorf("--metric %s needs --tree", f.metric)
	}
	ctx := cmd.Context()
	s, err := loadStudy(tablePath, f.metadata, f.taxonomy, "")
	if err != nil {
		return err
	}
	raw := s.t
	depth := f.rarefy
	t := raw
	if depth == 0 {
		depth = minDepth(raw)
	}
	if depth > 0 {
		if t, err = rarefyTable(cmd, raw, tablePath, depth, f.seed); err != nil {
			return err
		}
	}
	groups, err := reportGroups(s, t.SampleIDs, f.group)
	if err != nil {
		return err
	}
	palette := factorLevels(groups)
	depthText := "raw counts (not rarefied)"
	if depth > 0 {
		depthText = fmt.Sprintf("rarefied to %d reads per sample (seed %d; %d of %d samples kept)", depth, f.seed, t.NumSamples(), raw.NumSamples())
	}
	var phylo *diversity.Phylo
	if f.treePath != "" {
		if phylo, err = divLoadPhylo(f.treePath, tablePath, t); err != nil {
			return err
		}
	}
	alphaSec, err := reportAlpha(ctx, t, groups, palette, phylo, f.group, depthText)
	if err != nil {
		return err
	}
	ordSec, err := reportBeta(ctx, t, groups, palette, phylo, f, depthText)
	if err != nil {
		return err
	}
	sections := []report.Section{alphaSec, ordSec}
	if bars, err := reportBars(raw, s, groups, palette, f); err != nil {
		return err
	} else {
		sections = append(sections, bars)
	}
	page := &report.Page{Title: "holobiont study report", Subtitle: tablePath, Downloads: true,
		Meta: [][2]string{{"holobiont", version}, {"table", tablePath}, {"metadata", f.metadata}, {"group", f.group},
			{"samples", strconv.Itoa(t.NumSamples())}, {"features", strconv.Itoa(t.NumFeatures())}, {"rarefaction", depthText},
			{"beta metric", f.metric}, {"seed", strconv.FormatUint(f.seed, 10)}},
		Sections: sections}
	if f.by != "" && f.vars != "" {
		rows, _, err := assocRun(cmd, tablePath, &f.assocFlags)
		if err != nil {
			return err
		}
		page.Sections = append(page.Sections, assocSections(rows, &f.assocFlags)...)
		page.Meta = append(page.Meta, [2]string{"association", fmt.Sprintf("by %s; %s on %s (rank %s, min prevalence %g); BH within site", f.by, f.method, f.transform, f.rank, f.minPrevalence)})
	}
	sf, err := safefile.CreateContext(ctxOf(cmd), f.out)
	if err != nil {
		return err
	}
	defer sf.Abort()
	if err := page.WriteHTML(sf); err != nil {
		return fmt.Errorf("write %s: %w", f.out, err)
	}
	return sf.Commit()
}

// minDepth is the smallest sample total.
func minDepth(t *table.Table) int {
	d := math.Inf(1)
	for i := 0; i < t.NumSamples(); i++ {
		_, v := t.Sample(i)
		var s float64
		for _, x := range v {
			s += x
		}
		d = math.Min(d, s)
	}
	if math.IsInf(d, 1) || d < 1 {
		return -1
	}
	return int(d)
}

// reportGroups returns the --group value of each id ("(missing)" when empty).
func reportGroups(s *study, ids []string, col string) ([]string, error) {
	v, ok := s.md.Column(col)
	if !ok {
		return nil, fmt.Errorf("%s has no column %q (columns: %s)", s.mdPath, col, strings.Join(s.md.Columns, ", "))
	}
	rows, err := s.md.Align(ids)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ids))
	for i, r := range rows {
		out[i] = v[r]
		if out[i] == "" {
			out[i] = "(missing)"
		}
	}
	return out, nil
}

func reportAlpha(ctx context.Context, t *table.Table, groups, palette []string, phylo *diversity.Phylo, group, depthText string) (report.Section, error) {
	metrics := []string{diversity.MetricObserved, diversity.MetricShannon}
	opt := diversity.AlphaOptions{}
	if phylo != nil {
		opt.Tree = phylo
		metrics = append(metrics, diversity.MetricFaithPD)
	}
	alpha, err := diversity.Alpha(ctx, t, metrics, opt, nil)
	if err != nil {
		return report.Section{}, err
	}
	li := map[string]int{}
	for k, l := range palette {
		li[l] = k
	}
	sec := report.Section{Heading: "Alpha diversity by " + group,
		Text: "Observed features, Shannon entropy (natural log)" + map[bool]string{true: " and Faith's phylogenetic diversity", false: ""}[phylo != nil] +
			" per sample, by " + group + ", on the table " + depthText + ". Kruskal–Wallis tests across the groups."}
	tb := report.Table{Header: []string{"metric", "Kruskal–Wallis H", "df", "p"}}
	nm := len(metrics)
	for m, name := range metrics {
		vals := make([][]float64, len(palette))
		var all []float64
		var lab []int
		for i := range groups {
			v := alpha[i*nm+m]
			vals[li[groups[i]]] = append(vals[li[groups[i]]], v)
			if !math.IsNaN(v) {
				all = append(all, v)
				lab = append(lab, li[groups[i]])
			}
		}
		sec.Figures = append(sec.Figures, report.BoxPlot{Title: name, YLabel: name, Groups: palette, Values: vals, Palette: palette})
		if kw, err := stats.KruskalWallis(all, lab, len(palette)); err == nil {
			tb.Rows = append(tb.Rows, []string{name, fmt.Sprintf("%.4g", kw.Statistic), strconv.Itoa(kw.DF), fmt.Sprintf("%.4g", kw.PValue)})
		}
	}
	if len(tb.Rows) > 0 {
		sec.Tables = []report.Table{tb}
	}
	return sec, nil
}

func reportBeta(ctx context.Context, t *table.Table, groups, palette []string, phylo *diversity.Phylo, f *reportFlags, depthText string) (report.Section, error) {
	var dm *distmat.Matrix
	var err error
	opt := diversity.BetaOptions{}
	switch f.metric {
	case "braycurtis":
		dm, err = diversity.BrayCurtis(ctx, t, opt)
	case "jaccard":
		dm, err = diversity.Jaccard(ctx, t, false, opt)
	case "aitchison":
		dm, err = diversity.Aitchison(ctx, t, 1, opt)
	case "unweighted-unifrac":
		dm, err = diversity.UnweightedUniFrac(ctx, t, phylo, opt)
	case "weighted-unifrac":
		dm, err = diversity.WeightedUniFrac(ctx, t, phylo, true, opt)
	}
	if err != nil {
		return report.Section{}, err
	}
	pc, err := diversity.PCoAAxes(ctx, dm, 2)
	if err != nil {
		return report.Section{}, err
	}
	n, k := t.NumSamples(), pc.Axes
	x, y := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		x[i] = pc.Coordinates[i*k]
		if k > 1 {
			y[i] = pc.Coordinates[i*k+1]
		}
	}
	pe := func(k int) float64 {
		if k < len(pc.ProportionExplained) {
			return 100 * pc.ProportionExplained[k]
		}
		return 0
	}
	name := map[string]string{"braycurtis": "Bray–Curtis", "jaccard": "Jaccard", "aitchison": "Aitchison (pseudocount 1)",
		"unweighted-unifrac": "unweighted UniFrac", "weighted-unifrac": "weighted UniFrac (normalized)"}[f.metric]
	sec := report.Section{Heading: "PCoA of " + name + " distances",
		Figures: []report.Figure{report.Scatter{Title: "PCoA (" + name + ")", XLabel: fmt.Sprintf("PC1 (%.1f%%)", pe(0)),
			YLabel: fmt.Sprintf("PC2 (%.1f%%)", pe(1)), X: x, Y: y, Groups: groups, Labels: t.SampleIDs, Equal: true, HoverOnly: true, Palette: palette}}}
	g, err := stats.NewGrouping(groups)
	if err != nil {
		sec.Text = fmt.Sprintf("Distances on the table %s. No PERMANOVA: %v.", depthText, err)
		return sec, nil
	}
	r, err := stats.Permanova(ctx, dm, g, stats.PermOptions{Permutations: f.permutations, Src: rand.NewPCG(f.seed, 0x686f6c6f)})
	if err != nil {
		return report.Section{}, err
	}
	sec.Text = fmt.Sprintf("Distances on the table %s; hover a point for its sample. PERMANOVA of %s: pseudo-F = %.4g, R² = %.3f, p = %.4g (%d permutations, seed %d); pairs below with Benjamini–Hochberg q.",
		depthText, f.group, r.Statistic, r.R2, r.PValue, f.permutations, f.seed)
	tb := report.Table{Header: []string{"test", "groups", "n", "pseudo-F", "R²", "p", "q"},
		Rows: [][]string{{"PERMANOVA", strconv.Itoa(r.Groups), strconv.Itoa(r.N), fmt.Sprintf("%.6g", r.Statistic), fmt.Sprintf("%.4f", r.R2), fmt.Sprintf("%.4g", r.PValue), ""}}}
	if r.Groups > 2 {
		prs, err := stats.PairwisePermanova(ctx, dm, groups, stats.PermOptions{Permutations: f.permutations, Src: rand.NewPCG(f.seed, 0x70616972)})
		if err != nil {
			return report.Section{}, err
		}
		for _, p := range prs {
			tb.Rows = append(tb.Rows, []string{p.Group1 + " vs " + p.Group2, "2", strconv.Itoa(p.N), fmt.Sprintf("%.6g", p.F), fmt.Sprintf("%.4f", p.R2), fmt.Sprintf("%.4g", p.P), fmt.Sprintf("%.4g", p.Q)})
		}
	}
	sec.Tables = []report.Table{tb}
	return sec, nil
}

// reportBars draws the top taxa at the bar rank per sample (ordered by
// group) and per group (mean relative abundance).
func reportBars(raw *table.Table, s *study, groups, palette []string, f *reportFlags) (report.Section, error) {
	t := raw
	rankName := "feature"
	if f.barRank != "" && f.barRank != "none" {
		if t.Taxonomy == nil {
			return report.Section{Heading: "Taxa bar plots", Text: "No taxonomy: give --taxonomy, or --bar-rank none for features."}, nil
		}
		r, err := table.ParseRank(f.barRank)
		if err != nil {
			return report.Section{}, fmt.Errorf("--bar-rank: %w", err)
		}
		if t, err = table.Collapse(t, r, table.CollapseOptions{Synonyms: table.NewSynonyms(table.DefaultSynonyms()), ShortIDs: true}); err != nil {
			return report.Section{}, err
		}
		rankName = f.barRank
	}
	ids := append([]string(nil), s.t.SampleIDs...)
	ra, mean := relativeAbundances(t, ids)
	order := make([]int, len(mean))
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(a, b int) bool { return mean[order[a]] > mean[order[b]] })
	top := order[:min(f.barTop, len(order))]
	gi := map[string]int{}
	for k, l := range palette {
		gi[l] = k
	}
	sampleGroups, err := reportGroups(s, ids, f.group)
	if err != nil {
		return report.Section{}, err
	}
	// Samples grouped by group (palette order), then by id.
	perm := make([]int, len(ids))
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(a, b int) bool {
		ga, gb := gi[sampleGroups[perm[a]]], gi[sampleGroups[perm[b]]]
		if ga != gb {
			return ga < gb
		}
		return ids[perm[a]] < ids[perm[b]]
	})
	var cats []string
	for _, i := range perm {
		cats = append(cats, ids[i]+" ("+sampleGroups[i]+")")
	}
	perSample := report.StackedBar{Title: fmt.Sprintf("Top %d %s per sample (grouped by %s)", len(top), rankName, f.group), YLabel: "relative abundance",
		Categories: cats, Series: topSeries(t, top, len(perm), func(c, j int) float64 { return ra[perm[c]][j] })}
	gm := groupMeans(ra, sampleGroups, gi, len(palette), t.NumFeatures())
	perGroup := report.StackedBar{Title: fmt.Sprintf("Top %d %s, mean per %s", len(top), rankName, f.group), YLabel: "mean relative abundance",
		Categories: palette, Series: topSeries(t, top, len(palette), func(c, j int) float64 { return gm[c][j] })}
	return report.Section{Heading: "Taxa bar plots (" + rankName + ")",
		Text:    fmt.Sprintf("Relative abundance of the %d most abundant %s (mean over samples) on the raw counts; the rest is Other. The same taxon has the same colour in both plots.", len(top), rankName),
		Figures: []report.Figure{perSample, perGroup}}, nil
}

// relativeAbundances returns each of the samples ids' relative abundances
// in t ([sample][feature]) and each feature's mean over them.
func relativeAbundances(t *table.Table, ids []string) (ra [][]float64, mean []float64) {
	rowOf := map[string]int{}
	for i, id := range t.SampleIDs {
		rowOf[id] = i
	}
	ra = make([][]float64, len(ids))
	mean = make([]float64, t.NumFeatures())
	for k, id := range ids {
		idx, vals := t.Sample(rowOf[id])
		ra[k] = make([]float64, t.NumFeatures())
		var tot float64
		for _, v := range vals {
			tot += v
		}
		for q, j := range idx {
			if tot > 0 {
				ra[k][j] = vals[q] / tot
			}
		}
		for j, v := range ra[k] {
			mean[j] += v / float64(len(ids))
		}
	}
	return ra, mean
}

// groupMeans averages the samples' relative abundances of nf features
// within each group (gi maps a sample's group to its index among ng).
func groupMeans(ra [][]float64, sampleGroups []string, gi map[string]int, ng, nf int) [][]float64 {
	gm := make([][]float64, ng)
	cnt := make([]float64, ng)
	for k := range gm {
		gm[k] = make([]float64, nf)
	}
	for i := range ra {
		g := gi[sampleGroups[i]]
		cnt[g]++
		for j, v := range ra[i] {
			gm[g][j] += v
		}
	}
	for g := range gm {
		for j := range gm[g] {
			if cnt[g] > 0 {
				gm[g][j] /= cnt[g]
			}
		}
	}
	return gm
}

// topSeries is one stacked series per top feature over cats categories
// (val(c, j): feature j in category c) and an "Other" series with the rest.
func topSeries(t *table.Table, top []int, cats int, val func(c, j int) float64) []report.Series {
	var out []report.Series
	other := make([]float64, cats)
	for c := 0; c < cats; c++ {
		other[c] = 1
	}
	for _, j := range top {
		y := make([]float64, cats)
		for c := range y {
			y[c] = val(c, j)
			other[c] -= y[c]
		}
		out = append(out, report.Series{Name: t.FeatureIDs[j], Y: y})
	}
	for c := range other {
		other[c] = math.Max(0, other[c])
	}
	return append(out, report.Series{Name: "Other", Y: other})
}
