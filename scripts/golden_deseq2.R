#!/usr/bin/Rscript
# Golden values for holobiont's negative-binomial Wald method (analyze da
# --method nbwald) from DESeq2, installed from Debian (r-bioc-deseq2).
#
# Run from the repository root:  Rscript scripts/golden_deseq2.R
#
# Writes
#   da/testdata/nb_counts.tsv      simulated negative-binomial counts (300 taxa x 16 samples)
#   da/testdata/nb_metadata.tsv    group (ctrl/treat) and age per sample
#   da/testdata/golden_deseq2.tsv  per case, taxon and term: DESeq2's size factor route, baseMean,
#                                  gene-wise, trend, MAP and final dispersions, log2 fold change,
#                                  its SE, Wald statistic, p and BH q
#   da/testdata/golden_deseq2_fit.tsv  per case: size factors, trend coefficients, prior variance
# DESeq2 is run step by step (estimateSizeFactors, estimateDispersions with the parametric
# trend, nbinomWaldTest) so that no outlier replacement happens, and results() is called with
# cooksCutoff = FALSE and independentFiltering = FALSE (plain BH over every taxon).
# Tolerances used by the Go test (da/nbwald_test.go) are stated there.
suppressMessages(library(DESeq2))
set.seed(20261207)
m <- 300; n <- 16
group <- rep(c("ctrl", "treat"), each = n / 2)
age <- round(runif(n, 20, 60))
sf <- exp(rnorm(n, 0, 0.4))
base <- exp(rnorm(m, 3, 1.8))
lfc <- ifelse(runif(m) < 0.15, rnorm(m, 0, 1.5), 0)
mu <- outer(base, sf) * exp(outer(lfc, group == "treat")) * exp(outer(rnorm(m, 0, 0.01), age - 40))
disp <- 0.08 + 1.5 / base
disp <- disp * exp(rnorm(m, 0, 0.5))
cnt <- matrix(rnbinom(m * n, mu = mu, size = 1 / disp), m, n)
cnt[rowSums(cnt) == 0, 1] <- 1
rownames(cnt) <- sprintf("taxon%03d", 1:m); colnames(cnt) <- sprintf("s%02d", 1:n)
write.table(data.frame(taxon = rownames(cnt), cnt, check.names = FALSE), "da/testdata/nb_counts.tsv",
            sep = "\t", quote = FALSE, row.names = FALSE)
md <- data.frame(`sample-id` = colnames(cnt), group = group, age = age, check.names = FALSE)
write.table(md, "da/testdata/nb_metadata.tsv", sep = "\t", quote = FALSE, row.names = FALSE)

f17 <- function(x) sprintf("%.17g", x)
cases <- list(list(id = "A", formula = "~ group", sf = "ratio"),
              list(id = "B", formula = "~ group + age", sf = "ratio"),
              list(id = "C", formula = "~ group", sf = "poscounts"))
rows <- list(); fits <- list()
for (cs in cases) {
  cd <- DataFrame(group = factor(group), age = age)
  dds <- DESeqDataSetFromMatrix(cnt, cd, as.formula(cs$formula))
  dds <- estimateSizeFactors(dds, type = cs$sf)
  dds <- estimateDispersions(dds, fitType = "parametric", quiet = TRUE)
  dds <- nbinomWaldTest(dds, quiet = TRUE)
  mc <- mcols(dds)
  co <- attr(dispersionFunction(dds), "coefficients")
  fits[[length(fits) + 1]] <- data.frame(case = cs$id, formula = cs$formula, sf_type = cs$sf,
    sample = colnames(cnt), size_factor = f17(sizeFactors(dds)), asympt = f17(co[1]), extra = f17(co[2]),
    prior_var = f17(attr(dispersionFunction(dds), "dispPriorVar")),
    var_log_disp = f17(attr(dispersionFunction(dds), "varLogDispEsts")))
  for (nm in resultsNames(dds)[-1]) {
    r <- results(dds, name = nm, cooksCutoff = FALSE, independentFiltering = FALSE)
    rows[[length(rows) + 1]] <- data.frame(case = cs$id, taxon = rownames(r), term = nm,
      baseMean = f17(r$baseMean), dispGeneEst = f17(mc$dispGeneEst), dispFit = f17(mc$dispFit),
      dispMAP = f17(mc$dispMAP), dispersion = f17(mc$dispersion), dispOutlier = as.integer(mc$dispOutlier),
      log2FoldChange = f17(r$log2FoldChange), lfcSE = f17(r$lfcSE), stat = f17(r$stat),
      pvalue = f17(r$pvalue), padj = f17(r$padj))
  }
}
hdr <- sprintf("# scripts/golden_deseq2.R: DESeq2 %s (R %s), parametric trend, Wald test, results(cooksCutoff = FALSE, independentFiltering = FALSE)",
               packageVersion("DESeq2"), getRversion())
con <- file("da/testdata/golden_deseq2.tsv", "w"); writeLines(hdr, con)
write.table(do.call(rbind, rows), con, sep = "\t", quote = FALSE, row.names = FALSE); close(con)
con <- file("da/testdata/golden_deseq2_fit.tsv", "w"); writeLines(hdr, con)
write.table(do.call(rbind, fits), con, sep = "\t", quote = FALSE, row.names = FALSE); close(con)
