package cohort

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetadataTypesRow: sample-metadata.tsv carries a "#q2:types" row only
// when QIIME 2's inference would get a column wrong (a categorical
// covariate whose values all read as numbers); otherwise the row is left out,
// so phyloseq's import_qiime_sample_data (which reads it as a sample) keeps
// numeric columns numeric.
func TestMetadataTypesRow(t *testing.T) {
	for _, c := range []struct {
		name, covs string
		want       bool
	}{
		{"labels", "covariates:\n  sex: {dist: categorical, values: [F, M], probs: [0.5, 0.5]}\n", false},
		{"numeric covariate", "covariates:\n  age: {dist: uniform, lower: 18, upper: 65}\n", false},
		{"numeric-looking categories", "covariates:\n  batch: {dist: categorical, values: [1, 2], probs: [0.5, 0.5]}\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			tp := compileTrialText(t, strings.Replace(trialSpecWindows, "chunk: 4\n", "chunk: 4\n"+c.covs, 1))
			dir := t.TempDir()
			if err := tp.RunTrial(context.Background(), dir, Options{Workers: 1}); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, FileMetadata))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.SplitN(string(b), "\n", 3)
			got := strings.HasPrefix(lines[1], "#q2:types\t")
			if got != c.want {
				t.Fatalf("types row present = %v, want %v; second line %q", got, c.want, lines[1])
			}
			if got && !strings.Contains(lines[1], "categorical") {
				t.Errorf("types row %q", lines[1])
			}
		})
	}
}
