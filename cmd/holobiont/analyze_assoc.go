package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/assoc"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/report"
	"github.com/holobiont/holobiont/stats"
	"github.com/holobiont/holobiont/table"
)

// assocFlags are shared by `analyze assoc` and `analyze report`.
type assocFlags struct {
	metadata, by, vars, covariates, rank, transform, method, taxonomy string
	minPrevalence, pseudocount                                        float64
}

func (f *assocFlags) register(cmd *cobra.Command, forReport bool) {
	if !forReport {
		cmd.Flags().StringVar(&f.metadata, "metadata", "", "sample metadata TSV (QIIME 2 style; required)")
	}
	cmd.Flags().StringVar(&f.by, "by", "", "metadata column to stratify by (e.g. body-site)")
	cmd.Flags().StringVar(&f.vars, "vars", "", "comma-separated numeric host variables to test (e.g. stress,mood)")
	cmd.Flags().StringVar(&f.covariates, "covariates", "", "comma-separated covariates for --method lm (numeric, or categorical coded 0/1 against the first level)")
	cmd.Flags().StringVar(&f.rank, "rank", "genus", "collapse to this rank first (kingdom..species, or \"none\")")
	cmd.Flags().StringVar(&f.taxonomy, "taxonomy", "", "taxonomy TSV (Feature ID, Taxon) when the table carries none")
	cmd.Flags().StringVar(&f.transform, "transform", "clr", "clr (pseudocount, over all taxa of a sample), rclr (zeros missing) or relative")
	cmd.Flags().Float64Var(&f.pseudocount, "pseudocount", 1, "pseudocount added before CLR")
	cmd.Flags().StringVar(&f.method, "method", "spearman", "spearman, pearson or lm")
	cmd.Flags().Float64Var(&f.minPrevalence, "min-prevalence", 0.1, "within a stratum, test a taxon only when present in more than this fraction of its samples")
}

// assocRun reads, aligns, collapses and tests. It returns the rows and the
// (collapsed) table and metadata used.
func assocRun(cmd *cobra.Command, tablePath string, f *assocFlags) ([]assoc.Row, *table.Table, error) {
	opt, err := f.options()
	if err != nil {
		return nil, nil, err
	}
	t, err := f.readTable(tablePath)
	if err != nil {
		return nil, nil, err
	}
	md, err := table.ReadMetadata(f.metadata)
	if err != nil {
		return nil, nil, err
	}
	rows, err := md.Align(t.SampleIDs)
	var me *table.MissingIDsError
	if errors.As(err, &me) {
		return nil, nil, fmt.Errorf("%d sample(s) of %s are not in %s: %s", len(me.IDs), tablePath, f.metadata, listIDs(me.IDs))
	} else if err != nil {
		return nil, nil, err
	}
	d, err := f.design(assocColumns{md: md, rows: rows, samples: t.SampleIDs, path: f.metadata})
	if err != nil {
		return nil, nil, err
	}
	res, err := assoc.Run(cmd.Context(), t, d, opt)
	if err != nil {
		return nil, nil, err
	}
	return res, t, nil
}

// options checks the flags and returns the test's options.
func (f *assocFlags) options() (assoc.Options, error) {
	var opt assoc.Options
	if f.metadata == "" {
		return opt, fmt.Errorf("--metadata is required")
	}
	if f.by == "" {
		return opt, fmt.Errorf("--by is required (the column to stratify by, e.g. body-site)")
	}
	if len(splitComma(f.vars)) == 0 {
		return opt, fmt.Errorf("--vars is required (e.g. stress,mood)")
	}
	transforms := map[string]assoc.Transform{"clr": assoc.CLR, "rclr": assoc.RCLR, "relative": assoc.Relative}
	methods := map[string]assoc.Method{"spearman": assoc.Spearman, "pearson": assoc.Pearson, "lm": assoc.LM}
	var ok bool
	if opt.Transform, ok = transforms[f.transform]; !ok {
		return opt, fmt.Errorf("--transform %q: want clr, rclr or relative", f.transform)
	}
	if opt.Method, ok = methods[f.method]; !ok {
		return opt, fmt.Errorf("--method %q: want spearman, pearson or lm", f.method)
	}
	if len(splitComma(f.covariates)) > 0 && opt.Method != assoc.LM {
		return opt, fmt.Errorf("--covariates need --method lm (correlations do not adjust for covariates)")
	}
	if !(f.pseudocount > 0) {
		return opt, fmt.Errorf("--pseudocount %g: must be positive", f.pseudocount)
	}
	if f.minPrevalence < 0 || f.minPrevalence >= 1 {
		return opt, fmt.Errorf("--min-prevalence %g: want a fraction in [0, 1)", f.minPrevalence)
	}
	opt.Pseudocount = f.pseudocount
	opt.MinPrevalence = f.minPrevalence
	return opt, nil
}

