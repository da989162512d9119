// Package yamlnode locates goccy/go-yaml nodes and errors in their source
// file, so that packages reading YAML (modelfile, cohort) report problems in
// the same file:line:col form.
//
// Pos gives the 1-based line and column of a parsed node; SyntaxError turns
// an error from goccy/go-yaml (parser or strict decoder) into an *Error at the
// position the library names. Error is the located error both packages
// return (they re-export it as a type alias).
package yamlnode
