// Package table reads, writes and transforms microbiome count tables.
//
// A Table (defined in table.go) is stored sparse, compressed by sample
// (CSR with samples as rows), so memory is proportional to the number of
// non-zero counts. Readers stream their input into that form without a dense
// intermediate:
//
//   - BIOM 1.0 JSON, sparse and dense (rows = observations/features,
//     columns = samples; taxonomy from the observation metadata),
//   - BIOM 2.1 HDF5 as QIIME 2 and biom-format write it (chunked, gzip,
//     variable-length string ids), read with github.com/scigolib/hdf5,
//   - QIIME 2 FeatureTable artifacts (.qza zip files holding a BIOM file),
//   - classic tab-separated OTU tables ("#OTU ID" header, optional
//     taxonomy / Consensus Lineage column),
//   - MDSINE input folders (counts, metadata, qPCR biomass),
//   - gzip-compressed JSON or TSV (.biom.gz, .tsv.gz).
//
// Read detects the format from the file content. ReadMetadata reads QIIME 2
// sample metadata TSV; ReadTaxonomy reads QIIME 2 taxonomy TSV (or .qza) and
// Table.SetTaxonomy attaches it. Writers produce BIOM 1.0 JSON, BIOM 2.1
// HDF5 (a small writer of its own that the HDF5 C library, h5py and
// biom-format read), classic TSV and metadata TSV.
//
// The package also holds table transformations that need no numerics beyond
// counting: lineage parsing (Greengenes, SILVA, GTDB, MetaPhlAn prefixes) and
// collapsing to a rank with a synonym table for renamed taxa
// (Propionibacterium → Cutibacterium, the 2020 Lactobacillus split, ...),
// prevalence/abundance filtering (MaAsLin2's rule) and rarefaction (sampling
// without replacement with a caller-supplied *rand.Rand).
//
// Errors from parsers are *ParseError values naming the file, line, column
// (where known) and the offending id.
package table
