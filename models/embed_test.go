package models_test

import (
	"testing"

	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/system"
)

// TestShipped: every shipped model parses, validates and compiles, and the
// default scenario loads against the default model.
func TestShipped(t *testing.T) {
	names := models.List()
	if len(names) < 4 {
		t.Fatalf("shipped models: %v", names)
	}
	for _, n := range names {
		data, err := models.Read(n)
		if err != nil {
			t.Fatal(err)
		}
		m, err := modelfile.ParseModel(n, data)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if _, err := system.Compile(m); err != nil {
			t.Errorf("%s: compile: %v", n, err)
		}
	}
	data, _ := models.Read(models.DefaultModel)
	m, err := modelfile.ParseModel(models.DefaultModel, data)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := models.Read(models.DefaultScenario)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := modelfile.ParseScenario(models.DefaultScenario, sd, m)
	if err != nil {
		t.Fatal(err)
	}
	if sc.End != 180 || len(sc.Interventions) != 3 {
		t.Errorf("default scenario: end %v, %d interventions", sc.End, len(sc.Interventions))
	}
}
