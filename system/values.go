package system

import (
	"fmt"
	"strings"
)

// Quantity selects how Values reports a species.
type Quantity uint8

const (
	AsDeclared      Quantity = iota // the value the species id denotes
	AsAmount                        // the amount
	AsConcentration                 // amount / compartment size
)

// Selector is a list of variable ids resolved to the System's storage
// once, so that ValuesAt reports them without any lookup by name. It is
// made by Select and is valid for the System that made it and for every
// Clone of that System (they share the layout). A Selector is immutable
// and safe for concurrent use.
type Selector struct {
	slot  []int // env slot of each id
	scale []int // env slot of the compartment size to apply, or -1
	div   []bool
	// fast: the output tape alone computes every selected slot (models
	// whose evaluation is split, see System.split), so ValuesAt need not
	// evaluate every dynamic assignment
	fast bool
}

// Len returns the number of selected variables.
func (sel *Selector) Len() int { return len(sel.slot) }

// CheckValues reports an error for ids Values cannot report.
func (s *System) CheckValues(ids []string) error {
	for _, id := range ids {
		if _, ok := s.slot[id]; !ok || strings.HasPrefix(id, "\x00") {
			return fmt.Errorf("no variable %q in the model", id)
		}
	}
	return nil
}

// Select resolves ids (any compartment, species, parameter, species
// reference, reaction, input or observable id) for ValuesAt. as (nil: all
// AsDeclared) says per id how a species is reported; it is ignored for
// other ids.
func (s *System) Select(ids []string, as []Quantity) (*Selector, error) {
	if as != nil && len(as) != len(ids) {
		return nil, fmt.Errorf("system: %d quantities for %d ids", len(as), len(ids))
	}
	if err := s.CheckValues(ids); err != nil {
		return nil, err
	}
	sel := &Selector{slot: make([]int, len(ids)), scale: make([]int, len(ids)), div: make([]bool, len(ids))}
	for k, id := range ids {
		sel.slot[k] = s.slot[id]
		sel.scale[k] = -1
		if as == nil || as[k] == AsDeclared {
			continue
		}
		for _, sp := range s.m.Species {
			if sp.ID != id {
				continue
			}
			switch {
			case as[k] == AsAmount && !sp.HasOnlySubstanceUnits:
				sel.scale[k] = s.slot[sp.Compartment]
			case as[k] == AsConcentration && sp.HasOnlySubstanceUnits:
				sel.scale[k] = s.slot[sp.Compartment]
				sel.div[k] = true
			}
			break
		}
	}
	sel.fast = s.outFastCovers(sel)
	return sel, nil
}

// outFastCovers reports whether, in a split evaluation, the slots sel
// reads are all static (not written by a dynamic assignment), time, a
// state or written by the output tape outFast.
func (s *System) outFastCovers(sel *Selector) bool {
	if !s.split {
		return false
	}
	dynamic := map[int]bool{}
	for _, sl := range s.dynAll.targets {
		dynamic[sl] = true
	}
	for _, sl := range s.outTape.targets {
		dynamic[sl] = true
	}
	for _, sl := range s.outFast.targets {
		delete(dynamic, sl)
	}
	for k, sl := range sel.slot {
		if dynamic[sl] || (sel.scale[k] >= 0 && dynamic[sel.scale[k]]) {
			return false
		}
	}
	return true
}

// ValuesAt writes the values of the variables sel selects at (t, y) into
// dst[:sel.Len()]. It does not allocate. sel must come from Select on s or
// on the System s was cloned from (or a Clone of it).
func (s *System) ValuesAt(t float64, y []float64, sel *Selector, dst []float64) {
	env := s.env
	if sel.fast {
		s.load(t, y)
		s.outFast.Run(env)
	} else {
		s.evalFull(t, y)
		s.outTape.Run(env)
	}
	dst = dst[:len(sel.slot)]
	for k, sl := range sel.slot {
		v := env[sl]
		if c := sel.scale[k]; c >= 0 {
			if sel.div[k] {
				v /= env[c]
			} else {
				v *= env[c]
			}
		}
		dst[k] = v
	}
}

// Values writes the values of the named symbols (any compartment, species,
// parameter, species reference, reaction, input or observable id) at
// (t, y) into dst. as (nil: all AsDeclared) says per id how a species is
// reported. Values remembers the last ids and as it resolved: called again
// with the same ones it neither looks names up nor allocates. For many
// calls with varying requests, Select once and call ValuesAt.
func (s *System) Values(t float64, y []float64, ids []string, as []Quantity, dst []float64) error {
	sel := s.lastSel
	if sel == nil || !s.sameRequest(ids, as) {
		var err error
		if sel, err = s.Select(ids, as); err != nil {
			return err
		}
		s.lastIDs = append([]string(nil), ids...)
		s.lastAs = nil
		if as != nil {
			s.lastAs = append([]Quantity(nil), as...)
		}
		s.lastSel = sel
	}
	s.ValuesAt(t, y, sel, dst)
	return nil
}

// sameRequest reports whether ids and as are the last ones Values
// resolved. Equal strings usually share their bytes, so the comparison
// is mostly a pointer check.
func (s *System) sameRequest(ids []string, as []Quantity) bool {
	if len(ids) != len(s.lastIDs) || (as == nil) != (s.lastAs == nil) {
		return false
	}
	for k, id := range ids {
		if id != s.lastIDs[k] {
			return false
		}
	}
	for k, q := range as {
		if q != s.lastAs[k] {
			return false
		}
	}
	return true
}
