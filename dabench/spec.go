package dabench

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/holobiont/holobiont/da"
	"github.com/holobiont/holobiont/internal/bom"
	"github.com/holobiont/holobiont/internal/yamlnode"
)

// Spec is a differential-abundance benchmark: a trial simulated by the
// cohort engine, a background of unaffected taxa, zero inflation, and the
// methods to score. See examples/da-benchmark.yaml.
type Spec struct {
	Name string `yaml:"name"`
	// Trial is the trial spec (relative to this file) whose arms carry the
	// differences: e.g. a probiotic arm raising one taxon and an antibiotic
	// arm lowering a guild.
	Trial string `yaml:"trial"`
	// Site and Time select the sample compared (a sampling point of the
	// trial spec).
	Site string  `yaml:"site"`
	Time float64 `yaml:"time"`
	// Control is the reference arm; Compare lists the arms tested against
	// it (default: every other arm).
	Control string   `yaml:"control"`
	Compare []string `yaml:"compare"`
	// Replicates is the number of simulated studies (each with the trial's
	// n subjects).
	Replicates int `yaml:"replicates"`
	// TruthSubjects per arm define the true effects (default 200).
	TruthSubjects int `yaml:"truth_subjects"`
	// Background adds taxa no arm affects: per-study log-abundances
	// N(0, sdlog), per-subject noise N(0, subject_sd), together a share
	// of the community at baseline.
	Background struct {
		Taxa      int     `yaml:"taxa"`
		SDLog     float64 `yaml:"sdlog"`
		SubjectSD float64 `yaml:"subject_sd"`
		Share     float64 `yaml:"share"`
	} `yaml:"background"`
	// ZeroInflation is the probability that a taxon is absent from a
	// sample before sequencing (biological zeros).
	ZeroInflation float64 `yaml:"zero_inflation"`
	// Threshold is the |true natural-log fold change| above which a taxon
	// counts as differentially abundant (default 0.5).
	Threshold     float64  `yaml:"threshold"`
	Methods       []string `yaml:"methods"`
	Alpha         float64  `yaml:"alpha"`
	MCSamples     int      `yaml:"mc_samples"`
	MinPrevalence float64  `yaml:"min_prevalence"`
	Seed          uint64   `yaml:"seed"`

	File string `yaml:"-"`
}

// LoadSpec reads and checks a benchmark spec.
func LoadSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSpec(path, b)
}

// ParseSpec parses spec YAML; unknown keys and bad values are errors
// naming the file (and line:col for YAML errors).
func ParseSpec(name string, data []byte) (*Spec, error) {
	s := &Spec{File: name}
	if err := yamlnode.DecodeStrict(name, bom.Trim(data), s); err != nil {
		return nil, err
	}
	if err := s.defaults(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

func (s *Spec) defaults() error {
	if s.Trial == "" {
		return fmt.Errorf("trial: a trial spec is required")
	}
	if s.Site == "" {
		return fmt.Errorf("site: required (e.g. gut)")
	}
	if s.Control == "" {
		return fmt.Errorf("control: the reference arm is required")
	}
	if s.Replicates <= 0 {
		s.Replicates = 10
	}
	if s.TruthSubjects <= 0 {
		s.TruthSubjects = 200
	}
	if s.Background.Taxa < 0 || s.Background.SDLog < 0 || s.Background.SubjectSD < 0 {
		return fmt.Errorf("background: taxa, sdlog and subject_sd must be >= 0")
	}
	if s.Background.Taxa > 0 && !(s.Background.Share > 0 && s.Background.Share < 1) {
		return fmt.Errorf("background.share %g: want a fraction in (0, 1)", s.Background.Share)
	}
	if s.ZeroInflation < 0 || s.ZeroInflation >= 1 {
		return fmt.Errorf("zero_inflation %g: want a probability in [0, 1)", s.ZeroInflation)
	}
	if s.Threshold == 0 {
		s.Threshold = 0.5
	}
	if s.Threshold < 0 {
		return fmt.Errorf("threshold %g: must be positive", s.Threshold)
	}
	if s.Alpha == 0 {
		s.Alpha = 0.05
	}
	if !(s.Alpha > 0 && s.Alpha < 1) {
		return fmt.Errorf("alpha %g: want a value in (0, 1)", s.Alpha)
	}
	if s.MCSamples == 0 {
		s.MCSamples = 32
	}
	if s.MinPrevalence == 0 {
		s.MinPrevalence = 0.1
	}
	if len(s.Methods) == 0 {
		for _, m := range da.Methods() {
			if m != da.Consensus {
				s.Methods = append(s.Methods, string(m))
			}
		}
	}
	for _, m := range s.Methods {
		if _, err := da.ParseMethod(m); err != nil {
			return fmt.Errorf("methods: %w", err)
		}
	}
	return nil
}

// trialPath is the trial spec's path relative to the benchmark spec.
func (s *Spec) trialPath() string {
	if filepath.IsAbs(s.Trial) || s.File == "" {
		return s.Trial
	}
	return filepath.Join(filepath.Dir(s.File), s.Trial)
}
