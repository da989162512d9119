#!/usr/bin/Rscript
# Golden values for holobiont's ANCOM-BC (analyze da --method ancombc) from R's ANCOMBC, running
# ANCOMBC's own R code (ancombc() and the functions it calls) on the HITChip Atlas fixture made by
# scripts/atlas1006_fixture.R.
#
# ANCOMBC (Bioconductor; github.com/FrederickHuangLin/ANCOMBC, Artistic-2.0) is not in Debian and its
# package needs CVXR, DescTools and mia, which are not either; ancombc() itself needs none of them. So
# this script either uses an installed ANCOMBC package or sources the R files of an ANCOMBC source tree:
#   git clone https://github.com/FrederickHuangLin/ANCOMBC /tmp/ANCOMBC   # golden files: v2.6.1, 74a6958
#   ANCOMBC_SRC=/tmp/ANCOMBC Rscript scripts/golden_ancombc_r.R          # from the repository root
# It needs foreach, doRNG, nloptr and MASS (Debian: r-cran-foreach r-cran-dorng r-cran-nloptr r-cran-mass).
#
# Cases (all with tol = 1e-5, max_iter = 100, prv_cut = 0.10, lib_cut = 1000, alpha = 0.05):
#   U  ANCOMBC's unit test (tests/testthat/test-ancombc.R) verbatim: all 1,006 baseline samples,
#      age + nationality + bmi_group, Holm, struc_zero by bmi_group, conserve = TRUE (global = FALSE
#      here: the global test does not change W). The test expects round(W[1, 3], 2) == -4.9, the age
#      coefficient of the first family (Actinobacteria); this script stops if that does not hold.
#      Samples with a missing covariate stay in R's variance (their outer products' missing entries
#      are set to 0.1), which analyze da does not do (it refuses missing covariates); the Go test
#      TestANCOMBCRUnitTest rebuilds that rule to compare U through holobiont's EM and conserve.
#   A  the same model on the 890 complete cases (the one EasternEurope sample dropped: a level needs
#      two samples), Holm, struc_zero by bmi_group, conserve = TRUE.
#   B  as A with conserve = FALSE, struc_zero = FALSE and BH.
#   C  36 complete cases (12 random underweight, lean and obese; seed 1), age + bmi_group,
#      struc_zero by bmi_group, conserve = TRUE (Cyanobacteria is a structural zero of underweight).
#   D  as C with neg_lb = TRUE and conserve = FALSE.
# bmi_group's reference level is underweight (atlas1006's factor order), nationality's CentralEurope.
#
# Writes
#   da/testdata/golden_ancombc_r.tsv          case, taxon, term, lfc, se, W, p, q (17 digits)
#   da/testdata/golden_ancombc_r_zero.tsv     case, taxon, level, structural zero (0/1)
#   da/testdata/golden_ancombc_r_bias.tsv     case, term, delta_em, delta_wls
#   da/testdata/golden_ancombc_r_samples.tsv  case, sample (the samples of each case)
# Tolerances used by the Go test (da/ancombc_r_test.go) are stated there.
need <- c("foreach", "doRNG", "nloptr", "MASS")
miss <- need[!vapply(need, requireNamespace, logical(1), quietly = TRUE)]
if (length(miss) > 0) {
  stop("missing R packages: ", paste(miss, collapse = ", "),
       " (Debian: apt-get install r-cran-foreach r-cran-dorng r-cran-nloptr r-cran-mass)", call. = FALSE)
}
suppressMessages({library(foreach); library(doRNG)})
src <- Sys.getenv("ANCOMBC_SRC")
if (src != "") {
  files <- file.path(src, "R", c("ancombc.R", "ancombc_bias_correct.R", "ancombc_prep.R", "data_sanity_check.R"))
  if (!all(file.exists(files))) {
    stop("ANCOMBC_SRC=", src, " is not an ANCOMBC source tree (want ", paste(basename(files), collapse = ", "),
         " under R/)", call. = FALSE)
  }
  for (f in files) source(f)
  desc <- read.dcf(file.path(src, "DESCRIPTION"))
  version <- paste("ANCOMBC", desc[1, "Version"], "sources from", src)
} else if (requireNamespace("ANCOMBC", quietly = TRUE)) {
  ancombc <- ANCOMBC::ancombc
  version <- paste("ANCOMBC", utils::packageVersion("ANCOMBC"), "(installed package)")
} else {
  stop("no ANCOMBC: set ANCOMBC_SRC to an ANCOMBC source tree (git clone ",
       "https://github.com/FrederickHuangLin/ANCOMBC) or install the ANCOMBC package", call. = FALSE)
}

