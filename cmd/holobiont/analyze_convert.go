package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/table"
)

func newAnalyzeConvertCmd() *cobra.Command {
	var to, out, id string
	cmd := &cobra.Command{
		Use:   "convert TABLE --to biom-json|biom-hdf5|tsv --out OUT",
		Short: "Convert a count table between BIOM 1.0 JSON, BIOM 2.1 HDF5 and classic TSV",
		Long: `convert reads a count table in any supported format (BIOM 1.0 JSON, BIOM 2.1
HDF5, classic TSV, or an MDSINE folder; detected from the content) and writes
it as:

  biom-json   BIOM 1.0 JSON, sparse, taxonomy as observation metadata
  biom-hdf5   BIOM 2.1 HDF5 (readable by biom-format, h5py and QIIME 2)
  tsv         classic "#OTU ID" table as 'biom convert --to-tsv' writes it,
              with a taxonomy column when the table has one

BIOM output records the input's creation date (BIOM "date" / "creation-date")
or, for an input without one (TSV, MDSINE), no date, so the same input always
gives the same bytes. The output file appears only when it is complete; on any
error no file is left behind.

Example:
  holobiont analyze convert feature-table.biom --to tsv --out table.tsv
  holobiont analyze convert table.tsv --to biom-hdf5 --out table.biom
  holobiont analyze convert ../shared/data/bucci2016/cdiff --to biom-json --out cdiff.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return errors.New("convert: --out is required")
			}
			t, err := table.Read(args[0])
			if err != nil {
				return err
			}
			if to != "" {
				return writeTableAs(cmd.Context(), out, to, t, id, t.Created)
			}
			return fmt.Errorf("convert: --to %q: want biom-json, biom-hdf5 or tsv", to)
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "output format: biom-json, biom-hdf5 or tsv (required)")
	cmd.Flags().StringVar(&out, "out", "", "output file (required)")
	cmd.Flags().StringVar(&id, "table-id", "", "table id written to BIOM output (default \"No Table ID\")")
	cmd.MarkFlagRequired("to")
	cmd.MarkFlagRequired("out")
	return cmd
}

func newAnalyzeSummarizeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "summarize TABLE",
		Short: "Summarize a count table: samples, features, non-zeros, total, depth per sample",
		Long: `summarize prints what 'biom summarize-table' prints (same layout and rounding:
population standard deviation, 3 decimals), plus the number of non-zero
entries: number of samples and features, total count, density, per-sample
depth min / max / median / mean / std. dev., then every sample's depth in
ascending order.

Example:
  holobiont analyze summarize feature-table.biom
  holobiont analyze summarize table.tsv | head -12`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := table.Read(args[0])
			if err != nil {
				return err
			}
			return writeSummary(cmd.OutOrStdout(), t)
		},
	}
	return cmd
}

func writeSummary(w io.Writer, t *table.Table) error {
	ns, nf := t.NumSamples(), t.NumFeatures()
	depth := make([]float64, ns)
	total := 0.0
	for i := range depth {
		_, v := t.Sample(i)
		for _, x := range v {
			depth[i] += x
		}
		total += depth[i]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Num samples: %d\n", ns)
	fmt.Fprintf(&b, "Num observations: %d\n", nf)
	fmt.Fprintf(&b, "Total count: %s\n", formatCount(total))
	density := 0.0
	if ns > 0 && nf > 0 {
		density = float64(t.NNZ()) / (float64(ns) * float64(nf))
	}
	fmt.Fprintf(&b, "Table density (fraction of non-zero values): %.3f\n", density)
	fmt.Fprintf(&b, "Num non-zero entries: %d\n", t.NNZ())
	order := make([]int, ns)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, c int) bool { return depth[order[a]] < depth[order[c]] })
	if ns > 0 {
		sorted := make([]float64, ns)
		for k, i := range order {
			sorted[k] = depth[i]
		}
		med := sorted[ns/2]
		if ns%2 == 0 {
			med = (sorted[ns/2-1] + sorted[ns/2]) / 2
		}
		mean := total / float64(ns)
		ss := 0.0
		for _, d := range depth {
			ss += (d - mean) * (d - mean)
		}
		fmt.Fprintf(&b, "\nCounts/sample summary:\n")
		fmt.Fprintf(&b, " Min: %.3f\n Max: %.3f\n Median: %.3f\n Mean: %.3f\n Std. dev.: %.3f\n",
			sorted[0], sorted[ns-1], med, mean, math.Sqrt(ss/float64(ns)))
	}
	b.WriteString(" Sample Metadata Categories: None provided\n")
	if t.Taxonomy != nil {
		b.WriteString(" Observation Metadata Categories: taxonomy\n")
	} else {
		b.WriteString(" Observation Metadata Categories: None provided\n")
	}
	b.WriteString("\nCounts/sample detail:\n")
	for _, i := range order {
		fmt.Fprintf(&b, "%s: %.3f\n", t.SampleIDs[i], depth[i])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func formatCount(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%g", v)
}
