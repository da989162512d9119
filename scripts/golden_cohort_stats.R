# Golden values for cohort/trialstats.go: Welch t interval (t.test), ANCOVA
# (lm y ~ treated + baseline) and the pooled two-proportion z test
# (prop.test without continuity correction). Run:
#   Rscript scripts/golden_cohort_stats.R > cohort/testdata/stats_golden.tsv
a <- c(3.1, 2.4, 5.6, 4.4, 3.9, 2.2, 4.8, 3.3)
b <- c(5.2, 4.9, 6.8, 3.7, 6.1, 5.5, 7.2, 4.4, 5.9, 6.6)
w <- t.test(b, a, var.equal = FALSE, conf.level = 0.95)
cat(sprintf("welch\t%.15g\t%.15g\t%.15g\t%.15g\n", unname(w$estimate[1] - w$estimate[2]), w$conf.int[1], w$conf.int[2], w$p.value))
y <- c(a, b)
tr <- c(rep(0, length(a)), rep(1, length(b)))
base <- c(2.9, 2.1, 5.0, 4.6, 3.2, 2.8, 4.1, 3.0, 4.1, 4.0, 5.2, 3.9, 4.4, 4.9, 5.1, 3.3, 4.7, 5.3)
f <- lm(y ~ tr + base)
ci <- confint(f)["tr", ]
s <- summary(f)$coefficients["tr", ]
cat(sprintf("ancova\t%.15g\t%.15g\t%.15g\t%.15g\n", s[1], ci[1], ci[2], s[4]))
p <- prop.test(c(12, 21), c(40, 42), correct = FALSE)
cat(sprintf("prop\t%.15g\n", p$p.value))
