#!/usr/bin/env Rscript
# Converts ALDEx2's selex example table into da/testdata/selex.tsv.
#
# Provenance: the table ships with the ALDEx2 Bioconductor package
# (https://github.com/ggloor/ALDEx_bioc, data/selex.txt.gz; version 1.35.0
# checked, commit eb5a203; package licence GPL >= 3). man/selex.Rd: 1,600
# enzyme variants x 14 samples, the first 7 non-selected (NS), the last 7
# selected (S); source McMurrough et al. (2014) PNAS 111:E2376,
# doi:10.1073/pnas.1322352111. Base R only (ALDEx2 itself is not needed).
#
# Usage: Rscript scripts/selex_fixture.R PATH/TO/ALDEx_bioc [OUT.tsv]
#   e.g. git clone https://github.com/ggloor/ALDEx_bioc /tmp/ALDEx_bioc
#        Rscript scripts/selex_fixture.R /tmp/ALDEx_bioc da/testdata/selex.tsv
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: selex_fixture.R ALDEx_bioc_DIR [OUT.tsv]")
out <- if (length(args) >= 2) args[2] else "da/testdata/selex.tsv"
src <- file.path(args[1], "data", "selex.txt.gz")
if (file.exists(src)) {
  # what data(selex) does for a .txt.gz in data/: read.table(header = TRUE)
  selex <- read.table(gzfile(src), header = TRUE, check.names = FALSE)
} else {
  rda <- file.path(args[1], "data", "selex.rda")
  if (!file.exists(rda)) stop("neither ", src, " nor ", rda, " exists")
  load(rda)
}
stopifnot(nrow(selex) == 1600, ncol(selex) == 14,
          all(grepl("NS$", colnames(selex)[1:7])),
          all(grepl("[^N]S$", colnames(selex)[8:14])),
          !anyDuplicated(rownames(selex)),
          all(selex == round(selex)), all(selex >= 0))
write.table(cbind(taxon = rownames(selex), selex), out, sep = "\t",
            quote = FALSE, row.names = FALSE)
cat(sprintf("%s: %d features x %d samples, %d reads\n", out, nrow(selex), ncol(selex), sum(selex)))
