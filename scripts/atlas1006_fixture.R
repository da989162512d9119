#!/usr/bin/Rscript
# Makes the HITChip Atlas fixture of the R-ANCOMBC oracle (scripts/golden_ancombc_r.R):
#   da/testdata/atlas1006_family.tsv    22 families x 1,006 baseline samples (summed HITChip signal)
#   da/testdata/atlas1006_metadata.tsv  sample-id, age, nationality, bmi_group (empty = missing)
#
# Data: `atlas1006` of the microbiome R package (github.com/microbiome/microbiome, data/atlas1006.rda,
# package licence BSD-2-clause), itself the Dryad deposit of Lahti L, Salojarvi J, Salonen A, Scheffer M,
# de Vos WM (2014) Tipping elements in the human intestinal ecosystem. Nat Commun 5:4344,
# doi:10.1038/ncomms5344; data doi:10.5061/dryad.pk75d (Dryad releases its data under CC0 1.0).
#
# Usage (from the repository root), either
#   Rscript scripts/atlas1006_fixture.R path/to/atlas1006.rda     # e.g. from a microbiome checkout
#   Rscript scripts/atlas1006_fixture.R                           # with the microbiome package installed
# Needs phyloseq (Debian: r-bioc-phyloseq) to read the object.
#
# As ANCOMBC's own unit test (tests/testthat/test-ancombc.R): the baseline samples (time == 0) and
# the Family rank aggregated as microbiome::aggregate_taxa does (sum of the genus-like taxa per
# Phylum_Family, rows sorted by Phylum_Family, named by Family where that name is unique).
suppressMessages(library(phyloseq))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 1) {
  if (!file.exists(args[1])) stop("no such file: ", args[1], call. = FALSE)
  load(args[1])
} else if (requireNamespace("microbiome", quietly = TRUE)) {
  data(atlas1006, package = "microbiome")
} else {
  stop("give the path of atlas1006.rda (microbiome package, data/atlas1006.rda) or install microbiome", call. = FALSE)
}
ps <- subset_samples(atlas1006, time == 0)
tt <- unclass(as(tax_table(ps), "matrix"))
ab <- as(otu_table(ps), "matrix")
key <- paste(tt[, "Phylum"], tt[, "Family"], sep = "_")
groups <- split(rownames(tt), key)
fam <- as.matrix(t(vapply(groups, function(tx) colSums(ab[tx, , drop = FALSE]), numeric(ncol(ab)))))
family <- unname(tt[match(names(groups), key), "Family"])
rownames(fam) <- ifelse(family %in% family[duplicated(family)], names(groups), family)
stopifnot(all(fam == round(fam)), !anyDuplicated(rownames(fam)))
write.table(data.frame(taxon = rownames(fam), fam, check.names = FALSE), "da/testdata/atlas1006_family.tsv",
            sep = "\t", quote = FALSE, row.names = FALSE)
md <- as(sample_data(ps), "data.frame")
out <- data.frame(`sample-id` = rownames(md), age = md$age, nationality = as.character(md$nationality),
                  bmi_group = as.character(md$bmi_group), check.names = FALSE)
stopifnot(identical(out[["sample-id"]], colnames(fam)))
write.table(out, "da/testdata/atlas1006_metadata.tsv", sep = "\t", quote = FALSE, row.names = FALSE, na = "")
cat(sprintf("wrote %d families x %d samples\n", nrow(fam), ncol(fam)))
