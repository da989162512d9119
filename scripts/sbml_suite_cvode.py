#!/usr/bin/python3
"""Per-case SUNDIALS CVODE timing on the SBML Test Suite, side by side with holobiont.

For every case in the suite directory whose model is a pure ODE (no events,
delays, algebraic rules, fast reactions, rateOf, comp/fbc packages; at least
one state variable), this script reads the model with libsbml (Debian
python3-sbml5) and writes it as C for SUNDIALS CVODE by walking libsbml's
math ASTs: function definitions inlined (simultaneous substitution of the
arguments), initial assignments, assignment rules, variable stoichiometries
and reaction rates in dependency order, reactions with SBML
amount/concentration semantics (state = species amounts, concentration =
amount / compartment size, kinetic laws in substance/time, conversion
factors, variable and 0-D compartments), rate rules. One C program per case is compiled (gcc -O2) against
CVODE (BDF, Newton with the dense direct solver, difference-quotient Jacobian)
with holobiont's test-suite tolerances (sbmlsuite/testsuite.go: rtol 1e-10,
atol = max(1e-5 x the case's absolute tolerance, 1e-300), at most 200000 steps).

Each program solves the case once and prints the requested variables at the
output times; a case whose C result does not agree with NNNNN-results.csv
(|c - e| <= abs + rel*|e|, NaN/INF matching) is excluded and counted. Then
ROUNDS timing rounds go over all cases; in each round every case's program
repeats solves (each solve = create CVODE, integrate 0..end through every
output time, compute the requested variables at each, free) for at least
BUDGET/ROUNDS seconds (and 2 solves) and reports the mean. With --compare,
each round then runs holobiont's BenchmarkSuiteSolve (sbmlsuite/
bench_suite_test.go, compiled once with go test -c) on the same case list
with the same per-case time. Per case and side the fastest round counts, so
a load spike from other jobs on the shared machine has to hit every round to
distort a case, and both sides see the same load history.

Usage:
  scripts/sbml_suite_cvode.py [--suite DIR] [--budget S] [--rounds R] [--out times.tsv]
  scripts/sbml_suite_cvode.py --compare [--suite DIR] [--budget S] [--rounds R] [--worst N] [--log why.txt]

--compare prints the number of cases compared, the median and
geometric-mean ratio holobiont/CVODE per-solve time, the fraction of cases
where holobiont is no slower, and the worst cases.

Needs gcc, libsundials-dev (6.x), python3-sbml5, go.
"""

import argparse
import concurrent.futures
import math
import os
import statistics
import subprocess
import sys
import tempfile

import libsbml

RTOL = 1e-10
MAXSTEPS = 200000
AVOGADRO = 6.02214179e23  # the SBML L3 value of csymbol avogadro
LEVELS = ("l3v2", "l3v1", "l2v4")


class Skip(Exception):
    """The case is outside the pure-ODE subset this translator covers."""


# ---------------------------------------------------------------- settings/results

def read_settings(path):
    s = {"start": 0.0, "duration": None, "steps": None, "variables": [], "absolute": 0.0, "relative": 0.0,
         "amount": [], "concentration": []}
    with open(path) as f:
        for line in f:
            k, sep, v = line.partition(":")
            if not sep:
                continue
            k, v = k.strip(), v.strip()
            if not v:
                continue
            if k in ("start", "duration", "absolute", "relative"):
                s[k] = float(v)
            elif k == "steps":
                s[k] = int(float(v))
            elif k in ("variables", "amount", "concentration"):
                s[k] = [x.strip() for x in v.split(",") if x.strip()]
    if not s["steps"] or s["duration"] is None:
        raise Skip("no-time-course settings (FBA case)")
    return s


def parse_value(v):
    v = v.strip()
    low = v.lower()
    if low in ("nan", "-nan"):
        return math.nan
    if low in ("inf", "+inf", "infinity"):
        return math.inf
    if low in ("-inf", "-infinity"):
        return -math.inf
    return float(v)


def read_results(path):
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    head = [h.strip() for h in lines[0].split(",")]
    rows = [[parse_value(x) for x in l.split(",")] for l in lines[1:]]
    return head, rows


def agree(got, want, abs_, rel):
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    if math.isinf(want) or math.isinf(got):
        return got == want
    return abs(got - want) <= abs_ + rel * abs(want)


# ---------------------------------------------------------------- math -> C

def cnum(x):
    if math.isnan(x):
        return "NAN"
    if math.isinf(x):
        return "INFINITY" if x > 0 else "(-INFINITY)"
    return "(" + repr(float(x)) + ")"


