#!/bin/sh
# Issue 4 "Observation": the cohort outputs (BIOM 1.0 JSON counts.json.biom, BIOM 2.1 HDF5 counts.biom,
# sample-metadata.tsv) must load UNCHANGED in QIIME 2, phyloseq and `holobiont analyze`. This script proves it
# with the peers:
#   - python3-biom-format's biom.load_table (what `qiime tools import --type FeatureTable[Frequency]
#     --input-format BIOMV210Format` / BIOMV100Format call) loads both BIOM files; the metadata TSV is checked
#     against QIIME 2's metadata-file rules (id header, optional #q2:types row, unique ids = the table's ids,
#     numeric columns numeric);
#   - R phyloseq: import_biom (JSON), biomformat::read_biom + import_biom (HDF5, needs rhdf5),
#     import_qiime_sample_data, merge_phyloseq;
#   - holobiont's own view: samples.csv reads, `holobiont analyze summarize`, `holobiont analyze convert --to tsv`.
# Every count of every sample x taxon, the per-sample totals, nsamples, ntaxa, the total and the taxonomy strings
# must agree exactly; any mismatch exits non-zero with a message.
#   sh scripts/check_cohort_interop.sh        (as root, from the repository root; installs Debian packages once)
# HOLOBIONT=path uses an existing binary instead of building one; SPEC=file runs another cohort spec.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SPEC=${SPEC:-examples/cohort-tyson-carr.yaml}
PY=/usr/bin/python3 # Debian's python3-biom-format lives here (a pyenv/venv python3 earlier on PATH lacks it)
W=$(mktemp -d /tmp/hb-interop.XXXXXX)
trap 'rm -rf "$W"' EXIT
fail() {
    echo "interop: FAIL: $*" >&2
    exit 1
}

# --- peers from Debian (skipped when present, so a second run is quick) ---
need=""
"$PY" -c 'import biom' >/dev/null 2>&1 || need="$need python3-biom-format"
if ! command -v Rscript >/dev/null 2>&1; then
    need="$need r-base-core r-bioc-phyloseq r-bioc-biomformat r-bioc-rhdf5"
else
    Rscript -e 'suppressPackageStartupMessages(library(phyloseq))' >/dev/null 2>&1 || need="$need r-bioc-phyloseq"
    Rscript -e 'suppressPackageStartupMessages(library(biomformat))' >/dev/null 2>&1 || need="$need r-bioc-biomformat"
    if ! Rscript -e 'suppressPackageStartupMessages(library(rhdf5))' >/dev/null 2>&1; then
        echo "interop: R package rhdf5 is not installed (biomformat::read_biom needs it for BIOM 2.1 HDF5; it is only"
        echo "         'Suggests' of r-bioc-biomformat): installing r-bioc-rhdf5"
        need="$need r-bioc-rhdf5"
    fi
fi
if [ -n "$need" ]; then
    echo "interop: installing from Debian:$need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $need >/dev/null
fi

if [ -z "${HOLOBIONT:-}" ]; then
    go build -o "$W/holobiont" ./cmd/holobiont
    HOLOBIONT="$W/holobiont"
fi
HB="$HOLOBIONT"

# --- the cohort, as shipped ---
D="$W/cohort"
nice "$HB" cohort "$SPEC" --out "$D" --progress never || fail "holobiont cohort $SPEC failed"
for f in counts.biom counts.json.biom sample-metadata.tsv samples.csv; do
    [ -s "$D/$f" ] || fail "holobiont cohort did not write $f"
done

# --- holobiont's own view of its files ---
for x in hdf5:counts.biom json:counts.json.biom; do
    "$HB" analyze summarize "$D/${x#*:}" >"$W/hb_summary_${x%%:*}.txt" ||
        fail "holobiont analyze summarize cannot read its own ${x#*:}"
    "$HB" analyze convert "$D/${x#*:}" --to tsv --out "$W/hb_${x%%:*}.tsv" ||
        fail "holobiont analyze convert cannot read its own ${x#*:}"
done

# --- biom-format (QIIME 2's reader) + QIIME 2 metadata rules; writes canonical dumps for the comparison ---
"$PY" - "$D" "$W" <<'PY'
import csv, json, math, re, sys
import biom

