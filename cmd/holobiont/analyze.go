package main

import "github.com/spf13/cobra"

func newAnalyzeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "analyze",
		Short: "Analyse microbiome tables: diversity, ordination, PERMANOVA, associations",
		Long: `analyze reads count tables (BIOM 1.0 JSON, BIOM 2.1 HDF5, classic TSV, MDSINE TSV;
the format is detected from content), trees (Newick), sample metadata (QIIME 2
TSV) and distance matrices, and computes what scikit-bio and vegan compute,
with the same definitions.`,
	}
	cmd.AddCommand(
		newAnalyzeAlphaCmd(),
		newAnalyzeBetaCmd(),
		newAnalyzePCoACmd(),
		newAnalyzePermanovaCmd(),
		newAnalyzePermdispCmd(),
		newAnalyzeAnosimCmd(),
		newAnalyzeMantelCmd(),
		newAnalyzeAssocCmd(),
		newAnalyzeReportCmd(),
		newAnalyzeConvertCmd(),
		newAnalyzeSummarizeCmd(),
		newAnalyzeDACmd(),
		newAnalyzeRarefyCmd(),
		newAnalyzeFilterCmd(),
		newAnalyzeCollapseCmd(),
		newAnalyzeAlphaTestCmd(),
		newAnalyzeLongitudinalCmd(),
	)
	return cmd
}
