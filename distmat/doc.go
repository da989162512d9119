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
package distmat
