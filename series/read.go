package series

import (
	"fmt"
	"os"
)

// Options configures Read.
type Options struct {
	// Metadata is the sample-metadata file for a count table (BIOM, TSV).
	Metadata string
	// Columns names the metadata columns of a count table.
	Columns Columns
	// Relative treats long-format abundances as relative even when samples
	// do not sum to 1.
	Relative bool
}

// Read reads a longitudinal data set from path: a folder holding
// metadata.tsv and counts.tsv or reads.tsv (MDSINE2), counts.txt and
// metadata.txt (MDSINE), or abundance.tsv (long format); or a count table
// file with o.Metadata.
func Read(path string, o Options) (*Dataset, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if o.Metadata == "" {
			return nil, fmt.Errorf("%s is a file: a count table needs sample metadata (with subject and time columns); or give a folder in MDSINE2, MDSINE or long format", path)
		}
		return ReadTable(path, o.Metadata, o.Columns)
	}
	has := dirSource(path).has
	switch {
	case has("metadata.tsv") && (has("counts.tsv") || has("reads.tsv")):
		return ReadMDSINE2(path)
	case has("counts.txt") && has("metadata.txt"):
		return ReadMDSINE(path)
	case has("abundance.tsv"):
		return ReadLong(path, o.Relative)
	}
	return nil, fmt.Errorf("%s: not a recognised data folder: want metadata.tsv with counts.tsv or reads.tsv (MDSINE2), counts.txt with metadata.txt (MDSINE), or abundance.tsv (long format)", path)
}
