package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/holobiont/holobiont/series"
)

// dataFlags are the options that say how to read a longitudinal data set
// (shared by fit and forecast).
type dataFlags struct {
	metadata, subjectCol, timeCol string
	biomassCols, inputCols        string
	relative                      bool
}

func (d *dataFlags) register(f *pflag.FlagSet) {
	f.StringVar(&d.metadata, "metadata", "", "sample metadata (QIIME 2 TSV) for a count table DATA (BIOM, TSV)")
	f.StringVar(&d.subjectCol, "subject-column", "subject", "metadata column naming each sample's subject (count table DATA)")
	f.StringVar(&d.timeCol, "time-column", "time", "metadata column holding each sample's time in days (count table DATA)")
	f.StringVar(&d.biomassCols, "biomass-columns", "", "comma-separated metadata columns of qPCR/biomass replicates: abundances become absolute (count table DATA)")
	f.StringVar(&d.inputCols, "input-columns", "", "comma-separated numeric metadata columns used as inputs, each value held until the next sample (count table DATA)")
	f.BoolVar(&d.relative, "relative", false, "treat long-format abundances as relative even when samples do not sum to 1")
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// read reads the data set at path.
func (d *dataFlags) read(path string) (*series.Dataset, error) {
	ds, err := series.Read(path, series.Options{Metadata: d.metadata, Relative: d.relative,
		Columns: series.Columns{Subject: d.subjectCol, Time: d.timeCol, Biomass: splitList(d.biomassCols), Inputs: splitList(d.inputCols)}})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return ds, nil
}
