// Package tree reads and writes phylogenetic trees in Newick format.
//
// Parse accepts branch lengths, single-quoted labels (a doubled quote inside
// stands for one quote), [comments] anywhere between tokens, internal node
// names (such as bootstrap supports) and missing lengths (recorded as
// HasLength=false). Unquoted labels are kept verbatim: underscores are NOT
// turned into spaces (unlike the strict Newick standard and scikit-bio's
// default), so tip names match table ids. Nodes are stored in postorder,
// children before their parent, as the Tree type requires; Children keep
// input order. ReadFile also opens QIIME 2 Phylogeny artifacts (.qza).
package tree
