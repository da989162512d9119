// Package diversity computes alpha diversity (observed richness, Shannon,
// Simpson, inverse Simpson, Pielou, Chao1, ACE, Faith PD), beta diversity
// (Bray–Curtis, Jaccard, Aitchison, unweighted and weighted UniFrac) and
// principal coordinate analysis, with the definitions of scikit-bio 0.5.8
// and vegan 2.6-4.
//
// All functions work on the sparse sample rows of a table.Table (CSR,
// samples as rows) and never densify a table. Pairwise distances are
// computed in parallel over blocks of 64 sample rows (fixed, so that the
// per-block scan of the columns stays small at any n); every matrix entry
// is accumulated by exactly one worker in a fixed order, so results are
// bit-for-bit identical for any number of workers. Each block yields the
// upper triangle of its rows; the dense matrix is filled row by row and
// mirrored in tiles at the end, or, with BetaOptions.Rows, the rows are
// handed to a distmat.RowWriter (distmat.CondensedFile keeps them on disk)
// and memory stays bounded by the table and the accumulators at any number
// of samples.
//
// Definitions that differ between tools are explicit parameters here:
// the Shannon logarithm base (default e, as vegan and scikit-bio >= 0.6.1;
// scikit-bio 0.5.8 uses 2), the Chao1 variant (bias-corrected by default,
// as both scikit-bio and vegan estimateR; classic S + F1²/(2 F2) as an
// option), binary versus quantitative Jaccard (binary by default, which is
// scikit-bio's "jaccard" and vegan's vegdist(binary=TRUE); the quantitative
// form is vegan's default vegdist "jaccard", 2B/(1+B) with B the Bray–Curtis
// dissimilarity) and the Aitchison pseudocount.
//
// Undefined values are NaN: Shannon, Simpson, inverse Simpson and Pielou of
// an empty sample, Pielou of a sample with one feature, and ACE when every
// rare feature is a singleton (scikit-bio raises an error there). Pairwise
// distances between two empty samples are 0, as scikit-bio returns for
// UniFrac and scipy for Jaccard.
//
// PCoA follows scikit-bio's pcoa "eigh" (Gower centring, all eigenvalues,
// proportion explained over the positive ones) but keeps negative
// eigenvalues instead of reporting them as 0; PCoAAxes computes only the
// leading coordinates (tridiagonal reduction plus inverse iteration), which
// is much faster for thousands of samples.
//
// Agreement with scikit-bio 0.5.8 (Debian python3-skbio 0.5.8-4) and vegan
// 2.6-4 is tested to 1e-9 relative on the fixtures in testdata and, when
// ../shared is present, on GlobalPatterns, GP500 and moving pictures
// (goldens from scripts/golden_diversity.py and
// scripts/golden_diversity_vegan.R); UniFrac also against QIIME 1.9.1 and
// PyCogent reference matrices.
//
// The package does no I/O; the distmat package reads and writes distance
// matrices.
package diversity