// readTable reads the table, attaches --taxonomy and collapses to --rank.
func (f *assocFlags) readTable(tablePath string) (*table.Table, error) {
	t, err := table.Read(tablePath)
	if err != nil {
		return nil, err
	}
	if f.taxonomy != "" {
		tax, err := table.ReadTaxonomy(f.taxonomy)
		if err != nil {
			return nil, err
		}
		if missing := t.SetTaxonomy(tax); missing == t.NumFeatures() {
			return nil, fmt.Errorf("%s names none of the features of %s", f.taxonomy, tablePath)
		}
	}
	if f.rank == "" || f.rank == "none" {
		return t, nil
	}
	r, err := table.ParseRank(f.rank)
	if err != nil {
		return nil, fmt.Errorf("--rank: %w", err)
	}
	if t.Taxonomy == nil {
		return nil, fmt.Errorf("%s has no taxonomy to collapse to %s: give --taxonomy or --rank none", tablePath, f.rank)
	}
	t, err = table.Collapse(t, r, table.CollapseOptions{Synonyms: table.NewSynonyms(table.DefaultSynonyms()), ShortIDs: true})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tablePath, err)
	}
	return t, nil
}

// assocColumns reads metadata columns aligned to the table's samples.
type assocColumns struct {
	md      *table.Metadata
	rows    []int
	samples []string
	path    string
}

func (c assocColumns) col(name string) ([]string, error) {
	out, _, ok := c.md.AlignedColumn(name, c.rows)
	if !ok {
		return nil, fmt.Errorf("%s has no column %q (columns: %s)", c.path, name, strings.Join(c.md.Columns, ", "))
	}
	return out, nil
}

// num reads a numeric column; empty cells are missing (NaN).
func (c assocColumns) num(name string) ([]float64, error) {
	v, err := c.col(name)
	if err != nil {
		return nil, err
	}
	x := make([]float64, len(v))
	for i, s := range v {
		if s == "" {
			x[i] = math.NaN()
			continue
		}
		if x[i], err = strconv.ParseFloat(s, 64); err != nil {
			return nil, fmt.Errorf("%s column %q, sample %q: %q is not a number", c.path, name, c.samples[i], s)
		}
	}
	return x, nil
}

// design reads the strata, the host variables and the covariates: numeric
// columns as they are, other columns as 0/1 indicators against their first
// level (missing where the cell is empty).
func (f *assocFlags) design(c assocColumns) (assoc.Design, error) {
	var d assoc.Design
	var err error
	if d.Strata, err = c.col(f.by); err != nil {
		return d, err
	}
	for _, v := range splitComma(f.vars) {
		x, err := c.num(v)
		if err != nil {
			return d, err
		}
		d.VarNames = append(d.VarNames, v)
		d.Vars = append(d.Vars, x)
	}
	for _, name := range splitComma(f.covariates) {
		if x, err := c.num(name); err == nil {
			d.CovNames = append(d.CovNames, name)
			d.Covariates = append(d.Covariates, x)
			continue
		}
		v, err := c.col(name)
		if err != nil {
			return d, err
		}
		term := stats.FactorTerm(name, v)
		levels := factorLevels(v)
		for k, cc := range term.Columns {
			for i, s := range v {
				if s == "" {
					cc[i] = math.NaN()
				}
			}
			d.CovNames = append(d.CovNames, fmt.Sprintf("%s[%s]", name, levels[k+1]))
			d.Covariates = append(d.Covariates, cc)
		}
	}
	return d, nil
}

