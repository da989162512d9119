#!/usr/bin/env Rscript
# Fixture and golden values for package assoc / `holobiont analyze assoc`
# (R 4.2, base stats only). Run from the repository root:
#   Rscript scripts/golden_stats_assoc.R
# Writes assoc/testdata/{table.tsv, metadata.tsv} (a synthetic study in the
# Tyson-Carr 2025 design: subjects sampled at face, scalp, axilla and forearm,
# perceived stress and mood; Cutibacterium falls with stress on face and
# axilla) and assoc/testdata/golden_<method>_<transform>.tsv with what R
# computes: collapse ASVs to genus (Propionibacterium counted as
# Cutibacterium), transform over the sample's genera, keep genera present in
# more than 10% of a site's samples, cor.test / lm per genus and variable,
# p.adjust(BH) within site.
set.seed(2025)
td <- "assoc/testdata"
nsub <- 20
sites <- c("face", "scalp", "axilla", "forearm")
asv <- data.frame(
  id = sprintf("ASV%02d", 1:9),
  genus = c("Cutibacterium", "Propionibacterium", "Staphylococcus", "Staphylococcus", "Corynebacterium",
            "Streptococcus", "Micrococcus", "Rarobacter", "Lawsonella"),
  phylum = c("Actinobacteriota", "Actinobacteriota", "Firmicutes", "Firmicutes", "Actinobacteriota",
             "Firmicutes", "Actinobacteriota", "Actinobacteriota", "Actinobacteriota"),
  stringsAsFactors = FALSE)
subj <- data.frame(subject = sprintf("P%02d", 1:nsub), stress = sample(5:35, nsub, replace = TRUE),
                   age = round(runif(nsub, 20, 60)), sex = sample(c("F", "M"), nsub, replace = TRUE))
subj$mood <- pmin(9, pmax(1, round(7 - 0.12 * subj$stress + rnorm(nsub, 0, 1.2))))
md <- merge(subj, data.frame(site = sites), by = NULL)
md <- md[order(md$subject, md$site), ]
md$id <- paste(md$subject, md$site, sep = ".")
n <- nrow(md)
md$mood[5] <- NA # one missing value
counts <- matrix(0, nrow = nrow(asv), ncol = n, dimnames = list(asv$id, md$id))
for (i in seq_len(n)) {
  s <- md$site[i]; st <- md$stress[i]
  cuti <- if (s %in% c("face", "axilla")) exp(6.5 - 0.06 * st) else exp(5.5)
  lam <- c(cuti, cuti * 0.2, exp(5 + 0.02 * st), 40, if (s == "axilla") 300 else 60, 30, 20, 0.05, 25)
  counts[, i] <- rpois(nrow(asv), lam * exp(rnorm(nrow(asv), 0, 0.5)))
}
tax <- sprintf("k__Bacteria; p__%s; c__; o__; f__; g__%s", asv$phylum, asv$genus)
con <- file(file.path(td, "table.tsv"), "w")
cat("# Constructed by scripts/golden_stats_assoc.R\n", file = con)
cat("#OTU ID", md$id, "taxonomy", sep = "\t", file = con); cat("\n", file = con)
for (j in seq_len(nrow(asv))) { cat(asv$id[j], counts[j, ], tax[j], sep = "\t", file = con); cat("\n", file = con) }
close(con)
mdo <- data.frame(`sample-id` = md$id, subject = md$subject, `body-site` = md$site, stress = md$stress,
                  mood = ifelse(is.na(md$mood), "", md$mood), age = md$age, sex = md$sex, check.names = FALSE)
con <- file(file.path(td, "metadata.tsv"), "w")
cat(names(mdo), sep = "\t", file = con); cat("\n", file = con)
cat("#q2:types", "categorical", "categorical", "numeric", "numeric", "numeric", "categorical", sep = "\t", file = con); cat("\n", file = con)
write.table(mdo, con, sep = "\t", quote = FALSE, row.names = FALSE, col.names = FALSE)
close(con)

# Expected results.
g <- ifelse(asv$genus == "Propionibacterium", "Cutibacterium", asv$genus)
G <- rowsum(counts, g, reorder = FALSE) # genera in order of first appearance
clr <- function(x) { l <- log(x + 1); l - mean(l) }
tf <- list(clr = apply(G, 2, clr), relative = sweep(G, 2, colSums(G), "/"))
for (meth in c("spearman", "pearson", "lm")) for (tn in names(tf)) {
  X <- tf[[tn]]
  out <- NULL
  for (s in sort(sites)) {
    cols <- which(md$site == s); ns <- length(cols)
    block <- NULL
    for (v in c("stress", "mood")) for (gname in rownames(G)) {
      prev <- sum(G[gname, cols] > 0)
      if (prev <= 0.1 * ns || prev == 0) next
      y <- X[gname, cols]; x <- md[[v]][cols]
      ok <- !is.na(x) & !is.na(y)
      if (meth == "lm") {
        fit <- lm(y ~ x + age + sex, data = data.frame(y = y, x = x, age = md$age[cols], sex = md$sex[cols])[ok, ])
        cf <- summary(fit)$coefficients; ci <- confint(fit)
        eff <- cf["x", 1]; p <- cf["x", 4]; lo <- ci["x", 1]; hi <- ci["x", 2]
      } else {
        ct <- suppressWarnings(cor.test(x[ok], y[ok], method = meth))
        eff <- ct$estimate; p <- ct$p.value
        z <- atanh(eff); se <- 1 / sqrt(sum(ok) - 3)
        lo <- tanh(z - qnorm(0.975) * se); hi <- tanh(z + qnorm(0.975) * se)
      }
      block <- rbind(block, data.frame(site = s, taxon = gname, variable = v, n = sum(ok), effect = eff,
                                       ci_low = lo, ci_high = hi, p = p))
    }
    block$q <- p.adjust(block$p, "BH")
    out <- rbind(out, block)
  }
  for (k in c("effect", "ci_low", "ci_high", "p", "q")) out[[k]] <- sprintf("%.17g", out[[k]])
  write.table(out, file.path(td, sprintf("golden_%s_%s.tsv", meth, tn)), sep = "\t", quote = FALSE, row.names = FALSE)
}
