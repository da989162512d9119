#!/usr/bin/env Rscript
# Golden values for package stats from R 4.2 / vegan 2.6-4 (Debian r-base-core,
# r-cran-vegan). Run from the repository root:
#   Rscript scripts/golden_stats.R [../shared]
# It (1) writes the GlobalPatterns Bray-Curtis and binary-Jaccard matrices
# and sample types into stats/testdata (fixtures, from ../shared), and
# (2) writes stats/testdata/golden_vegan.tsv: one "key<TAB>v1,v2,..." line per
# value, 17 significant digits. go test reads only these files.
suppressMessages(library(vegan))
args <- commandArgs(trailingOnly = TRUE)
shared <- if (length(args) > 0) args[1] else "../shared"
td <- "stats/testdata"
out <- list()
put <- function(key, v) out[[key]] <<- paste(sprintf("%.17g", as.numeric(v)), collapse = ",")

readdm <- function(f) {
  m <- as.matrix(read.delim(f, row.names = 1, check.names = FALSE))
  as.dist(m)
}
writedm <- function(d, f) {
  m <- as.matrix(d)
  con <- file(f, "w")
  cat("", colnames(m), sep = "\t", file = con); cat("\n", file = con)
  for (i in seq_len(nrow(m))) {
    cat(rownames(m)[i], sprintf("%.17g", m[i, ]), sep = "\t", file = con); cat("\n", file = con)
  }
  close(con)
}