func factorLevels(v []string) []string {
	set := map[string]bool{}
	var out []string
	for _, s := range v {
		if !set[s] {
			set[s] = true
			out = append(out, s)
		}
	}
	// Same order as stats.FactorTerm (sorted).
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func fmtNum(v float64) string {
	if math.IsNaN(v) {
		return "NA"
	}
	return strconv.FormatFloat(v, 'g', 17, 64)
}

func writeAssocTSV(w io.Writer, rows []assoc.Row, f *assocFlags, tablePath string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# holobiont %s analyze assoc %s: by=%s method=%s transform=%s pseudocount=%g rank=%s min-prevalence=%g covariates=%s; effect = %s; CI 95%% (%s); q = Benjamini-Hochberg within %s\n",
		version, tablePath, f.by, f.method, f.transform, f.pseudocount, f.rank, f.minPrevalence, f.covariates,
		map[string]string{"spearman": "Spearman rho", "pearson": "Pearson r", "lm": "slope of the variable in taxon ~ variable + covariates"}[f.method],
		map[bool]string{true: "t on the residual df", false: "Fisher z, se 1/sqrt(n-3)"}[f.method == "lm"], f.by)
	fmt.Fprintln(bw, "site\ttaxon\tvariable\tn\tn_site\tprevalence\teffect\tci_low\tci_high\tp\tq")
	for _, r := range rows {
		fmt.Fprintf(bw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Stratum, r.Taxon, r.Variable, r.N, r.NStratum,
			fmtNum(r.Prevalence), fmtNum(r.Effect), fmtNum(r.CILow), fmtNum(r.CIHigh), fmtNum(r.P), fmtNum(r.Q))
	}
	return bw.Flush()
}

