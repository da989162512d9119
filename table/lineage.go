package table

import "strings"

// SplitLineage splits a lineage string into ranks. Ranks are separated by
// ';' (Greengenes, SILVA, GTDB, QIIME) or '|' (MetaPhlAn); surrounding
// whitespace and quotes are trimmed and trailing empty ranks dropped. It
// returns nil for an empty string or "Unassigned"-only strings are returned
// as a one-rank lineage.
func SplitLineage(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "\"")
	if s == "" {
		return nil
	}
	sep := ";"
	if !strings.Contains(s, ";") && strings.Contains(s, "|") {
		sep = "|"
	}
	parts := strings.Split(s, sep)
	out := parts[:0]
	for _, p := range parts {
		out = append(out, strings.TrimSpace(p))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
