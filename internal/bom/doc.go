// Package bom drops a UTF-8 byte-order mark from the start of a text input.
//
// Editors on Windows (Notepad, Excel's "CSV UTF-8") start files with the
// bytes EF BB BF. biom-format, QIIME 2 and scikit-bio read such files as if
// the mark were absent, so holobiont's YAML, JSON, TSV and Newick readers do
// too: the mark is not part of the first key, id or label. It sits before
// the first character of line 1, so positions in error messages are the
// ones an editor shows.
package bom
