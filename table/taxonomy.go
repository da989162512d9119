package table

import (
	"fmt"
	"strings"
)

// Rank is a taxonomic rank.
type Rank int

// The seven ranks of Greengenes, SILVA and GTDB lineages.
const (
	Kingdom Rank = iota // kingdom or domain (k__, d__, D_0__)
	Phylum              // p__, D_1__
	Class               // c__, D_2__
	Order               // o__, D_3__
	Family              // f__, D_4__
	Genus               // g__, D_5__
	Species             // s__, D_6__
	NumRanks
)

var rankNames = [NumRanks]string{"kingdom", "phylum", "class", "order", "family", "genus", "species"}
var rankLetters = [NumRanks]byte{'k', 'p', 'c', 'o', 'f', 'g', 's'}

func (r Rank) String() string {
	if r >= 0 && r < NumRanks {
		return rankNames[r]
	}
	return fmt.Sprintf("Rank(%d)", int(r))
}

// ParseRank reads a rank name ("genus", "Genus", "g", "domain", "level-6"
// as in QIIME 2's 1-based levels).
func ParseRank(s string) (Rank, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "domain", "d", "k", "superkingdom":
		return Kingdom, nil
	}
	for r, n := range rankNames {
		if t == n || (len(t) == 1 && t[0] == rankLetters[r]) {
			return Rank(r), nil
		}
	}
	if strings.HasPrefix(t, "level-") || strings.HasPrefix(t, "level") {
		var n int
		if _, err := fmt.Sscanf(strings.TrimLeft(t[5:], "-"), "%d", &n); err == nil && n >= 1 && n <= int(NumRanks) {
			return Rank(n - 1), nil
		}
	}
	return 0, fmt.Errorf("unknown taxonomic rank %q (want kingdom, phylum, class, order, family, genus or species)", s)
}

// Lineage holds a parsed lineage: one name per rank without prefixes, ""
// where the rank is unassigned. Species holds the binomial ("Cutibacterium
// acnes") when the genus is known, whatever form the input used.
type Lineage [NumRanks]string

// IsUnassigned reports whether a rank name is a placeholder for "not
// assigned" ("", "Unassigned", "unclassified", "unidentified", "NA", ...).
func IsUnassigned(name string) bool {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "unassigned", "unclassified", "unknown", "na", "nan", "none", "unidentified", "ambiguous_taxa", "ambiguous taxa", "__":
		return true
	}
	return false
}

// splitPrefix recognises rank prefixes: Greengenes/GTDB/MetaPhlAn "k__",
// "d__", "p__" ... "s__", "t__" (strain: returns rank -2) and SILVA "D_0__" ..
// "D_6__". It returns rank -1 when there is no prefix.
func splitPrefix(s string) (Rank, string) {
	if len(s) >= 5 && (s[0] == 'D' || s[0] == 'd') && s[1] == '_' && s[2] >= '0' && s[2] <= '9' && s[3] == '_' && s[4] == '_' {
		r := Rank(s[2] - '0')
		if r >= NumRanks {
			return -2, s[5:]
		}
		return r, s[5:]
	}
	if len(s) >= 3 && s[1] == '_' && s[2] == '_' {
		switch c := s[0] | 0x20; c {
		case 'k', 'd':
			return Kingdom, s[3:]
		case 't':
			return -2, s[3:]
		default:
			for r, l := range rankLetters {
				if c == l {
					return Rank(r), s[3:]
				}
			}
		}
	}
	return -1, s
}

// ParseLineage places the ranks of a split lineage (see SplitLineage): by
// prefix when the names carry one, otherwise by position (kingdom first).
// Placeholders become "". A species epithet given alone (Greengenes
// "s__acnes") is joined to the genus ("Cutibacterium acnes"); underscores in
// names (GTDB "Cutibacterium_acnes", SILVA-style) become spaces.
func ParseLineage(ranks []string) Lineage {
	var l Lineage
	for i, raw := range ranks {
		r, name := splitPrefix(strings.TrimSpace(raw))
		if r == -2 {
			continue // strain or deeper
		}
		if r == -1 {
			if i >= int(NumRanks) {
				continue
			}
			r = Rank(i)
		}
		name = strings.TrimSpace(strings.ReplaceAll(name, "_", " "))
		name = strings.Trim(name, "[]'\"")
		if IsUnassigned(name) {
			name = ""
		}
		l[r] = name
	}
	if s, g := l[Species], l[Genus]; s != "" && g != "" && !strings.Contains(s, " ") {
		if len(s) > len(g) && strings.EqualFold(s[:len(g)], g) {
			// "Sulfolobusacidocaldarius" (GlobalPatterns) = genus + epithet.
			l[Species] = g + " " + s[len(g):]
		} else {
			l[Species] = g + " " + s
		}
	}
	return l
}

// Label returns the name at rank r, or "" when unassigned.
func (l Lineage) Label(r Rank) string { return l[r] }

// Path returns the QIIME-style lineage string down to rank r:
// "k__Bacteria;p__Firmicutes;...;g__Staphylococcus", with "x__" for
// unassigned levels.
func (l Lineage) Path(r Rank) string {
	var b strings.Builder
	for k := Kingdom; k <= r; k++ {
		if k > 0 {
			b.WriteByte(';')
		}
		b.WriteByte(rankLetters[k])
		b.WriteString("__")
		b.WriteString(l[k])
	}
	return b.String()
}

// Ranks returns the prefixed rank names down to rank r, for Table.Taxonomy.
func (l Lineage) Ranks(r Rank) []string {
	out := make([]string, 0, r+1)
	for k := Kingdom; k <= r; k++ {
		out = append(out, string(rankLetters[k])+"__"+l[k])
	}
	return out
}

// Deepest returns the deepest assigned rank, or -1 when nothing is assigned.
func (l Lineage) Deepest() Rank {
	for r := Species; r >= Kingdom; r-- {
		if l[r] != "" {
			return r
		}
	}
	return -1
}
