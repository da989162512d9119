package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/holobiont/holobiont"
	"io"
	"path"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/examples"
	gsastudy "github.com/holobiont/holobiont/gsa/study"
	"github.com/holobiont/holobiont/internal/bom"
	"github.com/holobiont/holobiont/internal/yamlnode"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/sbml"
	"github.com/holobiont/holobiont/store"
)

// Upload kinds.
const (
	kindModel    = "model"
	kindScenario = "scenario"
	kindCohort   = "cohort"
	kindTrial    = "trial"
	kindGSA      = "gsa"             // a sensitivity-analysis spec (holobiont gsa)
	kindVPop     = "vpop"            // a virtual-population spec (holobiont vpop)
	kindInline   = "inline-scenario" // a scenario edited on the page
	kindData     = "data"            // a longitudinal data set (zip of its folder) for a fit run
	kindFit      = "fit"             // run kind: holobiont fit on an uploaded data set
)

// shippedModel returns a shipped model by name ("gut-skin-brain.yaml",
// "models/gut-skin-brain.yaml", "shipped:gut-skin-brain.yaml").
func shippedModel(name string) (*File, bool) {
	n := strings.TrimPrefix(strings.TrimPrefix(name, "shipped:"), "models/")
	if strings.Contains(n, "/") {
		return nil, false
	}
	b, err := models.Read(n)
	if err != nil {
		return nil, false
	}
	return &File{Name: n, Data: b, Shipped: true}, true
}

// shippedScenario returns a shipped scenario ("gut-skin-brain.yaml",
// "scenarios/gut-skin-brain.yaml") or an example scenario
// ("probiotic-7d.yaml"), by name.
func shippedScenario(name string) (*File, bool) {
	n := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(name, "shipped:"), "models/"), "scenarios/")
	if strings.Contains(n, "/") {
		return nil, false
	}
	if b, err := models.Read("scenarios/" + n); err == nil {
		return &File{Name: n, Data: b, Shipped: true}, true
	}
	if b, err := examples.Read("scenarios/" + n); err == nil {
		return &File{Name: n, Data: b, Shipped: true}, true
	}
	return nil, false
}

func shippedSpec(name string) (*File, bool) {
	n := strings.TrimPrefix(name, "examples/")
	if strings.Contains(n, "/") {
		return nil, false
	}
	b, err := examples.Read(n)
	if err != nil {
		return nil, false
	}
	return &File{Name: n, Data: b, Shipped: true}, true
}

func isShippedName(name string) bool {
	_, a := shippedModel(name)
	_, b := shippedScenario(name)
	_, c := shippedSpec(name)
	return a || b || c
}

// resolve returns the file ref names: a shipped file (by shipped), an
// upload by "sha256:HEX", or the newest upload of that name. ref is the
// canonical reference stored with a run: the shipped name or sha256:HEX.
func (s *Server) resolve(ctx context.Context, name string, shipped func(string) (*File, bool)) (*File, string, error) {
	if h, ok := strings.CutPrefix(name, "sha256:"); ok {
		u, err := s.store.GetUpload(ctx, h)
		if err != nil {
			return nil, "", err
		}
		return &File{Name: u.Name, Data: u.Data}, name, nil
	}
	if f, ok := shipped(name); ok {
		return f, f.Name, nil
	}
	u, err := s.store.GetUpload(ctx, name)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, "", fmt.Errorf("%q is neither a shipped file nor an upload (GET /api/models lists them): %w", name, err)
		}
		return nil, "", err
	}
	return &File{Name: u.Name, Data: u.Data}, "sha256:" + u.SHA256, nil
}

var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// checkUploadName refuses names that are not plain file names or that
// shadow shipped files; a data set (kind data) is a .zip archive.
func checkUploadName(name, kind string) error {
	if !safeName.MatchString(name) || strings.Contains(name, "..") {
		return fmt.Errorf("upload name %q: use a plain file name (letters, digits, . _ -; at most 100 characters)", name)
	}
	ext := strings.ToLower(path.Ext(name))
	if kind == kindData {
		if ext != ".zip" {
			return fmt.Errorf("upload name %q: a data set is a .zip archive of its folder", name)
		}
		return nil
	}
	if ext != ".yaml" && ext != ".yml" && ext != ".xml" && ext != ".sbml" {
		return fmt.Errorf("upload name %q: want a .yaml, .yml, .xml or .sbml file", name)
	}
	if isShippedName(name) {
		return fmt.Errorf("upload name %q is a shipped file's name: choose another", name)
	}
	return nil
}

// IsSBML reports whether data looks like an XML (SBML) document.
func IsSBML(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf")
	return bytes.HasPrefix(t, []byte("<"))
}

// parseModel parses a YAML or SBML model (another kind of input, such as
// a calibration targets file, is refused by name).
func parseModel(name string, data []byte) (*model.Model, error) {
	if IsSBML(data) {
		return sbml.Read(name, data)
	}
	return holobiont.ParseModel(name, data)
}

// maxDepth bounds the nesting of an uploaded document.
const (
	maxYAMLDepth = 64
	maxXMLDepth  = 256
)