UNARY = {
    libsbml.AST_FUNCTION_ABS: "fabs", libsbml.AST_FUNCTION_ARCCOS: "acos", libsbml.AST_FUNCTION_ARCCOSH: "acosh",
    libsbml.AST_FUNCTION_ARCSIN: "asin", libsbml.AST_FUNCTION_ARCSINH: "asinh", libsbml.AST_FUNCTION_ARCTAN: "atan",
    libsbml.AST_FUNCTION_ARCTANH: "atanh", libsbml.AST_FUNCTION_CEILING: "ceil", libsbml.AST_FUNCTION_COS: "cos",
    libsbml.AST_FUNCTION_COSH: "cosh", libsbml.AST_FUNCTION_EXP: "exp", libsbml.AST_FUNCTION_FLOOR: "floor",
    libsbml.AST_FUNCTION_LN: "log", libsbml.AST_FUNCTION_SIN: "sin", libsbml.AST_FUNCTION_SINH: "sinh",
    libsbml.AST_FUNCTION_TAN: "tan", libsbml.AST_FUNCTION_TANH: "tanh",
}
RECIP = {  # f(x) = 1/g(x)
    libsbml.AST_FUNCTION_SEC: "cos", libsbml.AST_FUNCTION_CSC: "sin", libsbml.AST_FUNCTION_COT: "tan",
    libsbml.AST_FUNCTION_SECH: "cosh", libsbml.AST_FUNCTION_CSCH: "sinh", libsbml.AST_FUNCTION_COTH: "tanh",
}
INVRECIP = {  # f(x) = g(1/x)
    libsbml.AST_FUNCTION_ARCSEC: "acos", libsbml.AST_FUNCTION_ARCCSC: "asin", libsbml.AST_FUNCTION_ARCCOT: "atan",
    libsbml.AST_FUNCTION_ARCSECH: "acosh", libsbml.AST_FUNCTION_ARCCSCH: "asinh",
    libsbml.AST_FUNCTION_ARCCOTH: "atanh",
}
RELOP = {
    libsbml.AST_RELATIONAL_EQ: "==", libsbml.AST_RELATIONAL_NEQ: "!=", libsbml.AST_RELATIONAL_GT: ">",
    libsbml.AST_RELATIONAL_GEQ: ">=", libsbml.AST_RELATIONAL_LT: "<", libsbml.AST_RELATIONAL_LEQ: "<=",
}


