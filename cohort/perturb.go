package cohort

import (
	"fmt"
	"strings"

	"github.com/holobiont/holobiont/scenario"
)

// Perturbation is one intervention window of a cohort or trial, as MDSINE
// and MDSINE2 record perturbations: a name, a window (Start, End] in
// scenario days and the subjects it applies to. An intervention repeated
// with every/count gives one Perturbation per window ("NAME #k"), since
// MDSINE2 keeps a single window per perturbation and subject.
// Instantaneous interventions (boluses, inoculations) have no window and are
// not perturbations.
type Perturbation struct {
	Name       string
	Type       string
	Start, End float64
	// Arms lists the trial arms whose subjects receive it; nil means every
	// subject (a cohort's scenario, or a trial's base scenario).
	Arms []int `json:",omitempty"`
}

// appliesTo reports whether a subject in arm receives the perturbation.
func (p *Perturbation) appliesTo(arm int) bool {
	if p.Arms == nil {
		return true
	}
	for _, a := range p.Arms {
		if a == arm {
			return true
		}
	}
	return false
}

// active reports whether a sample at time t falls in the window, with
// MDSINE2's rule (BasePerturbation.isactive): start < t <= end.
func (p *Perturbation) active(t float64) bool { return t > p.Start && t <= p.End }

// perturbSet accumulates the perturbations of a plan in order, giving every
// distinct (name, window) one entry and unique names.
type perturbSet struct {
	list  []Perturbation
	names map[string]int // name -> index
}

// add records the windows of iv for arm (-1 = every subject).
func (ps *perturbSet) add(iv scenario.Intervention, arm int) {
	if ps.names == nil {
		ps.names = map[string]int{}
	}
	var ws []scenario.Window
	for _, w := range iv.Windows() {
		if w.End > w.Start {
			ws = append(ws, w)
		}
	}
	for k, w := range ws {
		// Names go into tab-separated files: no tabs or line breaks.
		name := strings.TrimSpace(strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, scenario.Label(iv)))
		if name == "" {
			name = iv.Kind()
		}
		if len(ws) > 1 {
			name = fmt.Sprintf("%s #%d", name, k+1)
		}
		// The same intervention in several arms is one perturbation.
		if j, ok := ps.names[name]; ok {
			p := &ps.list[j]
			if p.Start == w.Start && p.End == w.End && p.Type == iv.Kind() {
				if p.Arms != nil && arm >= 0 && !p.appliesTo(arm) {
					p.Arms = append(p.Arms, arm)
				}
				continue
			}
			// A different window under a taken name: make the name unique.
			base := name
			for n := 2; ok; n++ {
				name = fmt.Sprintf("%s (%d)", base, n)
				_, ok = ps.names[name]
			}
		}
		p := Perturbation{Name: name, Type: iv.Kind(), Start: w.Start, End: w.End}
		if arm >= 0 {
			p.Arms = []int{arm}
		}
		ps.names[name] = len(ps.list)
		ps.list = append(ps.list, p)
	}
}

// perturbID returns MDSINE's perturbID of a sample at time t of a subject in
// arm: k (1-based, the order of Layout.Perturbations) for the first
// perturbation active then, 0 for none.
func (l *Layout) perturbID(arm int, t float64) int {
	for k := range l.Perturbations {
		p := &l.Perturbations[k]
		if p.appliesTo(arm) && p.active(t) {
			return k + 1
		}
	}
	return 0
}

// mdsineSiteSeries reports whether MDSINE subjects are (subject, site) pairs:
// MDSINE models one community per time series, so when a spec samples more
// than one site each site of a subject is its own MDSINE subject.
func (l *Layout) mdsineSiteSeries() bool {
	for _, s := range l.Sites {
		if s != l.Sites[0] {
			return true
		}
	}
	return false
}

// mdsineSubject is the MDSINE subjectID of subject index's series at site:
// the subject's number (S000007 → 7) when one site is sampled, NUMBER-SITE
// (7-face) otherwise.
func mdsineSubject(index int, site string, perSite bool) string {
	if perSite {
		return fmt.Sprintf("%d-%s", index+1, site)
	}
	return fmt.Sprint(index + 1)
}
