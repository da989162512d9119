package holobiont

import "github.com/holobiont/holobiont/sim"

// Schedule returns the scenario's lowered schedule (read-only), for callers
// that drive sim.Run themselves with a Runner's System (their own output
// times, a burn-in before the scenario, a longer run).
func (p *Problem) Schedule() *sim.Schedule { return p.schedule }
