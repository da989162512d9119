// Package units parses the unit strings of model files ("1/day", "day^-1",
// "cells/g", "pg/mL", "mmol/L", "ng/mL/day", "%", "cfu/cm2", "dimensionless",
// SI prefixes) into a dimension vector and a scale factor, and infers the
// unit of an expression (Check) so that model front ends can verify, for
// example, that a rate equation has the unit of its state per unit time.
//
// # Units
//
// A Unit is a product of base dimensions raised to (possibly fractional)
// powers — mass, length, time, amount of substance, count (cells, cfu,
// copies, reads, items), temperature, electric current, luminous intensity
// and arbitrary model density units ("rel", as in relative densities of a
// community model) — times a scale factor relative to the base units g, m,
// s, mol, count, K, A, cd and rel. Models may declare further unit words
// with ParseWith. So "pg/mL" is mass·length⁻³ with scale 1e-6, "1/day"
// is time⁻¹ with scale 1/86400 and "%" is dimensionless with scale 0.01.
//
// Unit strings are products and quotients of terms, left to right:
// "ng/mL/day" = ng / mL / day, "mol/(L*s)" uses parentheses, and '*', '·',
// '.' or a space multiply. A term is a unit symbol with an optional SI
// prefix (y z a f p n u µ m c d da h k M G T P E), raised to a power with
// '^' ("day^-1", "m^2"), with trailing digits ("cm2", "s-1") or with ² and ³.
// A term may also be a number ("1", "1e6", "10^6"). Molar concentration is
// written M (mM, uM, nM, pM = mol/L times the prefix).
//
// # Checking expressions
//
// Check infers the unit of an expression. Numeric literals (and constant
// sub-expressions) are wildcards: they match any unit in sums and
// comparisons and are dimensionless factors in products, so "0.5*x + y"
// checks x against y while "x + 1" never fails. Sums, differences,
// comparisons, piecewise values, min, max, rem and the x and K of hill need
// equal units (same dimension and scale); exp, ln, log, the trigonometric
// and hyperbolic functions, factorial and a non-constant exponent need
// dimensionless arguments. Calls to functions Check does not know (user
// function definitions) give the Unknown unit, which matches anything:
// inline them first with expr.Inline to check through them.
package units
