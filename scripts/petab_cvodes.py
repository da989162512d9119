#!/usr/bin/python3
"""Peer for the speed of one PEtab objective + gradient evaluation: SUNDIALS CVODES forward sensitivities.

For a PEtab v1 benchmark problem (SBML model, conditions that set model parameters, no pre-equilibration),
this script reads the model with libsbml (Debian python3-sbml5) and writes a C program for CVODES
(libsundials-dev 6.x): the initial values as scripts/sbml_suite_cvode.py translates them, and, as AMICI
does, the right-hand side, its Jacobian and the sensitivity right-hand side J·s_k + ∂f/∂p_k generated
analytically with sympy (python3-sympy; species amounts as states, concentrations = amount / compartment
size, assignment rules and kinetic laws substituted). For every simulation condition of the measurement
table: the condition's parameter values, the initial state, CVODES's BDF with Newton iteration and the dense
direct solver with the analytic Jacobian, and forward sensitivities (CVodeSensInit1 with the staggered
corrector and the analytic sensitivity right-hand side, sensitivity tolerances equal to the state's
(CVodeSensSStolerances, as AMICI sets them), sensitivities in the error test) with respect to every estimated model parameter and every condition
target set to an estimated parameter; initial sensitivities by central differences of the initial values.
The state and its sensitivities are read at every measurement time. Tolerances: rtol 1e-8, atol 1e-12
(holobiont's defaults for PEtab problems).

What it times is the simulation with sensitivities of every condition: the part of an objective +
gradient evaluation that costs (evaluating the observables and the likelihood is microseconds).

Usage:
  scripts/petab_cvodes.py PROBLEM.yaml --out prog      # writes prog.c and compiles prog
  ./prog N [sens|sens-noerrcon|nosens]                  # N evaluations; prints seconds per evaluation
  scripts/petab_cvodes.py PROBLEM.yaml --out prog --llh [--parameters P.tsv] [--rtol R --atol A]
      # the log-likelihood and chi2 (JSON) at the nominal values or at P.tsv's (parameterId, nominalValue; as
      # holobiont calibrate writes parameters_best.tsv): an independent check of a fitted llh (./prog 1 states
      # prints the states at the measurement times; the observables, noise and likelihood, normal or Laplace
      # on lin/log/log10 scale, are evaluated here with sympy from the PEtab tables)

Modes: sens (default) includes the sensitivities in the local error test, as holobiont does; sens-noerrcon
leaves them out (CVodeSetSensErrCon false: cheaper, the sensitivities then have no error control of their
own); nosens integrates the states only.

Side by side with holobiont (go run ./scripts/petab_bench_gradient PROBLEM.yaml N), for example with
hyperfine: hyperfine -w 1 -r 5 './prog 20' './petab_bench_gradient PROBLEM.yaml 20'.
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys

import libsbml
import sympy as sp
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sbml_suite_cvode as sc  # noqa: E402

RTOL, ATOL, MAXSTEPS = 1e-8, 1e-12, 200000


def read_tsv(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def load_problem(path):
    with open(path) as f:
        y = yaml.safe_load(f)
    if str(y.get("format_version")) not in ("1", "1.0.0"):
        sys.exit("only PEtab v1 problems")
    d = os.path.dirname(os.path.abspath(path))
    p = y["problems"][0]
    pf = y["parameter_file"]
    pf = pf if isinstance(pf, list) else [pf]
    j = lambda l: [os.path.join(d, x) for x in l]
    return (j(p["sbml_files"])[0], sum((read_tsv(x) for x in j(pf)), []), sum((read_tsv(x) for x in j(p["condition_files"])), []),
            sum((read_tsv(x) for x in j(p["measurement_files"])), []))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("problem")
    ap.add_argument("--out", required=True, help="program path (the C source goes to OUT.c)")
    ap.add_argument("--llh", action="store_true", help="run the program and print the log-likelihood and chi2 as JSON")
    ap.add_argument("--parameters", help="parameter values (parameterId, nominalValue, linear scale) replacing the nominal ones")
    ap.add_argument("--rtol", type=float, default=RTOL)
    ap.add_argument("--atol", type=float, default=ATOL)
    a = ap.parse_args()
    model, params, conds, meas = load_problem(a.problem)
    doc = libsbml.readSBMLFromFile(model)
    mp = sc.model_parts(doc)
    index = mp.index
    nominal = {r["parameterId"]: float(r["nominalValue"]) for r in params}
    if a.parameters:
        for r in read_tsv(a.parameters):
            if r["parameterId"] not in nominal:
                sys.exit("%s: parameter %s is not in the problem's parameter table" % (a.parameters, r["parameterId"]))
            nominal[r["parameterId"]] = float(r["nominalValue"])
    estimated = {r["parameterId"] for r in params if r["estimate"].strip() in ("1", "true")}
    if any(m.get("preequilibrationConditionId", "").strip() for m in meas):
        sys.exit("pre-equilibration is not covered by this peer")
    cond = {c["conditionId"]: c for c in conds}
    # simulation conditions in order of first use, with their measurement times
    order, times = [], {}
    for m in meas:
        cid = m["simulationConditionId"]
        if cid not in times:
            order.append(cid)
            times[cid] = set()
        t = float(m["time"])
        if math.isinf(t):
            sys.exit("steady-state measurements are not covered by this peer")
        times[cid].add(t)
    # overrides per condition (model parameters and compartments), and the
    # sensitivity parameters: estimated model parameters and condition
    # targets set to an estimated parameter
    sens = sorted({x for x in estimated if x in mp.params})
    over = {}
    for cid in order:
        ov = {x: nominal[x] for x in nominal if x in mp.params}
        for k, v in cond[cid].items():
            if k in ("conditionId", "conditionName") or v is None or v.strip() == "":
                continue
            if k not in mp.params and k not in mp.comps:
                sys.exit("condition %s sets %s, which is not a parameter or compartment" % (cid, k))
            v = v.strip()
            try:
                val = float(v)
            except ValueError:
                val = nominal[v]
                if v in estimated and k not in sens:
                    sens.append(k)
            if not math.isnan(val):
                ov[k] = val
        over[cid] = ov
    src = c_program(mp, SymModel(doc, mp), order, times, over, sens, a.rtol, a.atol)
    with open(a.out + ".c", "w") as f:
        f.write(src)
    libs = ["-lsundials_cvodes", "-lsundials_nvecserial", "-lsundials_sunmatrixdense", "-lsundials_sunlinsoldense", "-lm"]
    r = subprocess.run(["gcc", "-O2", "-o", a.out, a.out + ".c"] + libs, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(r.stderr)
    if not a.llh:
        print("%s: %d states, %d sensitivity parameters, %d conditions -> %s" % (a.problem, len(mp.state), len(sens), len(order), a.out))
        return
    r = subprocess.run([os.path.abspath(a.out), "1", "states"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("%s: %s" % (a.out, r.stdout + r.stderr))
    states = {}  # (condition index, time) -> {state id: concentration or amount}
    for line in r.stdout.splitlines():
        f = line.split()
        if f[0] == "S":
            states[(int(f[1]), float(f[2]))] = dict(zip(mp.state, map(float, f[3:])))
    print(json.dumps(likelihood(a.problem, nominal, meas, {c: k for k, c in enumerate(order)}, states), indent=2))


def likelihood(problem, values, meas, cindex, states):
    """PEtab v1 log-likelihood and chi2 of the measurements, from the states at their times and the parameter
    values (observable and noise formulas with their placeholders; normal or Laplace noise on lin, log or log10
    scale, the density of the transformed measurement with its Jacobian, as PEtab and AMICI define it)."""
    with open(problem) as f:
        y = yaml.safe_load(f)
    d = os.path.dirname(os.path.abspath(problem))
    obs = {}
    for of in y["problems"][0]["observable_files"]:
        for r in read_tsv(os.path.join(d, of)):
            obs[r["observableId"]] = r
    llh = chi2 = 0.0
    parsed = {}
    for m in meas:
        o = obs[m["observableId"]]
        env = dict(values)
        env.update(states[(cindex[m["simulationConditionId"]], float(m["time"]))])
        for col, pre in (("observableParameters", "observableParameter"), ("noiseParameters", "noiseParameter")):
            vals = [v.strip() for v in (m.get(col) or "").split(";") if v.strip()]
            for i, v in enumerate(vals):
                try:
                    env["%s%d_%s" % (pre, i + 1, o["observableId"])] = float(v)
                except ValueError:
                    env["%s%d_%s" % (pre, i + 1, o["observableId"])] = values[v]
        if o["observableId"] not in parsed:  # each formula parsed once, as a function of its symbols
            fs = [sp.sympify(o[c], locals={k: sp.Symbol(k) for k in env}) for c in ("observableFormula", "noiseFormula")]
            parsed[o["observableId"]] = [(sorted(f.free_symbols, key=str), f) for f in fs]
        h, sigma = (float(f.subs({x: env[str(x)] for x in xs})) for xs, f in parsed[o["observableId"]])
        ym = float(m["measurement"])
        tr = (o.get("observableTransformation") or "lin").strip() or "lin"
        g = {"lin": lambda x: x, "log": math.log, "log10": math.log10}[tr]
        jac = {"lin": 0.0, "log": math.log(ym) if tr == "log" else 0.0,
               "log10": math.log(ym * math.log(10)) if tr == "log10" else 0.0}[tr]
        r = (g(ym) - g(h)) / sigma
        if (o.get("noiseDistribution") or "normal").strip() in ("", "normal"):
            llh -= 0.5 * math.log(2 * math.pi * sigma * sigma) + 0.5 * r * r + jac
            chi2 += r * r
        else:  # laplace
            llh -= math.log(2 * sigma) + abs(r) + jac
            chi2 += r * r
    return {"llh": llh, "chi2": chi2, "measurements": len(meas)}



class SymModel:
    """The model's right-hand side over the state amounts y[i] and the slots p[i] of scripts/sbml_suite_cvode.py,
    as sympy expressions."""

    def __init__(self, doc, mp):
        self.m = doc.getModel()
        self.mp = mp
        self.t = sp.Symbol("t")
        self.y = [sp.Symbol("y[%d]" % i) for i in range(len(mp.state))]
        self.state = {x: i for i, x in enumerate(mp.state)}
        self.rules = {r.getVariable(): r.getMath() for r in self.m.getListOfRules() if r.isAssignment()}
        if any(r.isRate() or r.isAlgebraic() for r in self.m.getListOfRules()):
            raise sc.Skip("rate or algebraic rules")
        self.funcs = {f.getId(): ([f.getArgument(j).getName() for j in range(f.getNumArguments())], f.getBody())
                      for f in self.m.getListOfFunctionDefinitions()}
        self.memo = {}
        if self.m.isSetConversionFactor() or any(x.isSetConversionFactor() for x in self.m.getListOfSpecies()):
            raise sc.Skip("conversion factors")

    def slot(self, x):
        return sp.Symbol("p[%d]" % self.mp.index[x])

    def value(self, x):
        if x in self.memo:
            return self.memo[x]
        mp = self.mp
        if x in self.rules:
            v = self.expr(self.rules[x], {})
        elif x in mp.species and x in self.state:
            sp_ = mp.species[x]
            amt = self.y[self.state[x]]
            v = amt / self.value(sp_.getCompartment()) if mp.conc_sem(sp_) else amt
        else:
            v = self.slot(x)  # parameter, compartment, fixed species: its slot, set by init
        self.memo[x] = v
        return v

    def expr(self, n, local):
        t = n.getType()
        k = [n.getChild(i) for i in range(n.getNumChildren())]
        rec = lambda c: self.expr(c, local)
        if t in (libsbml.AST_INTEGER, libsbml.AST_REAL, libsbml.AST_REAL_E, libsbml.AST_RATIONAL):
            return sp.Float(n.getValue()) if t != libsbml.AST_INTEGER else sp.Integer(n.getInteger())
        if t == libsbml.AST_NAME:
            name = n.getName()
            if name in local:
                return local[name]
            return self.value(name)
        if t == libsbml.AST_NAME_TIME:
            return self.t
        if t == libsbml.AST_PLUS:
            return sp.Add(*map(rec, k))
        if t == libsbml.AST_TIMES:
            return sp.Mul(*map(rec, k))
        if t == libsbml.AST_MINUS:
            return -rec(k[0]) if len(k) == 1 else rec(k[0]) - rec(k[1])
        if t == libsbml.AST_DIVIDE:
            return rec(k[0]) / rec(k[1])
        if t in (libsbml.AST_POWER, libsbml.AST_FUNCTION_POWER):
            return rec(k[0]) ** rec(k[1])
        if t == libsbml.AST_FUNCTION_EXP:
            return sp.exp(rec(k[0]))
        if t == libsbml.AST_FUNCTION_LN:
            return sp.log(rec(k[0]))
        if t == libsbml.AST_FUNCTION_LOG:
            return sp.log(rec(k[0]), 10) if len(k) == 1 else sp.log(rec(k[1]), rec(k[0]))
        if t == libsbml.AST_FUNCTION_ROOT:
            return sp.sqrt(rec(k[0])) if len(k) == 1 else rec(k[1]) ** (1 / rec(k[0]))
        if t == libsbml.AST_FUNCTION_ABS:
            return sp.Abs(rec(k[0]))
        if t == libsbml.AST_FUNCTION_PIECEWISE:
            pieces = [(rec(k[i]), self.cond(k[i + 1], local)) for i in range(0, len(k) - 1, 2)]
            pieces.append((rec(k[-1]) if len(k) % 2 == 1 else sp.nan, True))
            return sp.Piecewise(*pieces)
        if t == libsbml.AST_FUNCTION and n.getName() in self.funcs:
            args, body = self.funcs[n.getName()]
            return self.expr(body, dict(local, **{a: rec(c) for a, c in zip(args, k)}))
        raise sc.Skip("unsupported MathML node %s" % libsbml.formulaToL3String(n))

    def cond(self, n, local):
        t = n.getType()
        k = [n.getChild(i) for i in range(n.getNumChildren())]
        rel = {libsbml.AST_RELATIONAL_LT: sp.Lt, libsbml.AST_RELATIONAL_LEQ: sp.Le, libsbml.AST_RELATIONAL_GT: sp.Gt,
               libsbml.AST_RELATIONAL_GEQ: sp.Ge, libsbml.AST_RELATIONAL_EQ: sp.Eq, libsbml.AST_RELATIONAL_NEQ: sp.Ne}
        if t in rel:
            return rel[t](self.expr(k[0], local), self.expr(k[1], local))
        if t == libsbml.AST_LOGICAL_AND:
            return sp.And(*[self.cond(c, local) for c in k])
        if t == libsbml.AST_LOGICAL_OR:
            return sp.Or(*[self.cond(c, local) for c in k])
        if t == libsbml.AST_LOGICAL_NOT:
            return sp.Not(self.cond(k[0], local))
        return sp.Ne(self.expr(n, local), 0)

    def rhs(self):
        f = [sp.Integer(0)] * len(self.y)
        for r in self.m.getListOfReactions():
            kl = r.getKineticLaw()
            local = {lp.getId(): sp.Float(lp.getValue()) for lp in list(kl.getListOfLocalParameters()) + list(kl.getListOfParameters())}
            rate = self.expr(kl.getMath(), local)
            for sign, lst in ((-1, r.getListOfReactants()), (1, r.getListOfProducts())):
                for sr in lst:
                    x = sr.getSpecies()
                    sp_ = self.mp.species[x]
                    if x not in self.state or sp_.getBoundaryCondition() or sp_.getConstant():
                        continue
                    f[self.state[x]] += sign * sp.Float(sr.getStoichiometry()) * rate
        return f


def c_block(exprs, targets):
    """C statements assigning exprs to targets, common sub-expressions first."""
    reps, red = sp.cse(exprs, symbols=sp.numbered_symbols("w"))
    out = ["  double %s = %s;" % (sp.ccode(a), sp.ccode(b)) for a, b in reps]
    out += ["  %s = %s;" % (tg, sp.ccode(e)) for tg, e in zip(targets, red)]
    return out

def c_program(mp, sm, order, times, over, sens, rtol=RTOL, atol=ATOL):
    ny, np_ = len(mp.state), len(mp.ids)
    index = mp.index
    L = ["/* Generated by scripts/petab_cvodes.py. */", "#include <stdio.h>", "#include <stdlib.h>", "#include <math.h>",
         "#include <time.h>", "#include <string.h>", "#include <cvodes/cvodes.h>", "#include <nvector/nvector_serial.h>",
         "#include <sunmatrix/sunmatrix_dense.h>", "#include <sunlinsol/sunlinsol_dense.h>",
         "#define NY %d" % ny, "#define NP %d" % np_, "#define NS %d" % len(sens),
         "static const int PLIST[NS > 0 ? NS : 1] = {%s};" % ", ".join(str(index[x]) for x in sens) if sens else "static const int PLIST[1] = {0};",
         "/* init: symbol values in dependency order; ov[i] (not NaN) overrides parameter/compartment i */",
         "static void init(double *p, double *y, const double *ov) {", "  const double t = 0.0; (void)t;"]
    for x in mp.iorder:
        i = index[x]
        e = mp.init[x]
        if x in mp.params or x in mp.comps:
            L.append("  p[%d] = isnan(ov[%d]) ? %s : ov[%d];" % (i, i, e, i))
        else:
            L.append("  p[%d] = %s;" % (i, e))
    for i, x in enumerate(mp.state):
        if x in mp.species and mp.conc_sem(mp.species[x]):
            L.append("  y[%d] = p[%d] * %s;" % (i, index[x], mp.size_of(mp.species[x])))
        else:
            L.append("  y[%d] = p[%d];" % (i, index[x]))
    L += ["}", "/* conc: the states as the model's formulas read them (species with concentration semantics: amount / size) */",
          "static void conc(const double *p, const double *y, double *o) {", "  (void)p;"]
    for i, x in enumerate(mp.state):
        if x in mp.species and mp.conc_sem(mp.species[x]):
            L.append("  o[%d] = y[%d] / (%s);" % (i, i, mp.size_of(mp.species[x])))
        else:
            L.append("  o[%d] = y[%d];" % (i, i))
    f = sm.rhs()
    ny = len(f)
    L += ["}", "static int rhs(double t, N_Vector yv, N_Vector ydv, void *ud) {",
          "  double *p = ud; const double *y = N_VGetArrayPointer(yv); double *yd = N_VGetArrayPointer(ydv); (void)t;"]
    L += c_block(f, ["yd[%d]" % i for i in range(ny)])
    L += ["  return 0;", "}"]
    jac = [[sp.diff(fi, yj) for yj in sm.y] for fi in f]
    nz = [(i, j) for i in range(ny) for j in range(ny) if jac[i][j] != 0]
    L += ["static int jacfn(double t, N_Vector yv, N_Vector fy, SUNMatrix J, void *ud, N_Vector t1, N_Vector t2, N_Vector t3) {",
          "  double *p = ud; const double *y = N_VGetArrayPointer(yv); (void)t; (void)fy; (void)t1; (void)t2; (void)t3;",
          "  SUNMatZero(J);"]
    L += c_block([jac[i][j] for i, j in nz], ["SM_ELEMENT_D(J, %d, %d)" % (i, j) for i, j in nz])
    L += ["  return 0;", "}"]
    # sensitivity right-hand side: ySdot_k = J yS_k + df/dp_k
    dfdp = [[sp.diff(fi, sm.slot(x)) for x in sens] for fi in f]
    L += ["static int sensfn(int Ns, double t, N_Vector yv, N_Vector ydot, N_Vector *yS, N_Vector *ySdot, void *ud, N_Vector t1, N_Vector t2) {",
          "  double *p = ud; const double *y = N_VGetArrayPointer(yv); (void)t; (void)ydot; (void)t1; (void)t2;",
          "  double Jd[%d], Pd[%d];" % (max(1, len(nz)), max(1, ny * len(sens)))]
    pz = [(i, k) for i in range(ny) for k in range(len(sens)) if dfdp[i][k] != 0]
    L += c_block([jac[i][j] for i, j in nz] + [dfdp[i][k] for i, k in pz],
                 ["Jd[%d]" % q for q in range(len(nz))] + ["Pd[%d]" % (i * len(sens) + k) for i, k in pz])
    L += ["  for (int k = 0; k < Ns; k++) {",
          "    const double *s = N_VGetArrayPointer(yS[k]); double *d = N_VGetArrayPointer(ySdot[k]);",
          "    for (int i = 0; i < NY; i++) d[i] = 0.0;"]
    for q, (i, j) in enumerate(nz):
        L.append("    d[%d] += Jd[%d] * s[%d];" % (i, q, j))
    for i, k in pz:
        L.append("    if (k == %d) d[%d] += Pd[%d];" % (k, i, i * len(sens) + k))
    L += ["  }", "  return 0;", "}"]
    # conditions
    L.append("#define NC %d" % len(order))
    for k, cid in enumerate(order):
        ts = sorted(times[cid])
        L.append("static const double T%d[] = {%s};" % (k, ", ".join(repr(t) for t in ts)))
        L.append("static void ov%d(double *ov) {" % k)
        L.append("  for (int i = 0; i < NP; i++) ov[i] = NAN;")
        for x, v in sorted(over[cid].items()):
            L.append("  ov[%d] = %s;" % (index[x], sc.cnum(v)))
        L.append("}")
    L.append("static const double *TS[NC] = {%s};" % ", ".join("T%d" % k for k in range(len(order))))
    L.append("static const int NTS[NC] = {%s};" % ", ".join(str(len(times[c])) for c in order))
    L.append("static void (*OV[NC])(double *) = {%s};" % ", ".join("ov%d" % k for k in range(len(order))))
    L += ["""
