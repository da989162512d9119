// Package assoc runs per-site taxon–host-variable association tests, the
// design of Tyson-Carr et al. 2025 (skin microbiome at face, scalp, axilla
// and forearm against perceived stress and mood) as one call: stratify the
// samples by a metadata column (body site), drop rare taxa within each
// stratum, transform the abundances (CLR, robust CLR or relative
// abundance), test every taxon against every host variable (Spearman or
// Pearson correlation with R's cor.test p-values, or a linear model
// taxon ~ variable + covariates), and control the false discovery rate
// (Benjamini–Hochberg) within each stratum.
//
// The package does no I/O: the caller reads the table and metadata (package
// table) and collapses the table to a rank (table.Collapse) first.
package assoc
