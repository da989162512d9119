"""Golden for table.Collapse: the moving pictures table collapsed to genus by
biom-format's Table.collapse (sum of counts, norm=False).

usage (Debian python, from the repository root):
  /usr/bin/python3 scripts/golden_formats_collapse.py ../shared/data/moving_pictures \
      > table/testdata/golden/moving_pictures_genus.tsv

Group key: the first six ranks of the QIIME 2 taxonomy string, prefixes
("k__", "D_0__") stripped, placeholders (empty, Unassigned, unclassified,
unidentified, NA, ...) as "", joined with ";". This is the grouping
table.Collapse(..., Genus, UnassignedByParent) uses.
"""
import sys

import biom

d = sys.argv[1]
table = biom.load_table(d + "/moving_pictures_table.biom.json")
UNASSIGNED = {"", "unassigned", "unclassified", "unknown", "na", "nan", "none", "unidentified", "ambiguous_taxa", "__"}
tax = {}
with open(d + "/moving_pictures_taxonomy.tsv") as fh:
    next(fh)
    for line in fh:
        fid, taxon = line.rstrip("\n").split("\t")[:2]
        ranks = [""] * 7
        for i, r in enumerate(taxon.split(";")):
            r = r.strip()
            if len(r) >= 3 and r[1:3] == "__":
                pos = "kpcofgs".index(r[0].lower()) if r[0].lower() in "kpcofgs" else ("kpcofgs".index("k") if r[0].lower() == "d" else None)
                r = r[3:]
            else:
                pos = i
            r = r.replace("_", " ").strip().strip("[]'\"")
            if r.lower() in UNASSIGNED:
                r = ""
            if pos is not None and pos < 7:
                ranks[pos] = r
        tax[fid] = ";".join(ranks[:6])

collapsed = table.collapse(lambda fid, md: tax[fid], axis="observation", norm=False)
print("#genus key\t" + "\t".join(collapsed.ids("sample")))
for key in sorted(collapsed.ids("observation")):
    row = collapsed.data(key, axis="observation", dense=True)
    print(key + "\t" + "\t".join("%d" % v for v in row))