class Translator:
    """Turns libsbml ASTs into C expressions over p[] (one slot per symbol)."""

    def __init__(self, index, funcs):
        self.index = index  # symbol id -> slot in p[]
        self.funcs = funcs  # function definition id -> (argument names, body AST)
        self.depth = 0

    def c(self, n, local=None, deps=None):
        """C text of AST n; local maps kinetic-law local parameter ids to C text;
        deps, if given, collects the global symbol ids n reads."""
        t = n.getType()
        k = [n.getChild(i) for i in range(n.getNumChildren())]
        rec = lambda x: self.c(x, local, deps)
        if t in (libsbml.AST_INTEGER, libsbml.AST_REAL, libsbml.AST_REAL_E, libsbml.AST_RATIONAL):
            return cnum(n.getValue())
        if t == libsbml.AST_NAME:
            name = n.getName()
            if local and name in local:
                return local[name]
            if name not in self.index:
                raise Skip("unknown symbol " + name)
            if deps is not None:
                deps.add(name)
            return "p[%d]" % self.index[name]
        if t == libsbml.AST_NAME_TIME:
            return "t"
        if t == libsbml.AST_NAME_AVOGADRO:
            return cnum(AVOGADRO)
        if t == libsbml.AST_CONSTANT_E:
            return cnum(math.e)
        if t == libsbml.AST_CONSTANT_PI:
            return cnum(math.pi)
        if t == libsbml.AST_CONSTANT_TRUE:
            return "1.0"
        if t == libsbml.AST_CONSTANT_FALSE:
            return "0.0"
        if t == libsbml.AST_PLUS:
            return "(" + " + ".join(map(rec, k)) + ")" if k else "0.0"
        if t == libsbml.AST_TIMES:
            return "(" + " * ".join(map(rec, k)) + ")" if k else "1.0"
        if t == libsbml.AST_MINUS:
            if len(k) == 1:
                return "(-" + rec(k[0]) + ")"
            return "(" + " - ".join(map(rec, k)) + ")"
        if t == libsbml.AST_DIVIDE:
            return "(" + rec(k[0]) + " / " + rec(k[1]) + ")"
        if t in (libsbml.AST_POWER, libsbml.AST_FUNCTION_POWER):
            return "pow(" + rec(k[0]) + ", " + rec(k[1]) + ")"
        if t in UNARY and len(k) == 1:
            return UNARY[t] + "(" + rec(k[0]) + ")"
        if t in RECIP and len(k) == 1:
            return "(1.0 / " + RECIP[t] + "(" + rec(k[0]) + "))"
        if t in INVRECIP and len(k) == 1:
            return INVRECIP[t] + "(1.0 / " + rec(k[0]) + ")"
        if t == libsbml.AST_FUNCTION_FACTORIAL:
            return "tgamma(" + rec(k[0]) + " + 1.0)"
        if t == libsbml.AST_FUNCTION_LOG:
            if len(k) == 1:
                return "log10(" + rec(k[0]) + ")"
            return "(log(" + rec(k[1]) + ") / log(" + rec(k[0]) + "))"
        if t == libsbml.AST_FUNCTION_ROOT:
            if len(k) == 1:
                return "sqrt(" + rec(k[0]) + ")"
            return "pow(" + rec(k[1]) + ", 1.0 / " + rec(k[0]) + ")"
        if t == libsbml.AST_FUNCTION_PIECEWISE:
            out = "NAN"
            if len(k) % 2 == 1:
                out = rec(k[-1])
            for i in range(len(k) // 2 * 2 - 2, -1, -2):
                out = "((" + rec(k[i + 1]) + ") != 0.0 ? " + rec(k[i]) + " : " + out + ")"
            return out
        if t in RELOP:
            if len(k) < 2:
                return "1.0"
            parts = ["(" + rec(k[i]) + " " + RELOP[t] + " " + rec(k[i + 1]) + ")" for i in range(len(k) - 1)]
            return "((double)(" + " && ".join(parts) + "))"
        if t == libsbml.AST_LOGICAL_AND:
            return "((double)(" + " && ".join("(" + rec(x) + " != 0.0)" for x in k) + "))" if k else "1.0"
        if t == libsbml.AST_LOGICAL_OR:
            return "((double)(" + " || ".join("(" + rec(x) + " != 0.0)" for x in k) + "))" if k else "0.0"
        if t == libsbml.AST_LOGICAL_XOR:
            return "((double)((" + " + ".join("(" + rec(x) + " != 0.0)" for x in k) + ") % 2))" if k else "0.0"
        if t == libsbml.AST_LOGICAL_NOT:
            return "((double)(" + rec(k[0]) + " == 0.0))"
        if hasattr(libsbml, "AST_LOGICAL_IMPLIES") and t == libsbml.AST_LOGICAL_IMPLIES:
            return "((double)((" + rec(k[0]) + ") == 0.0 || (" + rec(k[1]) + ") != 0.0))"
        if hasattr(libsbml, "AST_FUNCTION_MAX") and t == libsbml.AST_FUNCTION_MAX:
            out = rec(k[0])
            for x in k[1:]:
                out = "fmax(" + out + ", " + rec(x) + ")"
            return out
        if hasattr(libsbml, "AST_FUNCTION_MIN") and t == libsbml.AST_FUNCTION_MIN:
            out = rec(k[0])
            for x in k[1:]:
                out = "fmin(" + out + ", " + rec(x) + ")"
            return out
        if hasattr(libsbml, "AST_FUNCTION_REM") and t == libsbml.AST_FUNCTION_REM:
            return "fmod(" + rec(k[0]) + ", " + rec(k[1]) + ")"
        if hasattr(libsbml, "AST_FUNCTION_QUOTIENT") and t == libsbml.AST_FUNCTION_QUOTIENT:
            return "trunc(" + rec(k[0]) + " / " + rec(k[1]) + ")"
        if t == libsbml.AST_FUNCTION and n.getName() in self.funcs:
            args, body = self.funcs[n.getName()]
            if len(args) != len(k) or self.depth > 50:
                raise Skip("bad call of function " + n.getName())
            vals = {a: "(" + rec(x) + ")" for a, x in zip(args, k)}
            self.depth += 1
            try:
                return self.c(body, vals, deps)
            finally:
                self.depth -= 1
        raise Skip("unsupported MathML node %s" % (n.getName() or libsbml.formulaToL3String(n)))


def walk_types(n, acc):
    if n is None:
        return
    acc.add(n.getType())
    for i in range(n.getNumChildren()):
        walk_types(n.getChild(i), acc)


def topo(order_ids, exprs, deps):
    """Orders ids so every id comes after the ids (among order_ids) it depends on."""
    done, out, busy = set(), [], set()

    def visit(x):
        if x in done:
            return
        if x in busy:
            raise Skip("cyclic rules at " + x)
        busy.add(x)
        for d in sorted(deps[x]):
            if d in exprs:
                visit(d)
        busy.discard(x)
        done.add(x)
        out.append(x)

    for x in order_ids:
        visit(x)
    return out


# ---------------------------------------------------------------- model -> C

def case_file(dir_, cid):
    for lv in LEVELS:
        p = os.path.join(dir_, "%s-sbml-%s.xml" % (cid, lv))
        if os.path.exists(p):
            return p
    raise Skip("no SBML file")


def translate(dir_, cid):
    """Returns (C source, settings) or raises Skip."""
    settings = read_settings(os.path.join(dir_, cid + "-settings.txt"))
    doc = libsbml.readSBMLFromFile(case_file(dir_, cid))
    mp = model_parts(doc)
    tr, index, species, conc_sem, size_of = mp.tr, mp.index, mp.species, mp.conc_sem, mp.size_of

    # Output variables.
    outs = []
    for v in settings["variables"]:
        if v not in index:
            raise Skip("output variable %s unknown" % v)
        pv = "p[%d]" % index[v]
        if v in species:
            s = species[v]
            vol = size_of(s)
            if v in settings["amount"]:
                outs.append(pv + " * " + vol if conc_sem(s) else pv)
            elif v in settings["concentration"]:
                outs.append(pv if conc_sem(s) else pv + " / " + vol)
            else:
                outs.append(pv)
        else:
            outs.append(pv)

    times = [settings["start"] + settings["duration"] * k / settings["steps"] for k in range(settings["steps"] + 1)]
    atol = max(settings["absolute"] * 1e-5, 1e-300)
    return c_source(cid, mp.ids, index, mp.init, mp.iorder, mp.state, species, conc_sem, size_of, mp.derived,
                    mp.dorder, mp.direct, mp.rhs, outs, times, atol), settings


class ModelParts:
    """An SBML model translated to C pieces over p[] (one slot per symbol) and y[] (the state amounts)."""


def model_parts(doc):
    """Translates a pure-ODE SBML document (raises Skip otherwise): symbols, initial values, state, derived
    values and right-hand sides as C text (see c_source). Shared with scripts/petab_cvodes.py."""
    if doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) + doc.getNumErrors(libsbml.LIBSBML_SEV_FATAL) > 0:
        raise Skip("libsbml read errors")
    for i in range(doc.getNumPlugins()):
        pkg = doc.getPlugin(i).getPackageName()
        if pkg not in ("l3v2extendedmath", "layout", "render"):  # L3V2 core math; no-semantics packages
            raise Skip("package " + pkg)
    m = doc.getModel()
    if m is None:
        raise Skip("no model")
    if m.getNumEvents() > 0:
        raise Skip("events")
    rules = [m.getRule(i) for i in range(m.getNumRules())]
    if any(r.isAlgebraic() for r in rules):
        raise Skip("algebraic rule")
    reactions = [m.getReaction(i) for i in range(m.getNumReactions())]
    for r in reactions:
        if r.isSetFast() and r.getFast():
            raise Skip("fast reaction")
        if not r.isSetKineticLaw() or not r.getKineticLaw().isSetMath():
            raise Skip("reaction without kinetic law")
    # Function definitions are inlined by the translator (simultaneous
    # substitution of the arguments, so bvar names may equal model ids).
    funcs = {}
    for i in range(m.getNumFunctionDefinitions()):
        fd = m.getFunctionDefinition(i)
        if fd.getBody() is None:
            raise Skip("function definition without body")
        funcs[fd.getId()] = ([fd.getArgument(j).getName() for j in range(fd.getNumArguments())], fd.getBody())
    ias = [m.getInitialAssignment(i) for i in range(m.getNumInitialAssignments())]
    # Every math element: no delay or rateOf.
    maths = [r.getMath() for r in rules] + [a.getMath() for a in ias] + [b for _, b in funcs.values()]
    maths += [r.getKineticLaw().getMath() for r in reactions]
    for r in reactions:
        for lst in (r.getListOfReactants(), r.getListOfProducts()):
            for sr in lst:
                if sr.isSetStoichiometryMath():
                    maths.append(sr.getStoichiometryMath().getMath())
    types = set()
    for x in maths:
        walk_types(x, types)
    bad = {libsbml.AST_FUNCTION_DELAY: "delay", libsbml.AST_LAMBDA: "lambda"}
    if hasattr(libsbml, "AST_FUNCTION_RATE_OF"):
        bad[libsbml.AST_FUNCTION_RATE_OF] = "rateOf"
    for bt, name in bad.items():
        if bt in types:
            raise Skip(name)

    comps = {c.getId(): c for c in (m.getCompartment(i) for i in range(m.getNumCompartments()))}
    species = {s.getId(): s for s in (m.getSpecies(i) for i in range(m.getNumSpecies()))}
    params = {q.getId(): q for q in (m.getParameter(i) for i in range(m.getNumParameters()))}
    # Rules and initial assignments without math (allowed in L3V2) have no effect.
    ar = {r.getVariable(): r.getMath() for r in rules if r.isAssignment() and r.isSetMath()}
    rr = {r.getVariable(): r.getMath() for r in rules if r.isRate()}
    if any(x is None for x in rr.values()):
        raise Skip("rate rule without math")
    ia = {a.getSymbol(): a.getMath() for a in ias if a.isSetMath()}
    srefs = {}  # species reference id -> SpeciesReference
    smath = {}  # synthetic id -> stoichiometryMath AST (Level 2)
    sref_symbol = {}  # (reaction index, reactant/product, position) -> symbol id of a variable stoichiometry
    for ri, r in enumerate(reactions):
        for side, lst in enumerate((r.getListOfReactants(), r.getListOfProducts())):
            for pos, sr in enumerate(lst):
                if sr.isSetStoichiometryMath():
                    sid = "\x00stoichiometryMath%d_%d_%d" % (ri, side, pos)
                    smath[sid] = sr.getStoichiometryMath().getMath()
                    sref_symbol[ri, side, pos] = sid
                elif sr.isSetId() and sr.getId():
                    srefs[sr.getId()] = sr
                    sref_symbol[ri, side, pos] = sr.getId()
                elif m.getLevel() >= 3 and not sr.isSetStoichiometry():
                    raise Skip("stoichiometry unset")

    # Symbols, one slot each in p[].
    ids = list(comps) + list(params) + list(species) + list(srefs) + list(smath) + [r.getId() for r in reactions]
    index = {x: i for i, x in enumerate(ids)}
    tr = Translator(index, funcs)

    def size_of(s):
        return "p[%d]" % index[s.getCompartment()]

    def conc_sem(s):  # the species' id means a concentration
        if s.getHasOnlySubstanceUnits():
            return False
        c = comps[s.getCompartment()]
        return not (c.isSetSpatialDimensions() and c.getSpatialDimensionsAsDouble() == 0)

    # Initial value expression and dependencies for every symbol.
    init, deps = {}, {}
    for x in ids:
        d = set()
        if x in ar:
            e = tr.c(ar[x], deps=d)
        elif x in ia:
            e = tr.c(ia[x], deps=d)
        elif x in comps:
            c = comps[x]
            e = cnum(c.getSize()) if c.isSetSize() else "NAN"
        elif x in params:
            q = params[x]
            e = cnum(q.getValue()) if q.isSetValue() else "NAN"
        elif x in species:
            s = species[x]
            v = size_of(s)
            d.add(s.getCompartment())
            if s.isSetInitialAmount():
                a = cnum(s.getInitialAmount())
                e = "(" + a + " / " + v + ")" if conc_sem(s) else a
            elif s.isSetInitialConcentration():
                c0 = cnum(s.getInitialConcentration())
                e = c0 if conc_sem(s) else "(" + c0 + " * " + v + ")"
            else:
                e = "NAN"
        elif x in srefs:
            sr = srefs[x]
            e = cnum(sr.getStoichiometry()) if sr.isSetStoichiometry() else "NAN"
        elif x in smath:
            e = tr.c(smath[x], deps=d)
        else:  # reaction id: its rate
            e = kinetic(tr, m.getReaction(x), d)
        init[x], deps[x] = e, d
    for x in list(ar) + list(rr) + list(ia):
        if x not in index:
            raise Skip("rule or initial assignment on unknown " + x)

    # State: species amounts (not constant, not assigned) and compartments,
    # parameters and species references with rate rules.
    state = []
    for x, s in species.items():
        varc = s.getCompartment() in ar or s.getCompartment() in rr
        if x not in ar and (x in rr or not s.getConstant() or varc):  # a constant species keeps its amount
            state.append(x)
    for x in list(comps) + list(params) + list(srefs):
        if x in rr:
            state.append(x)
    if not state:
        raise Skip("no ODE state")

    # Derived (per RHS call), in dependency order: concentrations of state
    # species from amounts and compartment sizes, assignment rules, variable
    # stoichiometries and reaction rates.
    derived, dderiv = {}, {}
    for i, x in enumerate(state):
        if x in species and conc_sem(species[x]):
            derived[x] = "y[%d] / %s" % (i, size_of(species[x]))
            dderiv[x] = {species[x].getCompartment()}
    for x in ar:
        d = set()
        derived[x] = tr.c(ar[x], deps=d)
        dderiv[x] = d
    for x in smath:
        d = set()
        derived[x] = tr.c(smath[x], deps=d)
        dderiv[x] = d
    for r in reactions:
        d = set()
        derived[r.getId()] = kinetic(tr, r, d)
        dderiv[r.getId()] = d
    dorder = topo(list(derived), derived, dderiv)
    iorder = topo(ids, init, deps)
    direct = [(i, x) for i, x in enumerate(state) if x not in derived]

    # Derivatives of the state amounts.
    rhs = {x: [] for x in state}
    for x in state:
        if x not in rr:
            continue
        e = tr.c(rr[x])
        if x in species and conc_sem(species[x]):
            c = species[x].getCompartment()
            if c in ar:
                raise Skip("rate rule on a concentration in an assigned compartment")
            # d(amount)/dt = V d[S]/dt + [S] dV/dt
            e = "(" + e + " * " + size_of(species[x]) + ")"
            if c in rr:
                e += " + p[%d] * (%s)" % (index[x], tr.c(rr[c]))
        rhs[x].append(e)
    mcf = m.getConversionFactor() if m.isSetConversionFactor() else ""
    for ri, r in enumerate(reactions):
        rate = "p[%d]" % index[r.getId()]
        for side, lst in enumerate((r.getListOfReactants(), r.getListOfProducts())):
            for pos, sr in enumerate(lst):
                s = sr.getSpecies()
                if s not in species:
                    raise Skip("reaction names unknown species " + s)
                if s not in rhs or s in rr or species[s].getBoundaryCondition() or species[s].getConstant():
                    continue
                if (ri, side, pos) in sref_symbol:
                    st = "p[%d]" % index[sref_symbol[ri, side, pos]]
                else:
                    st = cnum(sr.getStoichiometry())
                cf = species[s].getConversionFactor() if species[s].isSetConversionFactor() else mcf
                term = "%s%s * %s" % ("-" if side == 0 else "+", st, rate)
                if cf:
                    term += " * p[%d]" % index[cf]
                rhs[s].append(term)

    mp = ModelParts()
    mp.tr, mp.ids, mp.index, mp.init, mp.iorder, mp.state = tr, ids, index, init, iorder, state
    mp.species, mp.params, mp.comps, mp.conc_sem, mp.size_of = species, params, comps, conc_sem, size_of
    mp.derived, mp.dorder, mp.direct, mp.rhs = derived, dorder, direct, rhs
    return mp


