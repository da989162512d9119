#!/usr/bin/Rscript
# Peer timing for benchmarks/da.md: DESeq2 (Wald, default pipeline) or edgeR (TMM + glmQLFit/glmQLFTest)
# on the same table holobiont analyze da reads.
#   Rscript scripts/bench_da_peers.R deseq2 TABLE.tsv METADATA.tsv OUT.tsv
#   Rscript scripts/bench_da_peers.R edger  TABLE.tsv METADATA.tsv OUT.tsv
# TABLE.tsv: classic "#OTU ID" TSV (scripts/bench_da_gen); METADATA.tsv: sample-id and group columns.
args <- commandArgs(TRUE)
suppressMessages({library(DESeq2); library(edgeR)})
x <- as.matrix(read.delim(args[2], row.names = 1, check.names = FALSE, comment.char = ""))
md <- read.delim(args[3], row.names = 1, check.names = FALSE)
md <- md[colnames(x), , drop = FALSE]
md$group <- factor(md$group)
x <- x[rowSums(x > 0) >= 0.1 * ncol(x), ]   # the same 10% prevalence filter as analyze da
if (args[1] == "deseq2") {
  dds <- DESeqDataSetFromMatrix(x, md, ~ group)
  dds <- DESeq(dds, sfType = "poscounts", quiet = TRUE)   # poscounts: sparse tables have no all-positive taxon
  res <- results(dds)
  out <- data.frame(taxon = rownames(res), effect = res$log2FoldChange * log(2), p = res$pvalue, q = res$padj)
} else {
  y <- DGEList(x, group = md$group)
  y <- calcNormFactors(y)
  design <- model.matrix(~ group, md)
  y <- estimateDisp(y, design)
  fit <- glmQLFit(y, design)
  tt <- topTags(glmQLFTest(fit, coef = 2), n = Inf, sort.by = "none")$table
  out <- data.frame(taxon = rownames(tt), effect = tt$logFC * log(2), p = tt$PValue, q = tt$FDR)
}
write.table(out, args[4], sep = "\t", quote = FALSE, row.names = FALSE)