// checkDepth refuses documents nested deeper than the limits before a
// parser sees them: XML by its element depth, YAML by its flow-collection
// nesting plus its indentation levels.
func checkDepth(data []byte) error {
	if IsSBML(data) {
		dec := xml.NewDecoder(bytes.NewReader(data))
		dec.Strict = true
		depth := 0
		for {
			tok, err := dec.RawToken()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("XML: %v", err)
			}
			switch tok.(type) {
			case xml.StartElement:
				depth++
				if depth > maxXMLDepth {
					line, _ := dec.InputPos()
					return fmt.Errorf("line %d: XML nested deeper than %d elements", line, maxXMLDepth)
				}
			case xml.EndElement:
				depth--
			}
		}
	}
	var indents []int
	for i, line := range strings.Split(string(data), "\n") {
		trim := strings.TrimLeft(line, " -")
		if trim == "" || strings.HasPrefix(trim, "#") {
			continue
		}
		ind := len(line) - len(trim)
		for len(indents) > 0 && indents[len(indents)-1] >= ind {
			indents = indents[:len(indents)-1]
		}
		indents = append(indents, ind)
		flow, inStr := 0, byte(0)
		for j := 0; j < len(trim); j++ {
			c := trim[j]
			switch {
			case inStr != 0:
				if c == inStr {
					inStr = 0
				}
			case c == '"' || c == '\'':
				inStr = c
			case c == '#':
				j = len(trim)
			case c == '[' || c == '{':
				flow++
			case c == ']' || c == '}':
				flow--
			}
			if len(indents)+flow > maxYAMLDepth {
				return fmt.Errorf("line %d: YAML nested deeper than %d levels", i+1, maxYAMLDepth)
			}
		}
	}
	return nil
}

// modelInfo is a parsed model with its description, cached by hash.
type modelInfo struct {
	Name     string                 `json:"name"`
	Source   string                 `json:"source"` // shipped or upload
	Format   string                 `json:"format"` // yaml or sbml
	SHA256   string                 `json:"sha256"`
	Scenario string                 `json:"default_scenario,omitempty"`
	Desc     *modelfile.Description `json:"description"`
	Taxa     []string               `json:"taxa"`
	model    *model.Model
}

func sha(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// describe parses f (cached by content) and describes it.
func (s *Server) describe(f *File, source string) (*modelInfo, error) {
	key := sha(f.Data)
	if v, ok := s.descs.Load(key + source + f.Name); ok {
		return v.(*modelInfo), nil
	}
	m, err := parseModel(f.Name, f.Data)
	if err != nil {
		return nil, err
	}
	mi := &modelInfo{Name: f.Name, Source: source, Format: "yaml", SHA256: key, Desc: modelfile.Describe(m, f.Name, key), model: m}
	if IsSBML(f.Data) {
		mi.Format = "sbml"
	}
	if f.Shipped {
		if _, ok := shippedScenario(f.Name); ok {
			mi.Scenario = f.Name
		}
	}
	for _, c := range m.Communities {
		for _, mem := range c.Members {
			mi.Taxa = append(mi.Taxa, mem)
		}
	}
	s.descs.Store(key+source+f.Name, mi)
	return mi, nil
}

// scenarioJSON returns a scenario file as generic JSON for the page's
// timeline editor.
func scenarioJSON(data []byte) (map[string]any, error) {
	var v map[string]any
	if err := yamlnode.Decode("scenario", bom.Trim(data), &v); err != nil {
		return nil, err
	}
	return v, nil
}

// inlineScenario turns a scenario edited on the page (a JSON object with the
// scenario file's fields) into YAML bytes; the same object gives the same
// bytes, and so the same run id.
func inlineScenario(raw json.RawMessage) ([]byte, error) {
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("scenario: %v", err)
	}
	b, err := yaml.MarshalWithOptions(numbersToFloat(v), yaml.Indent(2))
	if err != nil {
		return nil, fmt.Errorf("scenario: %v", err)
	}
	return b, nil
}

func numbersToFloat(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = numbersToFloat(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbersToFloat(e)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

// validateUpload parses an upload of kind (model checked by compiling the
// IR; scenario against model, default the default model; cohort and trial
// specs as the cohort engine parses them).
func validateUpload(kind, name string, data []byte, scenarioModel *model.Model) error {
	switch kind {
	case kindModel:
		_, err := parseModel(name, data)
		return err
	case kindScenario:
		_, err := modelfile.ParseScenario(name, data, scenarioModel)
		return err
	case kindCohort:
		_, err := cohort.ParseSpec(name, data)
		return err
	case kindTrial:
		_, err := cohort.ParseTrialSpec(name, data)
		return err
	case kindGSA, kindVPop:
		s, err := gsastudy.ParseSpec(name, data)
		if err == nil && s.IsVPop() != (kind == kindVPop) {
			err = fmt.Errorf("%s: a spec with a vpop: section is kind vpop, one without is kind gsa", name)
		}
		return err
	}
	return fmt.Errorf("upload kind %q: want model, scenario, cohort, trial, gsa, vpop or data", kind)
}