def kinetic(tr, r, deps):
    kl = r.getKineticLaw()
    local = {}
    lps = [kl.getLocalParameter(i) for i in range(kl.getNumLocalParameters())] + \
          [kl.getParameter(i) for i in range(kl.getNumParameters())]
    for lp in lps:
        local[lp.getId()] = cnum(lp.getValue()) if lp.isSetValue() else "NAN"
    return tr.c(kl.getMath(), local=local, deps=deps)


def c_source(cid, ids, index, init, iorder, state, species, conc_sem, size_of, derived, dorder, direct, rhs, outs,
             times, atol):
    ny, np_, nv, nt = len(state), len(ids), len(outs), len(times)
    L = ["/* Generated by scripts/sbml_suite_cvode.py from SBML test-suite case %s. */" % cid,
         "#include <stdio.h>", "#include <stdlib.h>", "#include <math.h>", "#include <time.h>",
         "#include <cvode/cvode.h>", "#include <nvector/nvector_serial.h>", "#include <sunmatrix/sunmatrix_dense.h>",
         "#include <sunlinsol/sunlinsol_dense.h>",
         "#define NY %d" % ny, "#define NP %d" % np_, "#define NV %d" % nv, "#define NT %d" % nt,
         "static const double T[NT] = {%s};" % ", ".join(repr(float(x)) for x in times),
         "",
         "/* p[] slots: %s */" % ", ".join("%d=%s" % (i, x.replace("\x00", "")) for i, x in enumerate(ids)),
         "static void init(double *p, double *y) {", "  const double t = 0.0; (void)t;"]
    for x in iorder:
        L.append("  p[%d] = %s; /* %s */" % (index[x], init[x], x.replace("\x00", "")))

    def amount(x, i):
        if x in species and conc_sem(species[x]):
            return "  y[%d] = p[%d] * %s;" % (i, index[x], size_of(species[x]))
        return "  y[%d] = p[%d];" % (i, index[x])

    for i, x in enumerate(state):
        L.append(amount(x, i))
    L += ["}", "", "static void load(double t, const double *y, double *p) {", "  (void)t;"]
    for i, x in direct:
        L.append("  p[%d] = y[%d]; /* %s */" % (index[x], i, x))
    for x in dorder:
        L.append("  p[%d] = %s; /* %s */" % (index[x], derived[x], x.replace("\x00", "")))
    L += ["}", "", "static int rhs(double t, N_Vector yv, N_Vector ydv, void *ud) {",
          "  double *p = ud; const double *y = N_VGetArrayPointer(yv); double *yd = N_VGetArrayPointer(ydv);",
          "  load(t, y, p);"]
    for i, x in enumerate(state):
        L.append("  yd[%d] = %s; /* %s */" % (i, " ".join(rhs[x]) if rhs[x] else "0.0", x))
    L += ["  return 0;", "}", "", "static void outputs(const double *p, double *o) {"]
    for j, e in enumerate(outs):
        L.append("  o[%d] = %s;" % (j, e))
    L += ["}", "",
          "static long nfe_last;",
          "static int solve(SUNContext ctx, double *out) {",
          "  double p[NP]; N_Vector y = N_VNew_Serial(NY, ctx); double *Y = N_VGetArrayPointer(y);",
          "  init(p, Y);",
          "  void *mem = CVodeCreate(CV_BDF, ctx);",
          "  CVodeInit(mem, rhs, 0.0, y);",
          "  CVodeSStolerances(mem, %s, %s);" % (repr(RTOL), repr(atol)),
          "  CVodeSetUserData(mem, p);",
          "  CVodeSetMaxNumSteps(mem, %d);" % MAXSTEPS,
          "  CVodeSetMaxHnilWarns(mem, -1);",
          "  SUNMatrix A = SUNDenseMatrix(NY, NY, ctx); SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);",
          "  CVodeSetLinearSolver(mem, LS, A);",
          "  int ok = 1; double t = 0.0;",
          "  for (int k = 0; k < NT; k++) {",
          "    if (T[k] > t) { if (CVode(mem, T[k], y, &t, CV_NORMAL) < 0) { ok = 0; break; } }",
          "    load(T[k], Y, p); outputs(p, out + k * NV);",
          "  }",
          "  CVodeGetNumRhsEvals(mem, &nfe_last);",
          "  N_VDestroy(y); CVodeFree(&mem); SUNLinSolFree(LS); SUNMatDestroy(A);",
          "  return ok;",
          "}", "",
          "static double now(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);"
          " return ts.tv_sec + 1e-9 * ts.tv_nsec; }", "",
          "int main(int argc, char **argv) {",
          "  double budget = argc > 1 ? atof(argv[1]) : 0.05; int batches = argc > 2 ? atoi(argv[2]) : 5;",
          "  SUNContext ctx; SUNContext_Create(NULL, &ctx);",
          "  static double out[NT * NV > 0 ? NT * NV : 1];",
          "  if (!solve(ctx, out)) { printf(\"FAIL\\n\"); return 1; }",
          "  for (int k = 0; k < NT; k++) { printf(\"%.17g\", T[k]);"
          " for (int j = 0; j < NV; j++) printf(\",%.17g\", out[k * NV + j]); printf(\"\\n\"); }",
          "  double best = INFINITY; long total = 0;",
          "  for (int b = 0; b < batches; b++) {",
          "    long n = 0; double t0 = now(), el;",
          "    do { solve(ctx, out); n++; el = now() - t0; } while (el < budget / batches || n < 2);",
          "    if (el / n < best) best = el / n; total += n;",
          "  }",
          "  printf(\"TIME %.6e %ld %ld\\n\", best, total, nfe_last);",
          "  SUNContext_Free(&ctx);",
          "  return 0;",
          "}"]
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------- driver