d, w = sys.argv[1], sys.argv[2]
problems = []


def fail(msg):
    print("interop: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def dump(tag, samples, taxa, cells, tax):
    """Canonical form shared with the R side: one 'sample<TAB>taxon<TAB>count' line per cell (sorted),
    per-sample totals, a header line, and 'taxon<TAB>rank1;rank2;...' lines."""
    with open(f"{w}/{tag}.cells", "w") as f:
        for (s, t), v in sorted(cells.items()):
            f.write(f"{s}\t{t}\t{v}\n")
    tot = {s: 0 for s in samples}
    for (s, t), v in cells.items():
        tot[s] += v
    with open(f"{w}/{tag}.totals", "w") as f:
        f.write(f"nsamples={len(samples)}\tntaxa={len(taxa)}\ttotal={sum(tot.values())}\n")
        for s in sorted(tot):
            f.write(f"{s}\t{tot[s]}\n")
    if tax is not None:
        with open(f"{w}/{tag}.tax", "w") as f:
            for t in sorted(tax):
                f.write(f"{t}\t{';'.join(tax[t])}\n")


def intval(x, where):
    if not math.isfinite(x) or x != int(x) or x < 0:
        fail(f"{where}: count {x!r} is not a non-negative integer (FeatureTable[Frequency] needs counts)")
    return int(x)


tables = {}
for tag, name in (("biom_hdf5", "counts.biom"), ("biom_json", "counts.json.biom")):
    path = f"{d}/{name}"
    try:
        t = biom.load_table(path)
    except Exception as e:  # noqa: BLE001 - report whatever biom-format says
        fail(f"biom-format {biom.__version__} cannot load {name}: {type(e).__name__}: {e}")
    samples, taxa = list(t.ids("sample")), list(t.ids("observation"))
    if len(set(samples)) != len(samples):
        fail(f"{name}: duplicate sample ids")
    if len(set(taxa)) != len(taxa):
        fail(f"{name}: duplicate observation ids")
    m = t.matrix_data.tocoo()
    cells = {}
    for i, j, v in zip(m.row, m.col, m.data):
        if v != 0:
            cells[(samples[j], taxa[i])] = intval(float(v), f"{name} [{taxa[i]}, {samples[j]}]")
    md = t.metadata(axis="observation")
    tax = None
    if md is not None and all(x is not None and "taxonomy" in x for x in md):
        tax = {}
        for o, x in zip(taxa, md):
            v = x["taxonomy"]
            tax[o] = [v] if isinstance(v, str) else [str(r) for r in v]
    dump(tag, samples, taxa, cells, tax)
    tables[tag] = (t, samples, taxa, cells, tax)
    print(f"interop: biom-format {biom.__version__} load_table({name}): {len(samples)} samples, {len(taxa)} taxa, "
          f"{sum(cells.values())} reads, taxonomy {'yes' if tax else 'no'}")

# BIOM 1.0 and 2.1 must hold the same table (ids in the same order too: QIIME 2 keeps the file order).
h, j = tables["biom_hdf5"], tables["biom_json"]
if h[1] != j[1]:
    fail("counts.biom and counts.json.biom list different sample ids (or order)")
if h[2] != j[2]:
    fail("counts.biom and counts.json.biom list different observation ids (or order)")
if h[3] != j[3]:
    fail("counts.biom and counts.json.biom hold different counts")
if h[4] != j[4]:
    fail("counts.biom and counts.json.biom carry different taxonomy")

# The JSON file as written, read with plain json: the BIOM 1.0 fields QIIME 2's BIOMV100Format sniffer needs.
with open(f"{d}/counts.json.biom") as f:
    raw = json.load(f)
for k in ("id", "format", "format_url", "type", "generated_by", "date", "matrix_type", "matrix_element_type",
          "shape", "data", "rows", "columns"):
    if k not in raw:
        fail(f"counts.json.biom lacks the BIOM 1.0 required key {k!r}")
if raw["shape"] != [len(h[2]), len(h[1])]:
    fail(f"counts.json.biom shape {raw['shape']} != [{len(h[2])}, {len(h[1])}]")

# counts.biom: the groups, datasets and attributes QIIME 2's BIOMV210Format sniffer (q2-types) requires.
import h5py
with h5py.File(f"{d}/counts.biom", "r") as fh:
    for g in ("sample", "observation", "observation/matrix", "sample/matrix", "sample/ids", "sample/matrix/data",
              "sample/matrix/indptr", "sample/matrix/indices", "observation/ids", "observation/matrix/data",
              "observation/matrix/indptr", "observation/matrix/indices"):
        if g not in fh:
            fail(f"counts.biom lacks the BIOM 2.1 group/dataset {g!r} (QIIME 2 BIOMV210Format)")
    for a in ("id", "type", "format-url", "format-version", "generated-by", "creation-date", "shape", "nnz"):
        if a not in fh.attrs:
            fail(f"counts.biom lacks the BIOM 2.1 attribute {a!r} (QIIME 2 BIOMV210Format)")
    if tuple(int(x) for x in fh.attrs["format-version"]) != (2, 1):
        fail(f"counts.biom format-version {tuple(fh.attrs['format-version'])} != (2, 1)")
    if int(fh.attrs["nnz"]) != len(h[3]):
        fail(f"counts.biom nnz attribute {int(fh.attrs['nnz'])} != {len(h[3])} non-zero counts")

# --- sample-metadata.tsv under QIIME 2's metadata-file rules (qiime2.metadata.io.MetadataReader) ---
ID_HEADERS_CI = {"id", "sampleid", "sample id", "sample-id", "featureid", "feature id", "feature-id"}
ID_HEADERS_EXACT = {"#SampleID", "#Sample ID", "#OTUID", "#OTU ID", "sample_name"}


def is_id_header(x):
    return x.lower() in ID_HEADERS_CI or x in ID_HEADERS_EXACT


NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
path = f"{d}/sample-metadata.tsv"
with open(path, newline="", encoding="utf-8") as f:
    rows = [[c.strip() for c in r] for r in csv.reader(f, dialect="excel-tab", strict=True)]
k = 0
while k < len(rows) and (not any(rows[k]) or (rows[k][0].startswith("#") and not is_id_header(rows[k][0]))):
    k += 1  # leading blank / comment rows
if k == len(rows):
    fail("sample-metadata.tsv: no header row")
header = rows[k]
while header and header[-1] == "":
    header.pop()
if not is_id_header(header[0]):
    fail(f"sample-metadata.tsv:{k + 1}: first column header {header[0]!r} is not a QIIME 2 id header "
         "(sample-id, id, #SampleID, ...)")
cols = header[1:]
for c in cols:
    if not c or c.startswith("#") or is_id_header(c):
        fail(f"sample-metadata.tsv:{k + 1}: column name {c!r} is not allowed by QIIME 2")
if len(set(cols)) != len(cols):
    fail(f"sample-metadata.tsv:{k + 1}: duplicate column names")
types = None
ids, values = [], {c: [] for c in cols}
for n, r in enumerate(rows[k + 1:], start=k + 2):
    if not any(r):
        continue
    if r[0].startswith("#q2:"):
        if r[0] != "#q2:types" or types is not None or ids:
            fail(f"sample-metadata.tsv:{n}: directive {r[0]!r} is not a #q2:types row right after the header")
        types = [x.lower() for x in r[1:]] + [""] * (len(cols) - len(r) + 1)
        bad = [x for x in types if x not in ("", "categorical", "numeric")]
        if bad:
            fail(f"sample-metadata.tsv:{n}: #q2:types values {bad} are not categorical/numeric")
        continue
    if r[0].startswith("#"):
        continue  # comment
    if len(r) > len(header) and any(r[len(header):]):
        fail(f"sample-metadata.tsv:{n}: {len(r)} cells, header has {len(header)}")
    if not r[0] or is_id_header(r[0]):
        fail(f"sample-metadata.tsv:{n}: invalid sample id {r[0]!r}")
    ids.append(r[0])
    for c, v in zip(cols, r[1:] + [""] * len(cols)):
        values[c].append(v)
if len(set(ids)) != len(ids):
    fail("sample-metadata.tsv: duplicate sample ids")
declared = dict(zip(cols, types or [""] * len(cols)))
inferred = {}
for c in cols:
    vs = [v for v in values[c] if v != ""]
    inferred[c] = "numeric" if vs and all(NUM.match(v) for v in vs) else "categorical"
    if declared[c] == "numeric" and inferred[c] != "numeric":
        bad = next(v for v in vs if not NUM.match(v))
        fail(f"sample-metadata.tsv: column {c!r} is declared numeric but holds {bad!r}")
if set(ids) != set(h[1]):
    extra, missing = sorted(set(ids) - set(h[1])), sorted(set(h[1]) - set(ids))
    fail(f"sample-metadata.tsv ids != table sample ids (only in metadata: {extra[:3]}, only in table: {missing[:3]})")
with open(f"{w}/q2_metadata.cells", "w") as f:  # canonical cells: numeric columns as %.17g, missing as ''
    for i, s in sorted(enumerate(ids), key=lambda x: x[1]):
        f.write(f"{s}\t1\t{s}\n")
        for c_i, c in enumerate(cols, start=2):
            v = values[c][i]
            if v != "" and (declared[c] or inferred[c]) == "numeric":
                v = "%.17g" % float(v)
            f.write(f"{s}\t{c_i}\t{v}\n")
with open(f"{w}/metadata_ids", "w") as f:
    f.write("\n".join(sorted(ids)) + "\n")
redundant = types is not None and all(declared[c] in ("", inferred[c]) for c in cols)
print(f"interop: QIIME 2 metadata rules: sample-metadata.tsv header {header[0]!r}, "
      f"{'#q2:types row' if types else 'no #q2:types row'}, {len(cols)} columns "
      f"({sum(1 for c in cols if (declared[c] or inferred[c]) == 'numeric')} numeric), {len(ids)} unique ids = "
      "the table's sample ids")
with open(f"{w}/q2types_redundant", "w") as f:
    f.write("yes\n" if redundant else "no\n")

# --- holobiont's own files: samples.csv reads, analyze summarize, analyze convert --to tsv ---
with open(f"{d}/samples.csv", newline="") as f:
    rd = csv.DictReader(f)
    reads = {r["sample-id"]: int(r["reads"]) for r in rd}
with open(f"{w}/hb_samples.totals", "w") as f:
    for s in sorted(reads):
        f.write(f"{s}\t{reads[s]}\n")
for tag in ("hdf5", "json"):
    txt = open(f"{w}/hb_summary_{tag}.txt").read()
    ns = int(re.search(r"^Num samples: (\d+)$", txt, re.M).group(1))
    nt = int(re.search(r"^Num observations: (\d+)$", txt, re.M).group(1))
    total = int(re.search(r"^Total count: (\d+)$", txt, re.M).group(1))
    per = {}
    detail = txt.split("Counts/sample detail:", 1)[1]
    for line in detail.strip().splitlines():
        s, v = line.rsplit(": ", 1)
        per[s] = intval(float(v), f"summarize {tag} {s}")
    with open(f"{w}/hb_summarize_{tag}.totals", "w") as f:
        f.write(f"nsamples={ns}\tntaxa={nt}\ttotal={total}\n")
        for s in sorted(per):
            f.write(f"{s}\t{per[s]}\n")
    # analyze convert --to tsv: '# Constructed from biom file' line, '#OTU ID' header, optional taxonomy column
    with open(f"{w}/hb_{tag}.tsv") as f:
        lines = [l.rstrip("\n").split("\t") for l in f if not l.startswith("# ")]
    hdr = lines[0]
    has_tax = hdr[-1] == "taxonomy"
    samp = hdr[1:-1] if has_tax else hdr[1:]
    cells, tax, taxa = {}, {}, []
    for r in lines[1:]:
        taxa.append(r[0])
        for s, v in zip(samp, r[1:1 + len(samp)]):
            x = intval(float(v), f"convert {tag} [{r[0]}, {s}]")
            if x:
                cells[(s, r[0])] = x
        if has_tax:
            tax[r[0]] = [x.strip() for x in r[-1].split(";")]
    dump(f"hb_convert_{tag}", samp, taxa, cells, tax if has_tax else None)
PY

# --- phyloseq (R) ---
Rscript --vanilla - "$D" "$W" <<'R' || fail "phyloseq could not load the cohort files (see the R error above)"
# biomformat's HDF5 reader calls rhdf5's h5read unqualified (rhdf5 is only in its Suggests), so rhdf5 must be
# attached, not just installed, or read_biom reports "Both attempts to read input file ... failed".
suppressPackageStartupMessages({ library(phyloseq); library(biomformat); library(rhdf5) })
args <- commandArgs(trailingOnly = TRUE)
d <- args[1]; w <- args[2]
dump <- function(ps, tag) {
  m <- as(otu_table(ps), "matrix")
  if (!taxa_are_rows(ps)) m <- t(m)
  if (any(m != round(m)) || any(m < 0)) stop(tag, ": non-integer counts")
  storage.mode(m) <- "double"
  idx <- which(m != 0, arr.ind = TRUE)
  cells <- data.frame(s = colnames(m)[idx[, 2]], t = rownames(m)[idx[, 1]], v = m[idx], stringsAsFactors = FALSE)
  cells <- cells[order(cells$s, cells$t, method = "radix"), ]
  writeLines(sprintf("%s\t%s\t%.0f", cells$s, cells$t, cells$v), file.path(w, paste0(tag, ".cells")))
  tot <- colSums(m)
  o <- order(names(tot), method = "radix")
  writeLines(c(sprintf("nsamples=%d\tntaxa=%d\ttotal=%.0f", nsamples(ps), ntaxa(ps), sum(tot)),
               sprintf("%s\t%.0f", names(tot)[o], tot[o])), file.path(w, paste0(tag, ".totals")))
  if (!is.null(access(ps, "tax_table"))) {
    tt <- as(tax_table(ps), "matrix")
    o <- order(rownames(tt), method = "radix")
    writeLines(sprintf("%s\t%s", rownames(tt)[o],
                       apply(tt[o, , drop = FALSE], 1, function(r) paste(ifelse(is.na(r), "", r), collapse = ";"))),
               file.path(w, paste0(tag, ".tax")))
  }
}
sd <- import_qiime_sample_data(file.path(d, "sample-metadata.tsv"))
pj <- import_biom(file.path(d, "counts.json.biom"))                 # BIOM 1.0 JSON
bh <- read_biom(file.path(d, "counts.biom"))                         # BIOM 2.1 HDF5 (rhdf5)
ph <- import_biom(bh)
for (x in list(list(pj, "phyloseq_json", "counts.json.biom"), list(ph, "phyloseq_hdf5", "counts.biom"))) {
  ps <- merge_phyloseq(x[[1]], sd)
  if (nsamples(ps) != nsamples(x[[1]]))
    stop(x[[3]], ": merge_phyloseq with sample-metadata.tsv kept ", nsamples(ps), " of ", nsamples(x[[1]]), " samples")
  dump(ps, x[[2]])
  # sample_data as merged: every value must equal the TSV's (numbers compared as doubles, %.17g)
  df <- as(sample_data(ps), "data.frame")
  df <- df[order(rownames(df), method = "radix"), , drop = FALSE]
  cells <- lapply(seq_along(df), function(j) {
    v <- as.character(df[[j]]); v[is.na(v)] <- ""
    num <- suppressWarnings(as.numeric(v))
    if (all(!is.na(num) | v == "")) v <- ifelse(v == "", "", sprintf("%.17g", num))
    v
  })
  m <- do.call(cbind, cells)
  writeLines(as.vector(t(matrix(sprintf("%s\t%d\t%s", rownames(df)[row(m)], col(m), m), nrow(m)))),
             file.path(w, paste0(x[[2]], "_metadata.cells")))
  ss <- sample_sums(ps)
  cat(sprintf("interop: phyloseq %s %s + sample-metadata.tsv -> merge_phyloseq: nsamples %d, ntaxa %d, sum %.0f, ranks %s, sample_data %d columns\n",
              packageVersion("phyloseq"), x[[3]], nsamples(ps), ntaxa(ps), sum(ss),
              paste(rank_names(ps), collapse = ","), ncol(sample_data(ps))))
  cat(sprintf("interop:   per-sample totals: min %.0f, median %.1f, max %.0f; first: %s\n", min(ss), median(ss), max(ss),
              paste(sprintf("%s=%.0f", names(ss)[1:3], ss[1:3]), collapse = " ")))
}
cat("interop:   phyloseq sample_sums (identical for both files):\n")
print(sample_sums(ph))
extra <- setdiff(sample_names(sd), sample_names(pj))
if (length(extra)) cat(sprintf("interop:   note: import_qiime_sample_data reads %d non-sample row(s) (%s) as samples; merge_phyloseq drops them\n",
                               length(extra), paste(extra, collapse = ", ")))
cls <- vapply(as(sample_data(sd), "data.frame"), function(v) class(v)[1], "")
cat(sprintf("interop:   sample_data column classes: %s\n", paste(sprintf("%s=%s", names(cls), cls), collapse = " ")))
writeLines(c(R.version$minor, as.character(packageVersion("phyloseq"))), file.path(w, "phyloseq_version"))
R

# --- exact comparisons ---
same() { # same FILE_A FILE_B WHAT
    cmp -s "$W/$1" "$W/$2" || {
        diff "$W/$1" "$W/$2" | head -8 >&2
        fail "$3 ($1 vs $2)"
    }
}
for v in biom_json phyloseq_hdf5 phyloseq_json hb_convert_hdf5 hb_convert_json; do
    same biom_hdf5.cells "$v.cells" "count matrix differs"
    same biom_hdf5.totals "$v.totals" "nsamples/ntaxa/total or per-sample totals differ"
done
for v in hb_summarize_hdf5 hb_summarize_json; do
    same biom_hdf5.totals "$v.totals" "nsamples/ntaxa/total or per-sample totals differ"
done
tail -n +2 "$W/biom_hdf5.totals" >"$W/biom_hdf5.pertotals"
same biom_hdf5.pertotals hb_samples.totals "per-sample read totals differ from samples.csv 'reads'"
cut -f1 "$W/hb_samples.totals" >"$W/samples_ids"
same samples_ids metadata_ids "samples.csv and sample-metadata.tsv list different samples"
for v in phyloseq_json phyloseq_hdf5; do
    # numbers within 1e-13 relative: R's read.table parses long decimals with its own strtod, which is not
    # correctly rounded (403.72357295528167 reads as ...8201, a few ulp off); text must match exactly
    "$PY" - "$W/q2_metadata.cells" "$W/${v}_metadata.cells" <<'PYCMP' || fail "sample metadata values differ after merge_phyloseq (q2_metadata.cells vs ${v}_metadata.cells)"
import sys
a, b = (open(f).read().splitlines() for f in sys.argv[1:3])
if len(a) != len(b):
    sys.exit(f"{len(a)} vs {len(b)} cells")
for x, y in zip(a, b):
    kx, _, vx = x.rpartition("\t")
    ky, _, vy = y.rpartition("\t")
    if kx != ky:
        sys.exit(f"cell {kx!r} vs {ky!r}")
    if vx == vy:
        continue
    try:
        fx, fy = float(vx), float(vy)
    except ValueError:
        sys.exit(f"{kx}: {vx!r} vs {vy!r}")
    if abs(fx - fy) > 1e-13 * max(abs(fx), abs(fy)):
        sys.exit(f"{kx}: {vx} vs {vy}")
PYCMP
done
ntax=0
if [ -f "$W/biom_hdf5.tax" ]; then
    for v in biom_json phyloseq_hdf5 phyloseq_json hb_convert_hdf5 hb_convert_json; do
        [ -f "$W/$v.tax" ] || fail "$v lost the taxonomy the BIOM carries"
        same biom_hdf5.tax "$v.tax" "taxonomy differs"
    done
    ntax=1
fi
if [ "$(cat "$W/q2types_redundant")" = yes ]; then
    echo "interop: note: the #q2:types row only restates the types QIIME 2 infers"
fi

BV=$("$PY" -c 'import biom; print(biom.__version__)')
PV=$(tail -n 1 "$W/phyloseq_version")
set -- $(head -n 1 "$W/biom_hdf5.totals" | tr '\t=' '  ')
echo "interop: biom-format $BV and phyloseq $PV load counts.biom and counts.json.biom ($2 samples, $4 taxa, $6 reads$([ "$ntax" = 1 ] && echo ', taxonomy')) identically to holobiont"
