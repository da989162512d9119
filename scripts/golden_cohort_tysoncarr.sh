#!/bin/sh
# Tyson-Carr sign check (host-models.md §8.15): R replicate 53-person studies of
# examples/cohort-tyson-carr.yaml, each analysed with `holobiont analyze assoc`
# (Spearman, CLR, genus) on the emitted BIOM. Replicate r is subjects
# [53r, 53r+53) of one cohort of 53R subjects (each subject depends only on
# (seed, index), so these are independent studies). Prints, per site and
# variable, the mean r of Cutibacterium, the 2.5/97.5% quantiles of r over
# replicates, the fraction of replicates with p < 0.05, with r < 0, and with
# both (a study that "sees the Tyson-Carr sign").
#   nice sh scripts/golden_cohort_tysoncarr.sh [R] [holobiont binary]
# SPEC=other.yaml runs a variant of the spec (e.g. a coupling switched off
# with a `fixed` parameter) for the mechanism breakdown in benchmarks/cohort.md.
# FIXED="name=value ..." does the same without a file: each pair is added to
# the spec's parameters as {dist: fixed, value: V} (the hypothesis-table sweep).
# TRANSFORM=relative correlates Cutibacterium's relative abundance instead of
# its CLR (analyze assoc --transform; default clr, pseudocount 1).
set -eu
R=${1:-1000}
HB=${2:-holobiont}
SPEC=${SPEC:-examples/cohort-tyson-carr.yaml}
TRANSFORM=${TRANSFORM:-clr}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
N=$((53 * R))
sed "s/^n: 53$/n: $N/; s/^chunk: 64$/chunk: 512/" "$SPEC" > "$W/spec0.yaml"
: > "$W/fixed.yaml"
for kv in ${FIXED:-}; do
  printf '  %s: {dist: fixed, value: %s}\n' "${kv%%=*}" "${kv#*=}" >> "$W/fixed.yaml"
done
# the fixed lines go right after "parameters:" (a name given twice is an error in the spec)
awk -v f="$W/fixed.yaml" '{print} /^parameters:/{while ((getline l < f) > 0) print l}' "$W/spec0.yaml" > "$W/spec.yaml"
"$HB" cohort "$W/spec.yaml" --out "$W/out" --progress never >&2
# stratum = body-site/replicate
awk -F'\t' 'BEGIN{OFS="\t"} NR==1{print $0, "stratum"; next} /^#q2:types/{print $0, "categorical"; next}
  {sub(/^S/, "", $2); r = int(($2 + 0 - 1) / 53); $2 = "S" $2; print $0, $3 "/r" r}' "$W/out/sample-metadata.tsv" > "$W/md.tsv"
"$HB" analyze assoc "$W/out/counts.biom" --metadata "$W/md.tsv" --by stratum --vars pss,mood --method spearman --transform "$TRANSFORM" --min-prevalence 0 --out "$W/assoc.tsv" >&2
awk -F'\t' '!/^#/ && $1 != "site" && $2 == "Cutibacterium" && $7 != "NA" {
    split($1, a, "/"); k = a[1] "\t" $3; n[k]++; s[k] += $7; if ($10 < 0.05) sig[k]++; if ($7 < 0) neg[k]++; if ($10 < 0.05 && $7 < 0) sn[k]++; v[k, n[k]] = $7 }
  END { for (k in n) { m = n[k]; for (i = 1; i <= m; i++) x[i] = v[k, i];
      # insertion sort (m <= a few thousand)
      for (i = 2; i <= m; i++) { t = x[i]; j = i - 1; while (j > 0 && x[j] > t) { x[j + 1] = x[j]; j-- } x[j + 1] = t }
      printf "%s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n", k, m, s[k] / m, x[int(0.025 * m) + 1], x[int(0.975 * m)], sig[k] / m, neg[k] / m, sn[k] / m } }' "$W/assoc.tsv" | sort > "$W/summary.tsv"
printf 'site\tvariable\treplicates\tmean_r\tq025_r\tq975_r\tfrac_p<0.05\tfrac_r<0\tfrac_p<0.05_and_r<0\n'
cat "$W/summary.tsv"