LIBS = ["-lsundials_cvode", "-lsundials_nvecserial", "-lsundials_sunmatrixdense", "-lsundials_sunlinsoldense", "-lm"]


def build(cid, suite, work):
    """Translate and compile one case: (cid, exe path or None, settings or reason)."""
    try:
        src, settings = translate(os.path.join(suite, cid), cid)
    except Skip as e:
        return cid, None, "skip: " + str(e)
    except Exception as e:  # libsbml oddities: count as skipped, never crash the run
        return cid, None, "skip: translator error %s" % e
    cfile = os.path.join(work, cid + ".c")
    exe = os.path.join(work, cid)
    with open(cfile, "w") as f:
        f.write(src)
    r = subprocess.run(["nice", "gcc", "-O2", "-o", exe, cfile] + LIBS, capture_output=True, text=True)
    if r.returncode != 0:
        return cid, None, "compile: " + r.stderr.strip().splitlines()[0] if r.stderr.strip() else "compile"
    return cid, exe, settings


def check(cid, suite, settings, lines):
    head, rows = read_results(os.path.join(suite, cid, cid + "-results.csv"))
    col = {h: i for i, h in enumerate(head)}
    if len(rows) != len(lines):
        return "rows %d != %d" % (len(lines), len(rows))
    for k, line in enumerate(lines):
        got = [parse_value(x) for x in line.split(",")]
        for j, v in enumerate(settings["variables"]):
            if v not in col:
                return "no column " + v
            want = rows[k][col[v]]
            if not agree(got[j + 1], want, settings["absolute"], settings["relative"]):
                return "%s at t=%g: %.10g vs expected %.10g" % (v, got[0], got[j + 1], want)
    return None