func newAnalyzeAssocCmd() *cobra.Command {
	var (
		f   assocFlags
		out string
	)
	cmd := &cobra.Command{
		Use:   "assoc TABLE",
		Short: "Per-site association of taxa with host variables (Tyson-Carr 2025 design)",
		Long: `assoc answers "which taxa, at which body site, go with stress or mood?" in one
command: it stratifies the samples by the --by column, collapses TABLE to
--rank (outdated names mapped, e.g. Propionibacterium → Cutibacterium),
transforms each sample's composition (--transform clr with --pseudocount,
rclr with zeros as missing, or relative abundance), keeps within each stratum
the taxa present in more than --min-prevalence of its samples, and tests
every taxon against every --vars variable:
  spearman / pearson  R's cor.test (Spearman p exact for n < 1290 without
                      ties), 95% CI from Fisher's z with se 1/sqrt(n−3)
  lm                  taxon ~ variable + covariates (OLS via QR), effect =
                      the variable's slope, CI and p from t as summary.lm
q-values are Benjamini–Hochberg within each stratum over all taxa ×
variables. Samples with a missing value are dropped per test; n is reported
per row, n_site per stratum.

Output columns: site, taxon, variable, n, n_site, prevalence, effect,
ci_low, ci_high, p, q ("NA" where a test is undefined, e.g. a constant taxon).
The first line is a comment recording the settings.`,
		Example: `  holobiont analyze assoc table.biom --metadata md.tsv --by body-site --vars stress,mood --out assoc.tsv
  holobiont analyze assoc table.tsv --metadata md.tsv --by body-site --vars stress --method lm --covariates age,sex --transform clr --out assoc.tsv
  holobiont analyze assoc table.biom --taxonomy taxonomy.tsv --metadata md.tsv --by body-site --vars mood --rank genus --min-prevalence 0.25 --out -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out is required (use - for stdout)")
			}
			rows, _, err := assocRun(cmd, args[0], &f)
			if err != nil {
				return err
			}
			if out == "-" {
				return writeAssocTSV(cmd.OutOrStdout(), rows, &f, args[0])
			}
			sf, err := safefile.CreateContext(ctxOf(cmd), out)
			if err != nil {
				return err
			}
			defer sf.Abort()
			if err := writeAssocTSV(sf, rows, &f, args[0]); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			return sf.Commit()
		},
	}
	f.register(cmd, false)
	cmd.Flags().StringVar(&out, "out", "", "output TSV (required; - for stdout)")
	return cmd
}

// assocSections builds one heatmap per stratum and a table of hits.
func assocSections(rows []assoc.Row, f *assocFlags) []report.Section {
	bySite := map[string][]assoc.Row{}
	var sites []string
	for _, r := range rows {
		if _, ok := bySite[r.Stratum]; !ok {
			sites = append(sites, r.Stratum)
		}
		bySite[r.Stratum] = append(bySite[r.Stratum], r)
	}
	vars := splitComma(f.vars)
	// One colour scale for every site's heat map.
	var scale float64
	for _, r := range rows {
		if !math.IsNaN(r.Effect) {
			scale = math.Max(scale, math.Abs(r.Effect))
		}
	}
	if scale == 0 {
		scale = 1
	}
	effName := map[string]string{"spearman": "Spearman rho", "pearson": "Pearson r", "lm": "slope"}[f.method]
	sec := report.Section{Heading: "Associations per " + f.by,
		Text: fmt.Sprintf("Effect (%s) of each taxon against each variable within each %s; * q < 0.05, ** q < 0.01 (Benjamini–Hochberg within %s).", f.method, f.by, f.by)}
	for _, s := range sites {
		rs := bySite[s]
		var taxa []string
		ti := map[string]int{}
		for _, r := range rs {
			if _, ok := ti[r.Taxon]; !ok {
				ti[r.Taxon] = len(taxa)
				taxa = append(taxa, r.Taxon)
			}
		}
		vi := map[string]int{}
		for k, v := range vars {
			vi[v] = k
		}
		vals := make([][]float64, len(taxa))
		ann := make([][]string, len(taxa))
		for i := range vals {
			vals[i] = make([]float64, len(vars))
			ann[i] = make([]string, len(vars))
			for j := range vals[i] {
				vals[i][j] = math.NaN()
			}
		}
		for _, r := range rs {
			i, j := ti[r.Taxon], vi[r.Variable]
			vals[i][j] = r.Effect
			switch {
			case r.Q < 0.01:
				ann[i][j] = "**"
			case r.Q < 0.05:
				ann[i][j] = "*"
			}
		}
		sec.Figures = append(sec.Figures, report.Heatmap{Title: fmt.Sprintf("%s (n = %d)", s, rs[0].NStratum), Rows: taxa, Cols: vars,
			Values: vals, Annot: ann, Diverging: true, ScaleMin: -scale, ScaleMax: scale, ScaleLabel: effName + " (" + f.transform + ")"})
	}
	hits := report.Table{Header: []string{"site", "taxon", "variable", "n", "effect", "95% CI", "p", "q"}}
	sorted := append([]assoc.Row(nil), rows...)
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].Q < sorted[b].Q })
	for _, r := range sorted {
		if !(r.Q < 0.25) {
			continue
		}
		hits.Rows = append(hits.Rows, []string{r.Stratum, r.Taxon, r.Variable, strconv.Itoa(r.N), fmt.Sprintf("%.3f", r.Effect),
			fmt.Sprintf("[%.3f, %.3f]", r.CILow, r.CIHigh), fmt.Sprintf("%.3g", r.P), fmt.Sprintf("%.3g", r.Q)})
	}
	if len(hits.Rows) > 0 {
		sec.Tables = append(sec.Tables, hits)
	} else {
		sec.Text += " No association reached q < 0.25."
	}
	return []report.Section{sec}
}
