package sbml_test

import (
	"fmt"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/sbml"
)

func ExampleRead() {
	doc := `<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
<model id="decay">
<listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
<listOfSpecies><species id="S" compartment="c" initialAmount="10" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/></listOfSpecies>
<listOfParameters><parameter id="k" value="0.1" constant="true"/></listOfParameters>
<listOfReactions><reaction id="d" reversible="false">
<listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
<kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k</ci><ci>S</ci><apply><log/><cn>10</cn></apply></apply></math></kineticLaw>
</reaction></listOfReactions></model></sbml>`
	m, err := sbml.Read("decay.xml", []byte(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.ID, len(m.Species), expr.String(m.Reactions[0].Rate))
	// Output: decay 1 k*S*log10(10)
}