def case_range(spec):
    if not spec:
        return lambda n: True
    parts = []
    for p in spec.split(","):
        lo, _, hi = p.partition("-")
        parts.append((int(lo), int(hi or lo)))
    return lambda n: any(lo <= n <= hi for lo, hi in parts)


def run_cvode(suite, work, log, sel):
    """Translates, compiles and checks every selected case; returns the case
    list, skip reasons, excluded cases and {case: (exe, RHS evals)} of the
    cases whose C result agrees with the suite."""
    cases = sorted(d for d in os.listdir(suite)
                   if d.isdigit() and os.path.isdir(os.path.join(suite, d)) and sel(int(d)))
    skips, excluded, good = {}, {}, {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        built = list(pool.map(lambda c: build(c, suite, work), cases))
    for cid, exe, info in built:
        if exe is None:
            reason = info.split(":")[0] if info.startswith("compile") else " ".join(info[len("skip: "):].split(" ")[:2])
            skips.setdefault(reason, []).append(cid)
            print("%s\t%s" % (cid, info), file=log)
            continue
        r = subprocess.run([exe, "0", "0"], capture_output=True, text=True, timeout=600)
        out = r.stdout.strip().splitlines()
        if r.returncode != 0 or not out or not out[-1].startswith("TIME"):
            excluded[cid] = "CVODE failed"
        else:
            bad = check(cid, suite, info, out[:-1])
            if bad:
                excluded[cid] = bad
            else:
                good[cid] = (exe, int(out[-1].split()[3]))
        if cid in excluded:
            print("%s\texcluded: %s" % (cid, excluded[cid]), file=log)
    return cases, skips, excluded, good


def time_cvode(good, budget, best):
    """One timing round: each case's C program for budget seconds; keeps the
    smallest per-solve time in best."""
    for cid, (exe, _) in sorted(good.items()):
        r = subprocess.run([exe, repr(budget), "1"], capture_output=True, text=True, timeout=600)
        last = r.stdout.strip().splitlines()[-1].split()
        best[cid] = min(best.get(cid, math.inf), float(last[1]))


def time_holobiont(testbin, pkgdir, env, gofile, best, status):
    """One timing round of BenchmarkSuiteSolve (the compiled test binary)."""
    r = subprocess.run([testbin, "-test.run", "^$", "-test.bench", "^BenchmarkSuiteSolve$", "-test.benchtime", "1x",
                        "-test.timeout", "60m"], cwd=pkgdir, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("holobiont benchmark failed:\n" + r.stdout + r.stderr)
    with open(gofile) as f:
        for line in f:
            c, sec, n, st, nfe = line.rstrip("\n").split("\t")[:5]
            if st != "pass":
                status[c] = st
            elif c not in status:
                best[c] = min(best.get(c, (math.inf, 0)), (float(sec), int(nfe)))


def gomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap.add_argument("--suite", default=os.path.join(root, "..", "shared", "sbml-test-suite", "cases"))
    ap.add_argument("--budget", type=float, default=0.05,
                    help="seconds of timed solves per case and side, split over the rounds")
    ap.add_argument("--rounds", type=int, default=5,
                    help="timing rounds over all cases (C then holobiont in each); per case the fastest round counts")
    ap.add_argument("--out", help="write per-case times (case, CVODE s/solve, holobiont s/solve, CVODE RHS evals, "
                                  "holobiont RHS evals)")
    ap.add_argument("--compare", action="store_true", help="also time holobiont on the same cases")
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument("--cases", help="case numbers to consider, e.g. 1-200 (default all)")
    ap.add_argument("--log", help="write per-case skip/exclusion reasons here")
    a = ap.parse_args()
    suite = os.path.abspath(a.suite)
    log = open(a.log, "w") if a.log else open(os.devnull, "w")
    with tempfile.TemporaryDirectory(prefix="sbml_suite_cvode") as work:
        cases, skips, excluded, good = run_cvode(suite, work, log, case_range(a.cases))
        nskip = sum(len(v) for v in skips.values())
        print("suite cases: %d; outside the pure-ODE subset: %d; C translation excluded (CVODE result disagrees "
              "with the suite or fails): %d; CVODE-checked: %d" % (len(cases), nskip, len(excluded), len(good)))
        print("  skipped by reason: " + ", ".join("%s %d" % (k, len(v)) for k, v in
                                                  sorted(skips.items(), key=lambda kv: -len(kv[1]))))
        if excluded:
            print("  excluded: " + ", ".join(sorted(excluded)))
        sys.stdout.flush()
        ct, gt, gstatus = {}, {}, {}
        per = a.budget / a.rounds
        if a.compare:
            testbin = os.path.join(work, "testsuite.test")
            r = subprocess.run(["go", "test", "-c", "-o", testbin, "./sbmlsuite"], cwd=root,
                               capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit("go test -c failed:\n" + r.stdout + r.stderr)
            listfile = os.path.join(work, "cases.txt")
            gofile = os.path.join(work, "holobiont.tsv")
            with open(listfile, "w") as f:
                f.write("\n".join(sorted(good)) + "\n")
            env = dict(os.environ, HOLOBIONT_SUITE_DIR=suite, HOLOBIONT_SUITE_CASES=listfile,
                       HOLOBIONT_SUITE_TIMES=gofile, HOLOBIONT_SUITE_BUDGET=repr(per), HOLOBIONT_SUITE_BATCHES="1")
        for _ in range(a.rounds):
            time_cvode(good, per, ct)
            if a.compare:
                time_holobiont(testbin, os.path.join(root, "sbml", "testsuite"), env, gofile, gt, gstatus)
        if a.out:
            with open(a.out, "w") as f:
                for cid in sorted(ct):
                    g = gt.get(cid, (math.nan, 0))
                    f.write("%s\t%.6e\t%.6e\t%d\t%d\n" % (cid, ct[cid], g[0], good[cid][1], g[1]))
        if not a.compare:
            print("CVODE per-solve time: median %.1f us, geometric mean %.1f us" %
                  (1e6 * statistics.median(ct.values()), 1e6 * gomean(list(ct.values()))))
            return
        gnfe = {c: v[1] for c, v in gt.items()}
        gt = {c: v[0] for c, v in gt.items()}
        both = [c for c in sorted(ct) if c in gt and c not in gstatus]
        notpass = [c for c in sorted(ct) if c not in both]
        for c in notpass:
            print("%s\tholobiont: %s" % (c, gstatus.get(c, "not timed")), file=log)
        ratio = {c: gt[c] / ct[c] for c in both}
        rs = sorted(ratio.values())
        print("cases compared: %d (holobiont not passing or not timed on %d: %s)" %
              (len(both), len(notpass), ", ".join(notpass) or "none"))
        print("per-solve time, holobiont / CVODE: median %.3f, geometric mean %.3f, min %.3f, max %.3f" %
              (statistics.median(rs), gomean(rs), rs[0], rs[-1]))
        print("holobiont no slower (ratio <= 1): %d of %d (%.1f%%)" %
              (sum(x <= 1 for x in rs), len(rs), 100.0 * sum(x <= 1 for x in rs) / len(rs)))
        print("median per-solve time: holobiont %.1f us, CVODE %.1f us; sum over the cases: holobiont %.1f ms, "
              "CVODE %.1f ms" % (1e6 * statistics.median(gt[c] for c in both), 1e6 * statistics.median(ct[c] for c in both),
                                 1e3 * sum(gt[c] for c in both), 1e3 * sum(ct[c] for c in both)))
        for name, sub in (("CVODE < 50 us", [c for c in both if ct[c] < 50e-6]),
                          ("CVODE >= 50 us", [c for c in both if ct[c] >= 50e-6])):
            if sub:
                r = [ratio[c] for c in sub]
                print("  cases with %s: %d, median ratio %.3f, geometric mean %.3f, no slower %.1f%%" %
                      (name, len(sub), statistics.median(r), gomean(r), 100.0 * sum(x <= 1 for x in r) / len(r)))
        print("worst cases:  case  holobiont/CVODE  holobiont us  CVODE us  holobiont RHS evals  CVODE RHS evals "
              "(CVODE's exclude its difference-quotient Jacobian columns)")
        for c in sorted(both, key=lambda c: -ratio[c])[:a.worst]:
            print("  %s  %7.2f  %10.1f  %10.1f  %7d  %7d" % (c, ratio[c], 1e6 * gt[c], 1e6 * ct[c], gnfe[c], good[c][1]))


if __name__ == "__main__":
    main()
