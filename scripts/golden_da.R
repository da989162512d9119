#!/usr/bin/Rscript
# Golden values for holobiont's da package from Bioconductor/CRAN peers
# installed from Debian (r-bioc-edger, r-bioc-deseq2, r-bioc-limma,
# r-cran-lme4, r-cran-nlme).
#
# Run from the repository root:  Rscript scripts/golden_da.R
#
# Writes
#   da/testdata/norm_counts.tsv   simulated negative-binomial counts (40 taxa x 12 samples, some zeros)
#   da/testdata/golden_norm.tsv   edgeR TMM factors and DESeq2 RLE size factors per sample
#   da/testdata/golden_limma.tsv  limma lmFit ordinary t on ln(count / (lib x TMM)) for ~ group + age
#   stats/testdata/lmm_data.tsv   simulated repeated measures (y, time, arm, age, subject)
#   stats/testdata/golden_lmm.tsv lme4 lmer REML fixed effects, SEs, sigmas, REML criterion;
#                                 nlme lme denominator df and p-values
# Tolerances used by the Go tests: TMM/RLE 1e-10 relative; limma 1e-9; lme4 estimates and SEs
# 1e-6 relative (lme4 stops its optimiser at ~1e-8 in theta), REML criterion 1e-6; nlme p 1e-6.
suppressMessages({library(edgeR); library(DESeq2); library(limma); library(lme4); library(nlme)})
set.seed(20261206)
m <- 40; n <- 12
group <- rep(c("ctrl", "treat"), each = n / 2)
age <- round(runif(n, 20, 60))
mu <- outer(exp(rnorm(m, 4, 1.2)), runif(n, 0.5, 2))
mu[1:4, group == "treat"] <- mu[1:4, group == "treat"] * 4
cnt <- matrix(rnbinom(m * n, mu = mu, size = 5), m, n)
rownames(cnt) <- sprintf("taxon%02d", 1:m); colnames(cnt) <- sprintf("s%02d", 1:n)
out <- data.frame(taxon = rownames(cnt), cnt, check.names = FALSE)
write.table(out, "da/testdata/norm_counts.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
md <- data.frame(`sample-id` = colnames(cnt), group = group, age = age, check.names = FALSE)
write.table(md, "da/testdata/norm_metadata.tsv", sep = "\t", quote = FALSE, row.names = FALSE)

tmm <- calcNormFactors(DGEList(cnt), method = "TMM")$samples$norm.factors
dds <- DESeqDataSetFromMatrix(cnt, DataFrame(group = factor(group)), ~ group)
rle <- sizeFactors(estimateSizeFactors(dds))
g <- data.frame(sample = colnames(cnt), tmm = sprintf("%.17g", tmm), rle = sprintf("%.17g", rle))
con <- file("da/testdata/golden_norm.tsv", "w")
writeLines(sprintf("# scripts/golden_da.R: edgeR %s calcNormFactors(TMM), DESeq2 %s estimateSizeFactors",
                   packageVersion("edgeR"), packageVersion("DESeq2")), con)
write.table(g, con, sep = "\t", quote = FALSE, row.names = FALSE); close(con)

# limma: ordinary (not moderated) t of lmFit on ln(count / effective library size);
# every count is positive in these taxa so no pseudo-count enters.
pos <- rowSums(cnt == 0) == 0
lib <- colSums(cnt) * tmm
y <- log(sweep(cnt[pos, ], 2, lib, "/"))
design <- model.matrix(~ group + age)
fit <- lmFit(y, design)
tt <- fit$coefficients / (fit$stdev.unscaled * fit$sigma)
pp <- 2 * pt(-abs(tt), fit$df.residual)
rows <- list()
for (j in 2:ncol(design)) rows[[j]] <- data.frame(taxon = rownames(y), term = colnames(design)[j],
  estimate = sprintf("%.17g", fit$coefficients[, j]), t = sprintf("%.17g", tt[, j]), p = sprintf("%.17g", pp[, j]))
con <- file("da/testdata/golden_limma.tsv", "w")
writeLines(sprintf("# scripts/golden_da.R: limma %s lmFit ordinary t on ln(count/(lib*TMM)), taxa with no zero; terms renamed by the Go test", packageVersion("limma")), con)
write.table(do.call(rbind, rows), con, sep = "\t", quote = FALSE, row.names = FALSE); close(con)

# Linear mixed models: 3 designs on simulated repeated measures.
set.seed(7)
ns <- 15; visits <- 4
d <- expand.grid(visit = 1:visits, subject = sprintf("subj%02d", 1:ns))
d$time <- (d$visit - 1) * 7
d$arm <- ifelse(as.integer(sub("subj", "", d$subject)) %% 2 == 0, "probiotic", "placebo")
d$age <- rep(round(runif(ns, 20, 60)), each = visits)
b <- rnorm(ns, 0, 0.6)[as.integer(factor(d$subject))]
d$y <- 3 + 0.02 * d$time + 0.3 * (d$arm == "probiotic") + 0.015 * d$time * (d$arm == "probiotic") + b + rnorm(nrow(d), 0, 0.4)
d$y2 <- 1 + 0.001 * d$age + rnorm(nrow(d), 0, 0.5)   # no subject effect: theta at the boundary
d <- d[-c(3, 18, 31), ]                                  # unbalanced
write.table(d[, c("subject", "time", "arm", "age", "y", "y2")], "stats/testdata/lmm_data.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
cases <- list(c("A", "y ~ time * arm"), c("B", "y ~ time + arm + age"), c("C", "y2 ~ age + time"))
res <- list()
for (cs in cases) {
  f <- as.formula(paste(cs[2], "+ (1 | subject)"))
  m4 <- lmer(f, data = d, REML = TRUE, control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12)))
  ln <- lme(as.formula(cs[2]), random = ~ 1 | subject, data = d, method = "REML")
  co <- summary(m4)$coefficients; tt <- summary(ln)$tTable
  vc <- as.data.frame(VarCorr(m4))
  for (k in seq_len(nrow(co))) res[[length(res) + 1]] <- data.frame(case = cs[1], formula = cs[2], term = rownames(co)[k],
    estimate = sprintf("%.17g", co[k, 1]), se = sprintf("%.17g", co[k, 2]), t = sprintf("%.17g", co[k, 3]),
    df = tt[k, "DF"], p = sprintf("%.17g", tt[k, "p-value"]),
    sigma = sprintf("%.17g", sigma(m4)), sigma_subject = sprintf("%.17g", vc$sdcor[vc$grp == "subject"]),
    reml = sprintf("%.17g", REMLcrit(m4)))
}
con <- file("stats/testdata/golden_lmm.tsv", "w")
writeLines(sprintf("# scripts/golden_da.R: lme4 %s lmer(REML, bobyqa rhoend 1e-12) estimates/se/t/sigmas/REML criterion; nlme %s lme df and p",
                   packageVersion("lme4"), packageVersion("nlme")), con)
write.table(do.call(rbind, res), con, sep = "\t", quote = FALSE, row.names = FALSE); close(con)