## GlobalPatterns fixtures
gpf <- file.path(shared, "data/globalpatterns/GlobalPatterns_otu_table.tsv")
if (file.exists(gpf)) {
  otu <- read.delim(gpf, row.names = 1, check.names = FALSE, comment.char = "")
  x <- t(as.matrix(otu))
  writedm(vegdist(x, "bray"), file.path(td, "gp_bc.tsv"))
  writedm(vegdist(x, "jaccard", binary = TRUE), file.path(td, "gp_jac.tsv"))
  sd <- read.delim(file.path(shared, "data/globalpatterns/GlobalPatterns_sample_data.tsv"), check.names = FALSE)
  write.table(data.frame("#SampleID" = sd[[1]], SampleType = sd$SampleType, check.names = FALSE),
              file.path(td, "gp_meta.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
}

NP <- 9999
set.seed(42)

## moving pictures (skbio test data): PERMANOVA, sequential terms, strata
mp <- readdm(file.path(td, "mp_dm.tsv"))
mf <- read.delim(file.path(td, "mp_mf.tsv"), check.names = FALSE, comment.char = "")
rownames(mf) <- mf[[1]]
mf <- mf[labels(mp), ]
a <- adonis2(mp ~ BodySite, data = mf, permutations = NP)
put("mp.permanova.F", a$F[1]); put("mp.permanova.R2", a$R2[1]); put("mp.permanova.p", a[["Pr(>F)"]][1])
a <- adonis2(mp ~ BodySite + ReportedAntibioticUsage + DaysSinceExperimentStart, data = mf, permutations = NP, by = "terms")
put("mp.terms.Df", a$Df); put("mp.terms.SS", a$SumOfSqs); put("mp.terms.R2", a$R2)
put("mp.terms.F", a$F[1:3]); put("mp.terms.p", a[["Pr(>F)"]][1:3])
a <- adonis2(mp ~ BodySite, data = mf, permutations = NP, strata = mf$Subject)
put("mp.strata.F", a$F[1]); put("mp.strata.p", a[["Pr(>F)"]][1])
for (ty in c("centroid", "median")) {
  b <- betadisper(mp, mf$BodySite, type = ty)
  pt <- permutest(b, permutations = NP)
  put(paste0("mp.betadisper.", ty, ".F"), pt$statistic)
  put(paste0("mp.betadisper.", ty, ".p"), pt$tab[["Pr(>F)"]][1])
  put(paste0("mp.betadisper.", ty, ".dist"), b$distances)
}
an <- anosim(mp, mf$BodySite, permutations = NP)
put("mp.anosim.R", an$statistic); put("mp.anosim.p", an$signif)

## GlobalPatterns: PERMANOVA, PERMDISP, ANOSIM, Mantel
if (file.exists(file.path(td, "gp_bc.tsv"))) {
  bc <- readdm(file.path(td, "gp_bc.tsv")); jac <- readdm(file.path(td, "gp_jac.tsv"))
  gm <- read.delim(file.path(td, "gp_meta.tsv"), check.names = FALSE, comment.char = "")
  grp <- gm$SampleType[match(labels(bc), gm[[1]])]
  a <- adonis2(bc ~ grp, permutations = NP)
  put("gp.permanova.F", a$F[1]); put("gp.permanova.R2", a$R2[1]); put("gp.permanova.p", a[["Pr(>F)"]][1])
  for (ty in c("centroid", "median")) {
    b <- betadisper(bc, grp, type = ty)
    pt <- permutest(b, permutations = NP)
    put(paste0("gp.betadisper.", ty, ".F"), pt$statistic)
    put(paste0("gp.betadisper.", ty, ".p"), pt$tab[["Pr(>F)"]][1])
  }
  an <- anosim(bc, grp, permutations = NP)
  put("gp.anosim.R", an$statistic); put("gp.anosim.p", an$signif)
  for (m in c("pearson", "spearman")) {
    mt <- mantel(bc, jac, method = m, permutations = NP)
    put(paste0("gp.mantel.", m, ".r"), mt$statistic); put(paste0("gp.mantel.", m, ".p_greater"), mt$signif)
  }
}

## Full moving pictures (34 samples x 770 ASVs, from ../shared): Bray-Curtis
## computed here, statistics only (go test recomputes the matrix from the table
## and skips when ../shared is absent).
mpf <- file.path(shared, "data/moving_pictures/moving_pictures_table.tsv")
if (file.exists(mpf)) {
  otu <- read.delim(mpf, row.names = 1, check.names = FALSE, comment.char = "", skip = 1)
  x <- t(as.matrix(otu))
  mmd <- read.delim(file.path(shared, "data/moving_pictures/moving_pictures_sample_metadata.tsv"), check.names = FALSE, comment.char = "")
  mmd <- mmd[mmd[[1]] != "#q2:types", ]
  site <- mmd[["body-site"]][match(rownames(x), mmd[[1]])]
  bc <- vegdist(x, "bray"); jac <- vegdist(x, "jaccard", binary = TRUE)
  a <- adonis2(bc ~ site, permutations = NP)
  put("mpfull.permanova.F", a$F[1]); put("mpfull.permanova.R2", a$R2[1]); put("mpfull.permanova.p", a[["Pr(>F)"]][1])
  put("mpfull.anosim.R", anosim(bc, site, permutations = 0)$statistic)
  put("mpfull.betadisper.centroid.F", permutest(betadisper(bc, site, type = "centroid"), permutations = 99)$statistic)
  put("mpfull.mantel.spearman.r", mantel(bc, jac, method = "spearman", permutations = 0)$statistic)
}

## cor.test: exact small-n Spearman (n <= 9 enumeration; 10..1289 Edgeworth),
## ties (t approximation), Pearson with Fisher-z CI; all three alternatives.
set.seed(7)
vecs <- list(
  n7 = list(x = c(1.2, 3.4, 2.2, 5.1, 4.4, 6.3, 0.7), y = c(2.0, 2.9, 1.1, 6.0, 3.3, 5.5, 1.9)),
  n9 = list(x = c(9, 3, 7, 1, 5, 8, 2, 6, 4), y = c(8, 1, 9, 3, 4, 7, 2, 5, 6)),
  n12 = list(x = round(rnorm(12), 4), y = round(rnorm(12), 4)),
  n30 = list(x = round(rnorm(30), 4), y = NULL),
  ties = list(x = c(1, 2, 2, 3, 4, 4, 5, 6, 7, 8), y = c(2, 1, 3, 3, 5, 4, 6, 8, 7, 7))
)
vecs$n30$y <- round(vecs$n30$x * 0.4 + rnorm(30), 4)
for (nm in names(vecs)) {
  x <- vecs[[nm]]$x; y <- vecs[[nm]]$y
  put(paste0("cor.", nm, ".x"), x); put(paste0("cor.", nm, ".y"), y)
  for (m in c("pearson", "spearman")) for (alt in c("two.sided", "greater", "less")) {
    ct <- suppressWarnings(cor.test(x, y, method = m, alternative = alt))
    key <- paste0("cor.", nm, ".", m, ".", alt)
    put(paste0(key, ".est"), ct$estimate); put(paste0(key, ".p"), ct$p.value)
    if (m == "pearson") put(paste0(key, ".ci"), ct$conf.int)
  }
}

## p.adjust
p <- c(0.01, 0.02, 0.03, 0.04, 0.05, 0.5, 0.001, 0.2, NA, 0.04, 1e-5, 0.9)
put("padj.p", p)
put("padj.BH", p.adjust(p, "BH")); put("padj.holm", p.adjust(p, "holm"))

## lm with covariates
set.seed(11)
n <- 25
d <- data.frame(x1 = round(rnorm(n), 4), x2 = round(runif(n), 4), x3 = rep(c(0, 1), length.out = n))
d$y <- round(1 + 0.5 * d$x1 - 2 * d$x2 + 0.3 * d$x3 + rnorm(n, sd = 0.7), 4)
put("lm.y", d$y); put("lm.x1", d$x1); put("lm.x2", d$x2); put("lm.x3", d$x3)
fit <- lm(y ~ x1 + x2 + x3, data = d)
cf <- summary(fit)$coefficients
put("lm.coef", cf[, 1]); put("lm.se", cf[, 2]); put("lm.t", cf[, 3]); put("lm.p", cf[, 4])
ci <- confint(fit); put("lm.ci.lo", ci[, 1]); put("lm.ci.hi", ci[, 2])
put("lm.sigma", summary(fit)$sigma); put("lm.r2", summary(fit)$r.squared)

## CLR and robust CLR (vegan::decostand)
cm <- matrix(c(10, 0, 3, 7, 1, 0, 0, 5, 2, 8, 4, 4, 1, 0, 9), nrow = 3, byrow = TRUE)
put("clr.x", t(cm))
put("clr.pc1", t(decostand(cm, "clr", pseudocount = 1)))
put("rclr", t(decostand(cm, "rclr")))

con <- file(file.path(td, "golden_vegan.tsv"), "w")
cat("# generated by scripts/golden_stats.R with R", as.character(getRversion()), "vegan", as.character(packageVersion("vegan")), "\n", file = con)
for (k in names(out)) cat(k, "\t", out[[k]], "\n", sep = "", file = con)
close(con)
