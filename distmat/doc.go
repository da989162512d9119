// Package distmat reads and writes distance (dissimilarity) matrices in the
// scikit-bio / QIIME "lsmat" TSV format: a header row of a (usually empty)
// corner cell followed by the ids, then one row per id with its distances.
//
// Read is built for the large matrices the permutation tests read (2,000
// samples ≈ 75 MB of text): rows are split off by one goroutine and parsed in
// blocks by GOMAXPROCS workers, numbers are converted in place with the
// Eisel–Lemire algorithm (bit-for-bit strconv.ParseFloat, which remains the
// fallback for anything unusual), and errors still name file:line:col of the
// first problem in file order, as a line-by-line reader would.
//
// CondensedFile holds a matrix being computed on disk (its upper
// triangle, written row by row through the RowWriter interface by
// package diversity) and writes it in the same format as Write, so that
// a 20,000-sample matrix never needs its 3.2 GB in memory.
package distmat
