// Command lockstepgen writes structure-of-arrays ("lock-step") variants of
// one generated scalar kernel of package system/kernels, for measuring
// what evaluating B subjects at once would gain (issue 13, lock-step
// subjects):
//
//	go run ./scripts/lockstepgen -src system/kernels/kernels_gen.go \
//	    -func k098276d3eb6e5176 -b 1,4,8,16 -pkg system_test -out system/lockstep_gen_test.go
//
// The scalar kernel is func(env []float64), straight-line code as
// expr.Tape.GoFunc writes it. Each variant takes env [][B]float64 (slot-
// major: env[slot][subject]) and computes for every subject what the
// scalar kernel computes on that subject's env, with the same operations
// in the same order, so bit for bit. Three forms per B:
//
//   - fused: the whole straight-line body inside one loop over the
//     subjects (each subject's locals stay scalar);
//   - loops: every top-level statement its own loop over the subjects,
//     each local an array of B values (the form a vectorising compiler
//     wants; Go does not vectorise it, so this measures plain loops);
//   - scratch: as loops, the locals rows of a scratch buffer the caller
//     passes (Go zeroes the arrays of loops on every call).
//
// The output also holds a table lockstepCases of every variant with
// helpers that pack B scalar environments into the variant's layout and
// unpack them again, for the tests and benchmarks beside it. The transform
// relies on gofmt'ed GoFunc output (top-level statements start at one tab;
// case and default clauses of a top-level switch, and its closing brace,
// continue the statement).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"regexp"
	"strconv"
	"strings"
)

func main() {
	src := flag.String("src", "system/kernels/kernels_gen.go", "generated kernels file")
	fn := flag.String("func", "", "scalar kernel name")
	bs := flag.String("b", "1,4,8,16", "batch sizes, comma-separated")
	pkg := flag.String("pkg", "system_test", "package of the output")
	out := flag.String("out", "", "output file")
	flag.Parse()
	if err := run(*src, *fn, *bs, *pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "lockstepgen:", err)
		os.Exit(1)
	}
}

func run(src, fn, bs, pkg, out string) error {
	text, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	k, err := parseKernel(string(text), fn)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	var sizes []int
	for f := range strings.SplitSeq(bs, ",") {
		b, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || b < 1 {
			return fmt.Errorf("-b: bad batch size %q", f)
		}
		sizes = append(sizes, b)
	}
	code, err := generate(k, pkg, sizes)
	if err != nil {
		return err
	}
	if out == "" {
		_, err = os.Stdout.Write(code)
		return err
	}
	// write beside out and rename, so a failure leaves no half-written file
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, code, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, out)
}

// kernel is a scalar kernel split into its parts.
type kernel struct {
	name   string
	model  string   // the model file the kernel was generated from
	bound  string   // the bounds hint "_ = env[N]", or ""
	consts []string // "kN := float64(...)" lines
	stmts  [][]string
	locals map[string]int // names declared by top-level statements (not consts), numbered
}

var (
	defRe   = regexp.MustCompile(`^\t(\w+) := `)
	varRe   = regexp.MustCompile(`^\tvar (\w+) float64$`)
	constRe = regexp.MustCompile(`^\tk\d+ := `)
	envRe   = regexp.MustCompile(`env\[(\d+)\]`)
	identRe = regexp.MustCompile(`\b[A-Za-z_]\w*\b`)
)

// parseKernel finds func fn(env []float64) in text and splits its body
// into top-level statements.
func parseKernel(text, fn string) (*kernel, error) {
	head := "func " + fn + "(env []float64) {\n"
	i := strings.Index(text, head)
	if fn == "" || i < 0 {
		return nil, fmt.Errorf("no func %s(env []float64)", fn)
	}
	rest := text[i+len(head):]
	j := strings.Index(rest, "\n}\n")
	if j < 0 {
		return nil, fmt.Errorf("func %s: no end", fn)
	}
	k := &kernel{name: fn, locals: map[string]int{}}
	if m := regexp.MustCompile(`// ` + regexp.QuoteMeta(fn) + `: right-hand side of (\S+) \(`).FindStringSubmatch(text[:i]); m != nil {
		k.model = m[1]
	}
	if k.model == "" {
		return nil, fmt.Errorf("func %s: not the right-hand side of a model (no comment naming it so)", fn)
	}
	for line := range strings.SplitSeq(rest[:j], "\n") {
		switch {
		case strings.HasPrefix(line, "\t_ = env["):
			k.bound = line
		case constRe.MatchString(line):
			k.consts = append(k.consts, line)
		case startsStmt(line):
			k.stmts = append(k.stmts, []string{line})
			m := defRe.FindStringSubmatch(line)
			if m == nil {
				m = varRe.FindStringSubmatch(line)
			}
			if m != nil {
				k.locals[m[1]] = len(k.locals)
			}
		case len(k.stmts) == 0:
			return nil, fmt.Errorf("func %s: unexpected line %q", fn, line)
		default:
			k.stmts[len(k.stmts)-1] = append(k.stmts[len(k.stmts)-1], line)
		}
	}
	return k, nil
}

// startsStmt reports whether a gofmt'ed body line starts a top-level
// statement.
func startsStmt(line string) bool {
	if len(line) < 2 || line[0] != '\t' || line[1] == '\t' || line[1] == '}' {
		return false
	}
	return !strings.HasPrefix(line, "\tcase ") && !strings.HasPrefix(line, "\tdefault:")
}

