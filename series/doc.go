// Package series reads longitudinal microbiome data sets — several subjects,
// each sampled at increasing times, with the abundances of the same taxa in
// every sample and the inputs (perturbations) each subject received — into
// one in-memory [Dataset] for community-dynamics inference (package fit).
//
// # Formats
//
//   - MDSINE2 input folder ([ReadMDSINE2]), as `mdsine2 parse-input` reads
//     it: metadata.tsv (sampleID, subject, time), counts.tsv (or reads.tsv:
//     taxa × samples, first column the taxon name), qpcr.tsv (sampleID then
//     any number of replicate columns; optional) and perturbations.tsv (name,
//     start, end, subject; optional). A perturbation acts on (start, end],
//     MDSINE2's rule.
//   - MDSINE (Bucci et al. 2016) folder ([ReadMDSINE]): counts.txt,
//     metadata.txt (sampleID isIncluded subjectID measurementID perturbID
//     exptblock intv) and biomass.txt (optional). A sample's perturbID k > 0
//     sets input perturbation_k to 1 from that sample to the next (the
//     reading of the cLV study, Joseph et al. 2020). Samples with isIncluded
//     0 are left out.
//   - A count table (BIOM, TSV) with QIIME 2 sample metadata
//     ([ReadTable]): the subject, time and optional biomass and input columns
//     are named by the caller. A numeric input column's value at a sample
//     holds until the next sample.
//   - The long format of the forecasting benchmark ([ReadLong]):
//     abundance.tsv (subject, time, taxon, abundance) and inputs.tsv
//     (subject, time, input, value; optional), an input's value at a sampled
//     time holding until the next sample.
//
// [Read] detects the format of a folder from the files in it.
//
// # Absolute and relative abundance
//
// With qPCR or biomass replicates, a sample's absolute abundances are its
// relative abundances (counts over the sample's total) times the geometric
// mean of its replicates (MDSINE2's qPCRdata.mean); missing replicates (empty
// or NA cells) are left out of the mean. Without them, counts are
// relative data ([Dataset.Absolute] false). In the long format, abundances
// are absolute unless every sample sums to 1 (or the caller says they are
// relative).
//
// # Rules for awkward input
//
// Errors name the file, line and sample or subject ([table.ParseError]).
// Samples are ordered by time within each subject, whatever their order in
// the files; two samples of one subject at the same time are an error. A
// subject with fewer than two samples, a negative, non-numeric or non-finite
// count, abundance or time, a sample with no reads, a qPCR row whose number
// of cells differs from the header's, a sample with no usable qPCR
// replicate, a count column that is not in the metadata (or a metadata
// sample without counts), and two windows of one perturbation that overlap
// within a subject are errors. Taxa that are zero in every sample are
// dropped and listed in [Dataset.Notes]. [Dataset.Filter] pools taxa below a
// detection and prevalence threshold into one member.
//
// The package reads and checks; it does no inference.
package series
