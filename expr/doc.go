// Package expr holds holobiont's expression language: one abstract syntax
// tree (ast.go) filled by both model front ends (the YAML infix parser in this
// package and the SBML MathML reader in package sbml), a slow reference
// evaluator, a compiler to a flat register bytecode, symbolic
// differentiation and simplification.
//
// # Infix grammar
//
// From loosest to tightest binding:
//
//	or-expr   = and-expr { ("||" | "or") and-expr }           n-ary OpOr
//	and-expr  = not-expr { ("&&" | "and") not-expr }          n-ary OpAnd
//	not-expr  = "not" not-expr | cmp-expr                     not x > y = not (x > y)
//	cmp-expr  = add-expr { ("<"|"<="|">"|">="|"=="|"!=") add-expr }   left-assoc
//	add-expr  = mul-expr { ("+"|"-") mul-expr }               n-ary OpAdd, binary OpSub
//	mul-expr  = unary { ("*"|"/") unary }                     n-ary OpMul, binary OpDiv
//	unary     = ("-"|"+"|"!") unary | power                   !x > y = (!x) > y
//	power     = primary [ "^" unary ]                         right-assoc; -x^2 = -(x^2)
//	primary   = number | ident | ident "(" args ")" | "(" or-expr ")"
//
// Numbers are 1, 1.5, 1e-3, .5; a minus sign directly in front of a number
// literal that is not raised to a power is folded into the literal (so "-2"
// is the number -2, while "-2^2" is -(2^2)). Identifiers match
// [A-Za-z_][A-Za-z0-9_]* with dotted parts allowed (axilla.S_aureus).
//
// The names t and time mean simulation time (OpTime), true/false are 1/0,
// pi and e (also exponentiale) are the constants, inf and nan (also
// infinity, notanumber) the IEEE values, unless a [Scope]
// passed to [ParseScope] declares the name as a model variable. log(x) is the
// natural logarithm (canonical name ln), log(b, x) the base-b logarithm;
// if(c, a, b) and piecewise(v0, c0, v1, c1, ..., otherwise) give
// OpPiecewise; pow(a, b) gives OpPow; implies(a, b) gives or(not a, b); xor(...), and(...), or(...), not(x),
// plus(...) and times(...) give the corresponding operator nodes (String
// writes n-ary nodes with fewer than two arguments in that call form).
// MathML spellings (arcsin, arccos, arctan, arcsinh, arccosh, arctanh,
// ceiling, power) are accepted as aliases of the canonical names.
//
// # Builtin functions
//
// The canonical builtin call names are listed in [Builtins]. Calls to other
// names are user function definitions ([Func]); when a call name is both a
// builtin and a key of the funcs map, the user function wins.
//
// # Evaluation
//
// [Eval] is the slow reference evaluator: it asks its lookup function for
// identifiers and for time under the name [TimeKey] (which is not a valid
// identifier, so it cannot clash with a model variable named "time").
// [Vars] lists free identifiers, [Validate] checks operator and builtin
// arities of a tree built by a front end.
//
// # Semantics shared by Eval, Tape and Simplify
//
// Relational and logical operators yield 1 (true) or 0 (false); any non-zero
// value is true. A piecewise with no true condition and no otherwise is NaN.
// Division by zero follows IEEE 754 (±Inf or NaN): callers detect non-finite
// results. rem(a, b) = a - b·trunc(a/b) (sign of a), quotient(a, b) =
// trunc(a/b), factorial(x) = Γ(x+1) (exact for integers up to 170),
// root(n, x) = x^(1/n), pos(x) = max(x, 0), hill(x, K, n) = x^n/(K^n+x^n),
// shannon and simpson take absolute abundances, normalise them and return 0
// when all are 0.
//
// # Compilation
//
// [Builder] compiles assignments env[dst] = expression into a [Tape]: a flat
// slice of register instructions over []float64, with model function
// definitions inlined, constant sub-expressions folded and common
// sub-expressions (also across assignments, as long as their inputs are not
// reassigned in between) computed once. Build then fuses an arithmetic
// instruction with the one after it into a superinstruction when the latter
// is the only reader of the intermediate ((a*b + c), (a + b)/c, c - a/b,
// pos(a - b), (a/b)^n, ...), rounding the intermediate exactly as before, so
// results are bit-identical with and without fusion. Tape.Run copies the env
// slots the code reads before writing them into its registers, runs, and
// copies back the slots it assigns; it does not allocate. A Tape built by
// Builder.BuildInPlace(base) runs with RunInPlace directly on the caller's
// slice: env slots are read and written in place and the tape's scratch
// registers (constants, temporaries, common sub-expressions) are
// env[base : base+Scratch()], which Bind fills once; several such tapes can
// share one slice (package system runs its hot tapes this way). The results
// are those of Run, bit for bit.
//
// Tape.GoFunc writes an in-place tape as a straight-line Go function
// (temporaries as locals, constants as literals, every intermediate
// rounded by an explicit float64 conversion so no multiply-add is fused)
// that computes the same bits as RunInPlace; Tape.Fingerprint identifies
// a tape's code so that generated functions can be matched to tapes
// (package system/kernels). The numeric helpers both call live in
// internal/fmath; exp is fmath.Exp (table-driven, within 1.3 ulp, about
// half the cost of math.Exp) and ln is fmath.Log (table-driven, within
// 0.6 ulp, about half the cost of math.Log), hill's powers are fmath.HillPower
// (multiplication for a small integer coefficient, constant or not).
//
// HillPower and HillGiven split hill(x, K, n) into K^n and the rest, so
// that a caller can compute K^n once where K and n do not change (package
// system hoists it out of the right-hand side); the split form computes
// the same bits. delay(x, d) and rateOf(x) are not compiled: Builder.Assign returns
// an error starting "unsupported: delay" (or "unsupported: rateOf"); a front
// end that supports them must rewrite them into ordinary variables before
// compiling. A Tape owns scratch registers, so one Tape must not run in two
// goroutines at once; use Tape.Clone for each worker.
package expr