// rewrite indexes env reads and writes by subject s and the top-level
// locals as form has them: scalars (fused), arrays of B values (loops) or
// rows of the caller's scratch tmp (scratch).
func (k *kernel) rewrite(line, form string) string {
	line = envRe.ReplaceAllString(line, "env[$1][s]")
	if form == "fused" {
		return line
	}
	return identRe.ReplaceAllStringFunc(line, func(id string) string {
		i, ok := k.locals[id]
		switch {
		case !ok:
			return id
		case form == "scratch":
			return fmt.Sprintf("tmp[%d][s]", i)
		}
		return id + "[s]"
	})
}

func (k *kernel) fused(w *bytes.Buffer, b int) {
	fmt.Fprintf(w, "func %sFused%d(env [][%d]float64) {\n", k.name, b, b)
	k.prologue(w)
	fmt.Fprintf(w, "\tfor s := range %d {\n", b)
	for _, st := range k.stmts {
		for _, l := range st {
			w.WriteString("\t" + k.rewrite(l, "fused") + "\n")
		}
	}
	w.WriteString("\t}\n}\n\n")
}

// loops writes the form with a loop over the subjects per top-level
// statement, its locals arrays on the stack (form "loops": Go zeroes each
// array it declares) or rows of the caller's scratch (form "scratch":
// nothing zeroed).
func (k *kernel) loops(w *bytes.Buffer, b int, form string) {
	if form == "scratch" {
		fmt.Fprintf(w, "func %sScratch%d(env, tmp [][%d]float64) {\n\t_ = tmp[%d]\n", k.name, b, b, len(k.locals)-1)
	} else {
		fmt.Fprintf(w, "func %sLoops%d(env [][%d]float64) {\n", k.name, b, b)
	}
	k.prologue(w)
	for _, st := range k.stmts {
		if m := varRe.FindStringSubmatch(st[0]); m != nil && len(st) == 1 {
			if form == "loops" {
				fmt.Fprintf(w, "\tvar %s [%d]float64\n", m[1], b)
			}
			continue
		}
		first := st[0]
		if m := defRe.FindStringSubmatch(first); m != nil {
			if form == "loops" {
				fmt.Fprintf(w, "\tvar %s [%d]float64\n", m[1], b)
			}
			first = "\t" + m[1] + " = " + first[len(m[0]):]
		}
		fmt.Fprintf(w, "\tfor s := range %d {\n", b)
		w.WriteString("\t" + k.rewrite(first, form) + "\n")
		for _, l := range st[1:] {
			w.WriteString("\t" + k.rewrite(l, form) + "\n")
		}
		w.WriteString("\t}\n")
	}
	w.WriteString("}\n\n")
}

func (k *kernel) prologue(w *bytes.Buffer) {
	if k.bound != "" {
		w.WriteString(k.bound + "\n")
	}
	for _, c := range k.consts {
		w.WriteString(c + "\n")
	}
}

// generate writes the variants, their pack/unpack helpers and the table
// lockstepCases.
func generate(k *kernel, pkg string, sizes []int) ([]byte, error) {
	var w bytes.Buffer
	fmt.Fprintf(&w, "// Code generated by go run ./scripts/lockstepgen -func %s; DO NOT EDIT.\n\n", k.name)
	fmt.Fprintf(&w, "package %s\n\nimport (\n\t\"math\"\n\n\t\"github.com/holobiont/holobiont/internal/fmath\"\n)\n\n", pkg)
	w.WriteString("var _ = math.NaN // not every kernel calls package math\n\n")
	fmt.Fprintf(&w, "// lockstepModel is the shipped model (under models/) whose RHS kernel\n// %s the variants below transform; lockstepFingerprint begins the\n// fingerprint of its tape.\n", k.name)
	fmt.Fprintf(&w, "const (\n\tlockstepModel = %q\n\tlockstepFingerprint = %q\n)\n\n", k.model, k.name[1:])
	for _, b := range sizes {
		k.fused(&w, b)
		k.loops(&w, b, "loops")
		k.loops(&w, b, "scratch")
	}
	w.WriteString("// lockstepCases are the structure-of-arrays variants of " + k.name + ".\n")
	w.WriteString("var lockstepCases = []lockstepCase{\n")
	for _, b := range sizes {
		for _, form := range []string{"fused", "loops", "scratch"} {
			f := fmt.Sprintf("%s%s%d", k.name, strings.ToUpper(form[:1])+form[1:], b)
			call := "return func() { " + f + "(soa) }"
			if form == "scratch" {
				call = fmt.Sprintf("tmp := make([][%d]float64, %d)\n\treturn func() { %s(soa, tmp) }", b, len(k.locals), f)
			}
			fmt.Fprintf(&w, `{form: %q, nb: %d, prepare: func(envs [][]float64) (func(), func([][]float64)) {
	soa := make([][%d]float64, len(envs[0]))
	for s, e := range envs {
		for i, v := range e {
			soa[i][s] = v
		}
	}
	%s, func(dst [][]float64) {
		for s, e := range dst {
			for i := range e {
				e[i] = soa[i][s]
			}
		}
	}
}},
`, form, b, b, call)
		}
	}
	w.WriteString("}\n")
	src, err := format.Source(w.Bytes())
	if err != nil {
		return nil, fmt.Errorf("generated code does not parse: %w", err)
	}
	return src, nil
}
