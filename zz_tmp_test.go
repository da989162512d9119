package holobiont

import (
	"testing"
	"time"
)

func TestZZLoad(t *testing.T) {
	for range 3 {
		t0 := time.Now()
		_, err := Load("", Scenario("scripts/badinput/cases/scenario/long-default.yaml"))
		t.Log(time.Since(t0), err)
	}
}
