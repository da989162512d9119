// Package sbml reads SBML Level 2 Version 4 and Level 3 Versions 1 and 2
// (core) into holobiont's model IR (package model), and writes the IR as
// SBML Level 3 Version 2.
//
// The reader uses encoding/xml and keeps the line of every element, so
// errors name the element id and line. MathML content markup becomes the
// expression AST of package expr with the canonical builtin names: <ln/> is
// ln, <log/> without <logbase> is log10, with a base it is log(base, x);
// <root/> without <degree> is sqrt; csymbol time is OpTime, avogadro the
// number 6.02214179e23, rateOf the call rateOf(x).
//
// Constructs the reader cannot import faithfully are refused with an
// *UnsupportedError ("unsupported: <construct> at <element id>, line N"):
// SBML packages marked required other than comp and fbc. The comp package
// is flattened before import (comp.go); fbc objectives and bounds become
// model.FluxBalance (fbc.go), solved by sim.FluxBalance. L2
// stoichiometryMath becomes an assignment rule on a synthetic
// species-reference id.
//
// Algebraic rules, delay() and fast reactions are imported and simulated:
// package system solves algebraic rules that each determine one variable
// and are linear in it into assignment rules, keeps a state history for
// delay(), and treats fast reactions as a rapid equilibrium (package sim
// checks it at every output time). The forms it cannot solve
// (differential-algebraic systems, rules non-linear in their variable,
// nested delay(), rateOf of a general expression) are refused there with a
// *system.Unsupported error of the same form. The SBML Test Suite harness
// is package sbmlsuite; `holobiont sbml run` goes through package
// holobiont.
package sbml
