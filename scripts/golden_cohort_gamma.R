# Golden values for the gamma distribution of the cohort/GSA spec language
# (cohort/dist.go): quantile of a draw u on the (truncated) distribution,
# CDF and density, from R's qgamma/pgamma/dgamma. Run:
#   Rscript scripts/golden_cohort_gamma.R > cohort/testdata/gamma_golden.tsv
# Columns: shape scale lower upper u quantile x cdf pdf (lower/upper Inf when
# not truncated; cdf and pdf are of the truncated distribution at x).
cases <- list(
  c(1, 2, -Inf, Inf), c(0.35, 4, -Inf, Inf), c(2.5, 0.8, -Inf, Inf),
  c(9, 0.25, -Inf, Inf), c(1.4, 1.6, 0.5, 12), c(0.8, 3, 0, 2), c(40, 0.1, 3, Inf)
)
us <- c(1e-6, 0.01, 0.1, 0.37, 0.5, 0.83, 0.99, 0.999999)
cat("shape\tscale\tlower\tupper\tu\tquantile\tx\tcdf\tpdf\n")
for (cs in cases) {
  k <- cs[1]; th <- cs[2]; lo <- cs[3]; hi <- cs[4]
  a <- pgamma(max(lo, 0), shape = k, scale = th); b <- pgamma(hi, shape = k, scale = th)
  for (u in us) {
    q <- qgamma(a + u * (b - a), shape = k, scale = th)
    x <- q * 1.1 + 0.01
    cdf <- if (x >= hi) 1 else (pgamma(x, shape = k, scale = th) - a) / (b - a)
    pdf <- if (x > hi) 0 else dgamma(x, shape = k, scale = th) / (b - a)
    cat(sprintf("%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\n", k, th, lo, hi, u, q, x, cdf, pdf))
  }
}