counts <- as.matrix(read.delim("da/testdata/atlas1006_family.tsv", row.names = 1, check.names = FALSE))
md <- read.delim("da/testdata/atlas1006_metadata.tsv", row.names = 1, check.names = FALSE, na.strings = "")
md$nationality <- factor(md$nationality)
md$bmi_group <- factor(md$bmi_group, levels = c("underweight", "lean", "overweight", "obese", "severeobese", "morbidobese"))
stopifnot(identical(rownames(md), colnames(counts)))

cc <- which(complete.cases(md) & md$nationality != "EasternEurope")
set.seed(1)
small <- sort(unlist(lapply(c("underweight", "lean", "obese"), function(l) sample(cc[md$bmi_group[cc] == l], 12))))
full <- "age + nationality + bmi_group"
cases <- list(
  list(id = "U", samples = seq_len(ncol(counts)), formula = full, padj = "holm", sz = TRUE, neglb = FALSE, conserve = TRUE),
  list(id = "A", samples = cc, formula = full, padj = "holm", sz = TRUE, neglb = FALSE, conserve = TRUE),
  list(id = "B", samples = cc, formula = full, padj = "BH", sz = FALSE, neglb = FALSE, conserve = FALSE),
  list(id = "C", samples = small, formula = "age + bmi_group", padj = "holm", sz = TRUE, neglb = FALSE, conserve = TRUE),
  list(id = "D", samples = small, formula = "age + bmi_group", padj = "holm", sz = TRUE, neglb = TRUE, conserve = FALSE))

f17 <- function(x) sprintf("%.17g", x)
res <- list(); zero <- list(); bias <- list(); smp <- list()
for (cs in cases) {
  set.seed(123)
  out <- suppressWarnings(suppressMessages(ancombc(
    data = counts[, cs$samples], meta_data = md[cs$samples, ], formula = cs$formula,
    p_adj_method = cs$padj, prv_cut = 0.10, lib_cut = 1000, group = if (cs$sz) "bmi_group" else NULL,
    struc_zero = cs$sz, neg_lb = cs$neglb, tol = 1e-5, max_iter = 100, conserve = cs$conserve,
    alpha = 0.05, global = FALSE, n_cl = 1, verbose = FALSE)))
  r <- out$res
  if (cs$id == "U") {
    w13 <- r$W[1, 3]
    cat(sprintf("unit test: W[1, 3] (%s, %s) = %.6f, rounded %.2f (ANCOMBC's test expects -4.9)\n",
                r$W$taxon[1], colnames(r$W)[3], w13, round(w13, 2)))
    stopifnot(round(w13, 2) == -4.9)
  }
  terms <- colnames(r$lfc)[-1]
  for (tm in terms) {
    res[[length(res) + 1]] <- data.frame(case = cs$id, taxon = r$lfc$taxon, term = tm, lfc = f17(r$lfc[[tm]]),
      se = f17(r$se[[tm]]), W = f17(r$W[[tm]]), p = f17(r$p_val[[tm]]), q = f17(r$q_val[[tm]]))
  }
  bias[[length(bias) + 1]] <- data.frame(case = cs$id, term = terms, delta_em = f17(out$delta_em),
                                         delta_wls = f17(out$delta_wls))
  if (cs$sz) {
    z <- out$zero_ind
    for (k in 2:ncol(z)) {
      lev <- sub("^structural_zero \\(bmi_group = (.*)\\)$", "\\1", colnames(z)[k])
      zero[[length(zero) + 1]] <- data.frame(case = cs$id, taxon = z$taxon, level = lev, zero = as.integer(z[[k]]))
    }
  }
  smp[[length(smp) + 1]] <- data.frame(case = cs$id, sample = colnames(counts)[cs$samples])
}
hdr <- sprintf("# scripts/golden_ancombc_r.R: %s, %s", version, R.version.string)
wr <- function(x, path) {
  writeLines(hdr, path)
  suppressWarnings(write.table(do.call(rbind, x), path, sep = "\t", quote = FALSE, row.names = FALSE, append = TRUE))
}
wr(res, "da/testdata/golden_ancombc_r.tsv")
wr(zero, "da/testdata/golden_ancombc_r_zero.tsv")
wr(bias, "da/testdata/golden_ancombc_r_bias.tsv")
wr(smp, "da/testdata/golden_ancombc_r_samples.tsv")
