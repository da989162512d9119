package modelfile

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// CommunityFile describes a generated single-site community model (as
// `holobiont fit` writes one) for WriteCommunityFile: parameters with their
// provenance, inputs, assignment rules and one community block whose
// members' growth may use the parameters, inputs and rules.
type CommunityFile struct {
	ID, Name, Description string
	Comments              []string    // comment lines written at the top
	Metadata              [][2]string // free key/value annotations, in order
	Units                 [][2]string // unit aliases: name, definition
	Site, SiteKind        string
	SiteName              string
	Inputs                []FileInput
	Parameters            []FileParam
	Rules                 []FileRule
	Unit                  string // the members' unit
	Citation, Evidence    string // the community's provenance
	Members               []FileMember
	Interactions          []FileInteraction
}

// FileInput is an input of a CommunityFile.
type FileInput struct{ ID, Unit, Citation, Evidence, Note string }

// FileParam is a parameter of a CommunityFile.
type FileParam struct {
	ID                       string
	Value                    float64
	Unit, Citation, Evidence string
	Note                     string
	Min, Max                 float64 // NaN: unbounded
}

// FileRule is an assignment rule of a CommunityFile.
type FileRule struct{ ID, Math, Unit, Note string }

// FileMember is a community member: short id, taxon name, initial value,
// growth rate (expression) and further per-capita effects (expression).
type FileMember struct {
	ID, Taxon     string
	Initial       float64
	Rate, Effects string
}

// FileInteraction is one interaction term: the per-capita effect on
// Target of Source, held in Param.
type FileInteraction struct{ Target, Source, Param string }

// WriteCommunityFile writes f as a holobiont YAML model. Every number must
// be finite; ids must be valid identifiers (see SanitizeID).
func WriteCommunityFile(w io.Writer, f *CommunityFile) error {
	bw := bufio.NewWriter(w)
	q := strconv.Quote
	num := func(v float64) (string, error) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("write model %s: non-finite value %g", f.ID, v)
		}
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	}
	for _, c := range f.Comments {
		fmt.Fprintf(bw, "# %s\n", strings.ReplaceAll(c, "\n", " "))
	}
	fmt.Fprintf(bw, "id: %s\nname: %s\n", f.ID, q(f.Name))
	if f.Description != "" {
		fmt.Fprintf(bw, "description: %s\n", q(f.Description))
	}
	bw.WriteString("time_unit: day\n")
	if len(f.Metadata) > 0 {
		bw.WriteString("metadata:\n")
		for _, kv := range f.Metadata {
			fmt.Fprintf(bw, "  %s: %s\n", kv[0], q(kv[1]))
		}
	}
	if len(f.Units) > 0 {
		bw.WriteString("units:\n")
		for _, kv := range f.Units {
			fmt.Fprintf(bw, "  %s: %s\n", kv[0], kv[1])
		}
	}
	fmt.Fprintf(bw, "sites:\n  %s: {kind: %s, name: %s}\n", f.Site, f.SiteKind, q(f.SiteName))
	if len(f.Inputs) > 0 {
		bw.WriteString("inputs:\n")
		for _, in := range f.Inputs {
			fmt.Fprintf(bw, "  %s: {default: 0, unit: %s, citation: %s, evidence: %s, note: %s}\n", in.ID, in.Unit, q(in.Citation), in.Evidence, q(in.Note))
		}
	}
	bw.WriteString("parameters:\n")
	for _, p := range f.Parameters {
		v, err := num(p.Value)
		if err != nil {
			return fmt.Errorf("%w (parameter %s)", err, p.ID)
		}
		fmt.Fprintf(bw, "  %s: {value: %s, unit: %s, citation: %s, evidence: %s", p.ID, v, p.Unit, q(p.Citation), p.Evidence)
		if !math.IsNaN(p.Min) {
			fmt.Fprintf(bw, ", min: %s", strconv.FormatFloat(p.Min, 'g', -1, 64))
		}
		if !math.IsNaN(p.Max) {
			fmt.Fprintf(bw, ", max: %s", strconv.FormatFloat(p.Max, 'g', -1, 64))
		}
		fmt.Fprintf(bw, ", note: %s}\n", q(p.Note))
	}
	if len(f.Rules) > 0 {
		bw.WriteString("rules:\n")
		for _, r := range f.Rules {
			fmt.Fprintf(bw, "  %s: {math: %s, unit: %s, note: %s}\n", r.ID, q(r.Math), r.Unit, q(r.Note))
		}
	}
	fmt.Fprintf(bw, "communities:\n  %s:\n    unit: %s\n    citation: %s\n    evidence: %s\n    members:\n", f.Site, f.Unit, q(f.Citation), f.Evidence)
	for _, m := range f.Members {
		v, err := num(m.Initial)
		if err != nil {
			return fmt.Errorf("%w (initial value of %s)", err, m.ID)
		}
		fmt.Fprintf(bw, "      %s: {taxon: %s, initial: %s, rate: %s", m.ID, q(m.Taxon), v, q(m.Rate))
		if m.Effects != "" {
			fmt.Fprintf(bw, ", effects: %s", q(m.Effects))
		}
		bw.WriteString("}\n")
	}
	if len(f.Interactions) > 0 {
		bw.WriteString("    interactions:\n")
		for _, in := range f.Interactions {
			fmt.Fprintf(bw, "      - {target: %s, source: %s, parameter: %s}\n", in.Target, in.Source, in.Param)
		}
	}
	return bw.Flush()
}

// SanitizeID turns a name (a taxon, an input) into a valid identifier
// part: characters other than letters, digits and '_' become '_', and a
// leading digit gets the prefix "x". taken, when not nil, holds the ids
// used so far; a clash gets the suffix _2, _3, ... and the result is added.
func SanitizeID(name string, taken map[string]bool) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		s = "x" + s
	}
	if s == "t" || s == "time" {
		s += "_"
	}
	if taken != nil {
		base := s
		for k := 2; taken[s]; k++ {
			s = base + "_" + strconv.Itoa(k)
		}
		taken[s] = true
	}
	return s
}
