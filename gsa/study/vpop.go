package study

import "fmt"

type vpopResult struct{}

func selectVPop(pl *Plan, res []RunResult) (*vpopResult, error) {
	return nil, fmt.Errorf("vpop: not yet")
}

func writeVPop(out string, lay *Layout, v *vpopResult) ([]string, error) {
	return nil, fmt.Errorf("vpop: not yet")
}