static long nsteps, nrhs, nsrhs, njac;
static int nosens, errcon = 1, states;
/* simulate condition c with sensitivities; adds the states and sensitivities at the output times to *sum */
static int simulate(SUNContext ctx, int c, double *sum) {
  double p[NP], ov[NP], pbar[NS > 0 ? NS : 1];
  OV[c](ov);
  N_Vector y = N_VNew_Serial(NY, ctx);
  double *Y = N_VGetArrayPointer(y);
  init(p, Y, ov);
  N_Vector *yS = N_VCloneVectorArray(NS > 0 ? NS : 1, y);
  /* initial sensitivities: central differences of the initial values */
  double pp[NP], yp[NY], ym[NY], ovp[NP];
  for (int s = 0; s < NS; s++) {
    int i = PLIST[s];
    double h = 1e-6 * fabs(p[i]); if (h == 0) h = 1e-8;
    for (int k = 0; k < NP; k++) ovp[k] = ov[k];
    ovp[i] = p[i] + h; init(pp, yp, ovp);
    ovp[i] = p[i] - h; init(pp, ym, ovp);
    double *ys = N_VGetArrayPointer(yS[s]);
    for (int k = 0; k < NY; k++) ys[k] = (yp[k] - ym[k]) / (2 * h);
    pbar[s] = p[i] != 0 ? fabs(p[i]) : 1.0;
  }
  void *mem = CVodeCreate(CV_BDF, ctx);
  CVodeInit(mem, rhs, 0.0, y);
  CVodeSStolerances(mem, %r, %r);
  CVodeSetUserData(mem, p);
  CVodeSetMaxNumSteps(mem, %d);
  SUNMatrix A = SUNDenseMatrix(NY, NY, ctx);
  SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);
  CVodeSetLinearSolver(mem, LS, A);
  CVodeSetJacFn(mem, jacfn);
  if (NS > 0 && !nosens) {
    CVodeSensInit(mem, NS, CV_STAGGERED, sensfn, yS);
    CVodeSetSensParams(mem, p, pbar, (int *)PLIST);
    double atolS[NS];
    for (int s = 0; s < NS; s++) atolS[s] = %r;
    CVodeSensSStolerances(mem, %r, atolS);
    CVodeSetSensErrCon(mem, errcon ? SUNTRUE : SUNFALSE);
  }
  int ok = 1; double t = 0.0;
  for (int k = 0; k < NTS[c]; k++) {
    double tk = TS[c][k];
    if (tk > t) {
      if (CVode(mem, tk, y, &t, CV_NORMAL) < 0) { ok = 0; break; }
      if (NS > 0 && !nosens) CVodeGetSens(mem, &t, yS); /* at t0 yS holds the initial sensitivities */
    }
    for (int i = 0; i < NY; i++) *sum += Y[i];
    if (states) { double o[NY]; conc(p, Y, o); printf("S %%d %%.17g", c, tk); for (int i = 0; i < NY; i++) printf(" %%.17g", o[i]); printf("\\n"); }
    for (int s = 0; s < NS; s++) { double *ys = N_VGetArrayPointer(yS[s]); for (int i = 0; i < NY; i++) *sum += ys[i]; }
  }
  long ns = 0, nfe = 0, nfs = 0, nje = 0; CVodeGetNumSteps(mem, &ns); nsteps += ns;
  CVodeGetNumRhsEvals(mem, &nfe); nrhs += nfe; CVodeGetNumJacEvals(mem, &nje); njac += nje;
  if (NS > 0 && !nosens) { CVodeGetSensNumRhsEvals(mem, &nfs); nsrhs += nfs; }
  N_VDestroyVectorArray(yS, NS > 0 ? NS : 1); N_VDestroy(y); CVodeFree(&mem); SUNLinSolFree(LS); SUNMatDestroy(A);
  return ok;
}

static double now(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec + 1e-9 * ts.tv_nsec; }

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  const char *mode = argc > 2 ? argv[2] : "sens";
  states = strcmp(mode, "states") == 0;
  nosens = mode[0] == 'n' || states;
  errcon = strcmp(mode, "sens-noerrcon") != 0;
  SUNContext ctx; SUNContext_Create(NULL, &ctx);
  double sum = 0, t0 = now();
  for (int r = 0; r < n; r++) {
    nsteps = nrhs = nsrhs = njac = 0;
    for (int c = 0; c < NC; c++) if (!simulate(ctx, c, &sum)) { printf("FAIL condition %%d\\n", c); return 1; }
  }
  double el = now() - t0;
  if (states) { SUNContext_Free(&ctx); return 0; }
  printf("%%d evaluations, %%.6e s each, %%ld steps, %%ld RHS, %%ld sensitivity RHS, %%ld Jacobians per evaluation, checksum %%.10g\\n", n, el / n, nsteps, nrhs, nsrhs, njac, sum / n);
  SUNContext_Free(&ctx);
  return 0;
}
""" % (rtol, atol, MAXSTEPS, atol, rtol)]
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    main()
