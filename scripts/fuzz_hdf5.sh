#!/bin/sh
# Fuzz the BIOM 2.1 HDF5 reader (table.FuzzReadHDF5) for a while.
# A fuzz input names one of five valid files (built once per worker), a
# number of bytes to cut from its end and byte edits XORed in; each damaged
# copy is read with the allocation budget capped at 16 MB. The target fails
# when the whole read (the HDF5 library included) allocates more than 4 ×
# that, when an error is not a *table.ParseError naming the file, or when a
# returned table breaks the CSR invariants. Failing inputs are written to
# table/testdata/fuzz/FuzzReadHDF5/ (keep them: they become regression
# seeds). One worker, niced: the machine is shared.
# Run from the repository root: sh scripts/fuzz_hdf5.sh [DURATION]
set -eu
exec nice go test -run XXX -fuzz FuzzReadHDF5 -fuzztime "${1:-300s}" -fuzzminimizetime 5s -parallel 1 ./table/
