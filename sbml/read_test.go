package sbml

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/expr"
)

const head = `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
<model id="m">
`

func doc(body string) []byte { return []byte(head + body + "\n</model>\n</sbml>\n") }

func TestMathML(t *testing.T) {
	body := `<listOfParameters><parameter id="x" value="2" constant="true"/><parameter id="y" constant="false"/></listOfParameters>
<listOfRules><assignmentRule variable="y"><math xmlns="http://www.w3.org/1998/Math/MathML">
<apply><plus/>
  <apply><log/><ci> x </ci></apply>
  <apply><ln/><ci>x</ci></apply>
  <apply><log/><logbase><cn>2</cn></logbase><ci>x</ci></apply>
  <apply><root/><ci>x</ci></apply>
  <apply><root/><degree><cn type="integer">3</cn></degree><ci>x</ci></apply>
  <cn type="e-notation">1<sep/>-2</cn>
  <cn type="rational">1<sep/>4</cn>
  <apply><times/><csymbol definitionURL="http://www.sbml.org/sbml/symbols/avogadro">a</csymbol><cn>0</cn></apply>
  <piecewise><piece><cn>1</cn><apply><lt/><ci>x</ci><cn>1</cn></apply></piece><otherwise><cn>3</cn></otherwise></piecewise>
</apply></math></assignmentRule></listOfRules>`
	m, err := Read("t.xml", doc(body))
	if err != nil {
		t.Fatal(err)
	}
	n := m.Rules[0].Math
	got, err := expr.Eval(n, func(name string) (float64, bool) {
		if name == "x" {
			return 2, true
		}
		return 0, false
	}, nil)
	if err != nil {
		t.Fatalf("eval %s: %v", expr.String(n), err)
	}
	want := math.Log10(2) + math.Ln2 + 1 + math.Sqrt2 + math.Cbrt(2) + 0.01 + 0.25 + 0 + 3
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("value %v, want %v (%s)", got, want, expr.String(n))
	}
	if !strings.Contains(expr.String(n), "log10(x)") || !strings.Contains(expr.String(n), "ln(x)") {
		t.Errorf("canonical names missing in %s", expr.String(n))
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc, want string
		unsupported     bool
	}{
		{"malformed", head + "<listOfParameters>", "malformed XML", false},
		{"no namespace", `<sbml level="3" version="2"><model/></sbml>`, "missing SBML namespace", false},
		{"unknown namespace", `<sbml xmlns="http://www.sbml.org/sbml/level9/version1/core"><model/></sbml>`, "unknown or unsupported SBML namespace", false},
		{"arity", string(doc(`<listOfParameters><parameter id="y" constant="false"/></listOfParameters>
<listOfRules><assignmentRule variable="y"><math xmlns="http://www.w3.org/1998/Math/MathML">
<apply><divide/><cn>1</cn></apply></math></assignmentRule></listOfRules>`)), "t.xml:6: y: MathML <divide> has 1 arguments, want 2", false},
		{"required package", `<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" xmlns:qual="http://www.sbml.org/sbml/level3/version1/qual/version1" level="3" version="1" qual:required="true"><model/></sbml>`,
			"unsupported: required SBML package qual at sbml, line 1", true},
		{"bad number", string(doc(`<listOfParameters><parameter id="y" value="abc" constant="true"/></listOfParameters>`)), "t.xml:4: y: attribute value=\"abc\" is not a number", false},
	} {
		_, err := Read("t.xml", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
			continue
		}
		var ue *UnsupportedError
		if errors.As(err, &ue) != c.unsupported {
			t.Errorf("%s: unsupported = %v, want %v", c.name, !c.unsupported, c.unsupported)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add(doc(`<listOfParameters><parameter id="x" value="2" constant="true"/></listOfParameters>`))
	f.Add(doc(`<listOfRules><assignmentRule variable="y"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><plus/><ci>x</ci><cn type="e-notation">1<sep/>3</cn></apply></math></assignmentRule></listOfRules>`))
	f.Add([]byte(`<sbml xmlns="http://www.sbml.org/sbml/level2/version4" level="2" version="4"><model><listOfSpecies><species id="s" compartment="c" initialAmount="1"/></listOfSpecies></model></sbml>`))
	f.Add([]byte("<"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Read("fuzz.xml", data)
		if err == nil && m == nil {
			t.Fatal("nil model without error")
		}
	})
}
