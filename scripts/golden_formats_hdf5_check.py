"""Check that a BIOM file written by holobiont (2.1 HDF5 or 1.0 JSON) reads in
biom-format (and, for HDF5, h5py) to the same table as a reference file.

usage: python3 golden_formats_hdf5_check.py REFERENCE(any biom/tsv) WRITTEN
Exits non-zero on any difference.
"""
import sys

import biom
import h5py
import numpy as np

ref_path, new_path = sys.argv[1], sys.argv[2]
if ref_path.endswith(".tsv"):
    with open(ref_path) as fh:
        ref = biom.Table.from_tsv(fh, None, None, lambda x: x)
else:
    ref = biom.load_table(ref_path)
new = biom.load_table(new_path)

assert list(ref.ids("sample")) == list(new.ids("sample")), "sample ids differ"
assert list(ref.ids("observation")) == list(new.ids("observation")), "observation ids differ"
diff = abs(ref.matrix_data - new.matrix_data).max() if ref.nnz else 0
assert diff == 0, "matrix differs by %g" % diff

is_hdf5 = open(new_path, "rb").read(8) == b"\x89HDF\r\n\x1a\n"
with (h5py.File(new_path, "r") if is_hdf5 else open(new_path)) as f:
  if is_hdf5:
    attrs = dict(f.attrs)
    assert list(attrs["format-version"]) == [2, 1], attrs
    assert list(attrs["shape"]) == list(ref.shape), (attrs["shape"], ref.shape)
    assert int(attrs["nnz"]) == ref.nnz
    # CSC by sample must equal the CSR by observation transposed.
    d = f["sample/matrix/data"][:]
    assert float(d.sum()) == float(ref.sum()), (d.sum(), ref.sum())
    if "taxonomy" in f["observation/metadata"]:
        tax = f["observation/metadata/taxonomy"][:]
        print("taxonomy dataset", tax.shape)

md = new.metadata(axis="observation")
print("OK %s: %d observations x %d samples, nnz %d, total %g, taxonomy %s; read by biom-format %s%s" % (
    new_path.split("/")[-1], new.shape[0], new.shape[1], new.nnz, new.sum(),
    "yes" if md is not None and "taxonomy" in md[0] else "no", biom.__version__,
    " and h5py " + h5py.__version__ if is_hdf5 else ""))
