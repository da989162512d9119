package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command that takes a model file refuses a calibration targets file
// by name (holobiont.ParseModel), and writes nothing.
func TestModelCommandsRefuseTargetsFile(t *testing.T) {
	targets := filepath.Join("..", "..", "models", "gut-skin-brain.targets.yaml")
	const want = "this is a targets file, not a model (use holobiont calibrate TARGETS.yaml)"
	dir := t.TempDir()
	xml := filepath.Join(dir, "m.xml")
	for _, args := range [][]string{
		{"model", "check", targets},
		{"model", "describe", targets},
		{"sbml", "export", targets, "--out", xml},
		{"run", targets, "--out", filepath.Join(dir, "run")},
	} {
		msg, err := runCLI(t, args...)
		if err == nil || !strings.Contains(err.Error(), targets+": "+want) {
			t.Errorf("%s: err %v\n%s", strings.Join(args[:2], " "), err, msg)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left output: %v", ents)
	}
}
