package modelfile

import (
	"fmt"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/sim"
)

// Schedule lowers the scenario's interventions to input signals and boluses
// for sim.Run. Every input and bolus target must exist in m (normally the
// model the scenario was loaded against). Pieces of overlapping
// interventions on one input add.
func (s *Scenario) Schedule(m *model.Model) (*sim.Schedule, error) {
	inputs := map[string]bool{}
	for _, in := range m.Inputs {
		inputs[in.ID] = true
	}
	species := map[string]bool{}
	for _, sp := range m.Species {
		species[sp.ID] = true
	}
	sched := &sim.Schedule{}
	idx := map[string]int{}
	for _, iv := range s.Interventions {
		for _, p := range iv.Signals {
			if !inputs[p.Input] {
				return nil, fmt.Errorf("%s: %s: model %s has no input %q", iv.Src, iv.Name, m.ID, p.Input)
			}
			k, ok := idx[p.Input]
			if !ok {
				k = len(sched.Signals)
				idx[p.Input] = k
				sched.Signals = append(sched.Signals, sim.Signal{Input: p.Input})
			}
			sched.Signals[k].Pieces = append(sched.Signals[k].Pieces, sim.Piece{Start: p.Start, End: p.End, Value: p.Value})
		}
		for _, b := range iv.Boluses {
			if !species[b.Target] {
				return nil, fmt.Errorf("%s: %s: model %s has no species %q", iv.Src, iv.Name, m.ID, b.Target)
			}
			sched.Boluses = append(sched.Boluses, sim.Bolus{Time: b.Time, Target: b.Target, Op: b.Op, Value: b.Value})
		}
	}
	return sched, nil
}
