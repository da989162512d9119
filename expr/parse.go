package expr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// SyntaxError is a parse error located at the offending token (1-based line
// and column within the expression source).
type SyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Scope tells the parser which names a model defines. Both fields may be nil.
type Scope struct {
	// IsVar reports whether name is a model variable (state, parameter, input,
	// rule, function argument). Such names shadow the predefined names t,
	// time, pi, e, true, false, inf and nan.
	IsVar func(name string) bool
	// Funcs reports the arity of a model function definition. When Funcs is
	// not nil, a call to a name that is neither a builtin nor a model function
	// is a syntax error ("unknown function"); when nil, such calls are kept as
	// OpCall nodes to be resolved at evaluation or compile time.
	Funcs func(name string) (arity int, ok bool)
}

// maxDepth bounds parser recursion so that hostile input cannot exhaust the
// stack.
const maxDepth = 500

// Parse parses an infix expression (see the package documentation for the
// grammar). Errors are *SyntaxError.
func Parse(src string) (*Node, error) { return ParseScope(src, nil) }

// MustParse is like Parse but panics on error; for expressions fixed in
// source code.
func MustParse(src string) *Node {
	n, err := Parse(src)
	if err != nil {
		panic(err)
	}
	return n
}

// ParseScope parses like Parse, resolving predefined names and function
// calls against sc (which may be nil).
func ParseScope(src string, sc *Scope) (*Node, error) {
	p := &parser{src: src, line: 1, col: 1}
	if sc != nil {
		p.scope = *sc
	}
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, p.errf(p.tok, "empty expression")
	}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.errf(p.tok, "unexpected %s after end of expression", p.tok.describe())
	}
	return n, nil
}

type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tIdent
	tOp // text in tok.text
	tLParen
	tRParen
	tComma
)

type token struct {
	kind      tokKind
	text      string
	num       float64
	line, col int
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tNum:
		return fmt.Sprintf("number %s", t.text)
	case tIdent:
		return fmt.Sprintf("identifier %q", t.text)
	}
	return fmt.Sprintf("'%s'", t.text)
}

type parser struct {
	src       string
	off       int
	line, col int
	tok       token
	scope     Scope
	depth     int
}

func (p *parser) errf(t token, format string, args ...any) error {
	return &SyntaxError{Line: t.line, Col: t.col, Msg: fmt.Sprintf(format, args...)}
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

func (p *parser) advance(n int) {
	for i := 0; i < n; i++ {
		if p.src[p.off] == '\n' {
			p.line++
			p.col = 1
		} else {
			p.col++
		}
		p.off++
	}
}

// next scans the next token into p.tok.
func (p *parser) next() error {
	p.skipSpace()
	t := token{line: p.line, col: p.col}
	if p.off >= len(p.src) {
		t.kind = tEOF
		p.tok = t
		return nil
	}
	s := p.src[p.off:]
	c := s[0]
	var n int
	var err error
	switch {
	case isDigit(c) || c == '.' && len(s) > 1 && isDigit(s[1]):
		n, err = p.scanNumber(&t, s)
	case isLetter(c):
		n = scanIdent(&t, s)
	case c == '(':
		t.kind, t.text, n = tLParen, "(", 1
	case c == ')':
		t.kind, t.text, n = tRParen, ")", 1
	case c == ',':
		t.kind, t.text, n = tComma, ",", 1
	default:
		n, err = p.scanOp(&t, s)
	}
	if err != nil {
		return err
	}
	p.advance(n)
	p.tok = t
	return nil
}

// skipSpace advances past blanks, tabs and line ends.
func (p *parser) skipSpace() {
	for p.off < len(p.src) {
		c := p.src[p.off]
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return
		}
		p.advance(1)
	}
}

// scanNumber fills t with the number at the start of s (digits, an
// optional fraction, an optional exponent; out-of-range values saturate as
// strconv gives them) and returns its length. A number running into a
// letter or a second '.' is malformed.
func (p *parser) scanNumber(t *token, s string) (int, error) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j >= len(s) || !isDigit(s[j]) {
			return 0, &SyntaxError{Line: t.line, Col: t.col + j, Msg: fmt.Sprintf("malformed number %q: exponent needs digits", s[:j])}
		}
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		i = j
	}
	if i < len(s) && (isLetter(s[i]) || s[i] == '.') {
		return 0, &SyntaxError{Line: t.line, Col: t.col + i, Msg: fmt.Sprintf("malformed number %q", s[:i+1])}
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	if err != nil && !isRangeErr(err) {
		return 0, p.errf(*t, "malformed number %q", s[:i])
	}
	t.kind, t.text, t.num = tNum, s[:i], v
	return i, nil
}

// scanIdent fills t with the identifier at the start of s, dotted parts
// (a.b.c) included, and returns its length.
func scanIdent(t *token, s string) int {
	i := 1
	for {
		for i < len(s) && (isLetter(s[i]) || isDigit(s[i])) {
			i++
		}
		if i+1 < len(s) && s[i] == '.' && isLetter(s[i+1]) {
			i += 2
			continue
		}
		break
	}
	t.kind, t.text = tIdent, s[:i]
	return i
}

// scanOp fills t with the operator at the start of s, two-character ones
// first (** is read as ^), and returns its length; a lone '=', '&' or '|'
// or any other character is an error.
func (p *parser) scanOp(t *token, s string) (int, error) {
	if len(s) >= 2 {
		switch two := s[:2]; two {
		case "<=", ">=", "==", "!=", "&&", "||", "**":
			t.kind, t.text = tOp, two
			if two == "**" {
				t.text = "^"
			}
			return 2, nil
		}
	}
	switch c := s[0]; c {
	case '+', '-', '*', '/', '^', '<', '>', '!':
		t.kind, t.text = tOp, string(c)
		return 1, nil
	case '=':
		return 0, p.errf(*t, "unexpected '=': use '==' for equality")
	case '&', '|':
		return 0, p.errf(*t, "unexpected '%c': use '%c%c'", c, c, c)
	}
	r := []rune(s)[0]
	return 0, p.errf(*t, "unexpected character %q", r)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func (p *parser) isOp(texts ...string) bool {
	if p.tok.kind == tOp {
		for _, s := range texts {
			if p.tok.text == s {
				return true
			}
		}
	}
	if p.tok.kind == tIdent {
		for _, s := range texts {
			if p.tok.text == s {
				return true
			}
		}
	}
	return false
}

func tokPos(t token) Pos { return Pos{Line: t.line, Col: t.col} }

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errf(p.tok, "expression nested too deeply (more than %d levels)", maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// nary parses sub { op sub } building n-ary node op.
func (p *parser) nary(op Op, texts []string, sub func() (*Node, error)) (*Node, error) {
	left, err := sub()
	if err != nil {
		return nil, err
	}
	var acc *Node
	for p.isOp(texts...) {
		t := p.tok
		if err := p.next(); err != nil {
			return nil, err
		}
		right, err := sub()
		if err != nil {
			return nil, err
		}
		if acc == nil {
			acc = &Node{Op: op, Args: []*Node{left, right}, Pos: tokPos(t)}
			left = acc
		} else {
			acc.Args = append(acc.Args, right)
		}
	}
	return left, nil
}

func (p *parser) parseOr() (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.nary(OpOr, []string{"||", "or"}, p.parseAnd)
}

func (p *parser) parseAnd() (*Node, error) {
	return p.nary(OpAnd, []string{"&&", "and"}, p.parseNot)
}

// parseNot parses the keyword form "not", which binds looser than the
// comparisons as in Python: not x > y = not (x > y). The symbol "!" binds as
// tightly as unary minus.
func (p *parser) parseNot() (*Node, error) {
	if p.tok.kind == tIdent && p.tok.text == "not" {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		t := p.tok
		if err := p.next(); err != nil {
			return nil, err
		}
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &Node{Op: OpNot, Args: []*Node{x}, Pos: tokPos(t)}, nil
	}
	return p.parseCmp()
}

var cmpOps = map[string]Op{"<": OpLt, "<=": OpLe, ">": OpGt, ">=": OpGe, "==": OpEq, "!=": OpNe}

func (p *parser) parseCmp() (*Node, error) {
	left, err := p.parseAdd()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tOp {
		op, ok := cmpOps[p.tok.text]
		if !ok {
			break
		}
		t := p.tok
		if err := p.next(); err != nil {
			return nil, err
		}
		right, err := p.parseAdd()
		if err != nil {
			return nil, err
		}
		left = &Node{Op: op, Args: []*Node{left, right}, Pos: tokPos(t)}
	}
	return left, nil
}

// parseBin parses the additive (lo="+", op n-ary, binop "-") or
// multiplicative level.
func (p *parser) parseBin(nop Op, ntext string, bop Op, btext string, sub func() (*Node, error)) (*Node, error) {
	left, err := sub()
	if err != nil {
		return nil, err
	}
	var acc *Node
	for p.tok.kind == tOp && (p.tok.text == ntext || p.tok.text == btext) {
		t := p.tok
		if err := p.next(); err != nil {
			return nil, err
		}
		right, err := sub()
		if err != nil {
			return nil, err
		}
		if t.text == ntext {
			if acc != nil {
				acc.Args = append(acc.Args, right)
				continue
			}
			acc = &Node{Op: nop, Args: []*Node{left, right}, Pos: tokPos(t)}
			left = acc
			continue
		}
		acc = nil
		left = &Node{Op: bop, Args: []*Node{left, right}, Pos: tokPos(t)}
	}
	return left, nil
}

func (p *parser) parseAdd() (*Node, error) {
	return p.parseBin(OpAdd, "+", OpSub, "-", p.parseMul)
}

func (p *parser) parseMul() (*Node, error) {
	return p.parseBin(OpMul, "*", OpDiv, "/", p.parseUnary)
}

func (p *parser) parseUnary() (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.tok
	switch {
	case p.tok.kind == tOp && p.tok.text == "-":
		if err := p.next(); err != nil {
			return nil, err
		}
		isInf := p.tok.kind == tIdent && p.tok.text == "inf" && !p.isVar("inf")
		if p.tok.kind == tNum || isInf {
			// Fold "-number" (and "-inf") into a negative literal unless
			// the number is raised to a power (-2^2 = -(2^2)).
			num := p.tok
			if isInf {
				num.num = math.Inf(1)
			}
			save := *p
			if err := p.next(); err != nil {
				return nil, err
			}
			if !(p.tok.kind == tOp && p.tok.text == "^" || p.tok.kind == tLParen) {
				return &Node{Op: OpNum, Value: -num.num, Pos: tokPos(t)}, nil
			}
			*p = save
		}
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &Node{Op: OpNeg, Args: []*Node{x}, Pos: tokPos(t)}, nil
	case p.tok.kind == tOp && p.tok.text == "+":
		if err := p.next(); err != nil {
			return nil, err
		}
		return p.parseUnary()
	case p.tok.kind == tOp && p.tok.text == "!":
		if err := p.next(); err != nil {
			return nil, err
		}
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &Node{Op: OpNot, Args: []*Node{x}, Pos: tokPos(t)}, nil
	}
	return p.parsePow()
}

func (p *parser) parsePow() (*Node, error) {
	base, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tOp && p.tok.text == "^" {
		t := p.tok
		if err := p.next(); err != nil {
			return nil, err
		}
		ex, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &Node{Op: OpPow, Args: []*Node{base, ex}, Pos: tokPos(t)}, nil
	}
	return base, nil
}

// predefined names that a scope may shadow.
var predefined = map[string]float64{
	"true":  1,
	"false": 0,
	"pi":    math.Pi,
	"e":     math.E,
	"inf":   math.Inf(1),
	"nan":   math.NaN(),
	// MathML constant names
	"exponentiale": math.E,
	"infinity":     math.Inf(1),
	"notanumber":   math.NaN(),
}

// keywords can never be identifiers.
var keywords = map[string]bool{"and": true, "or": true, "not": true}

func (p *parser) isVar(name string) bool {
	return p.scope.IsVar != nil && p.scope.IsVar(name)
}

func (p *parser) parsePrimary() (*Node, error) {
	t := p.tok
	switch t.kind {
	case tNum:
		if err := p.next(); err != nil {
			return nil, err
		}
		return &Node{Op: OpNum, Value: t.num, Pos: tokPos(t)}, nil
	case tLParen:
		if err := p.next(); err != nil {
			return nil, err
		}
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			return nil, p.errf(p.tok, "expected ')' to close '(' at %d:%d, found %s", t.line, t.col, p.tok.describe())
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		return n, nil
	case tIdent:
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind == tLParen {
			return p.parseCall(t)
		}
		name := t.text
		if keywords[name] {
			return nil, p.errf(t, "unexpected keyword %q", name)
		}
		if !p.isVar(name) {
			if name == "t" || name == "time" {
				return &Node{Op: OpTime, Pos: tokPos(t)}, nil
			}
			if v, ok := predefined[name]; ok {
				return &Node{Op: OpNum, Value: v, Pos: tokPos(t)}, nil
			}
		}
		return &Node{Op: OpVar, Name: name, Pos: tokPos(t)}, nil
	case tEOF:
		return nil, p.errf(t, "unexpected end of expression: expected a number, identifier or '('")
	}
	return nil, p.errf(t, "unexpected %s: expected a number, identifier or '('", t.describe())
}

func (p *parser) parseCall(name token) (*Node, error) {
	open := p.tok
	if err := p.next(); err != nil {
		return nil, err
	}
	var args []*Node
	if p.tok.kind != tRParen {
		for {
			a, err := p.parseOr()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if p.tok.kind == tComma {
				if err := p.next(); err != nil {
					return nil, err
				}
				continue
			}
			if p.tok.kind != tRParen {
				return nil, p.errf(p.tok, "expected ',' or ')' in call of %s opened at %d:%d, found %s", name.text, open.line, open.col, p.tok.describe())
			}
			break
		}
	}
	if err := p.next(); err != nil {
		return nil, err
	}
	return p.makeCall(name, args)
}

func (p *parser) makeCall(t token, args []*Node) (*Node, error) {
	name := t.text
	at := tokPos(t)
	if p.scope.Funcs != nil {
		if ar, ok := p.scope.Funcs(name); ok {
			if ar != len(args) {
				return nil, p.errf(t, "function %s takes %d argument%s, got %d", name, ar, plural(ar), len(args))
			}
			return &Node{Op: OpCall, Name: name, Args: args, Pos: at}, nil
		}
	}
	if p.isVar(name) {
		return nil, p.errf(t, "%s is a variable, not a function", name)
	}
	want := func(n int) error {
		if len(args) != n {
			return p.errf(t, "function %s takes %d argument%s, got %d", name, n, plural(n), len(args))
		}
		return nil
	}
	if op, ok := callOps[name]; ok {
		return &Node{Op: op, Args: args, Pos: at}, nil
	}
	switch name {
	case "and":
		return &Node{Op: OpAnd, Args: args, Pos: at}, nil
	case "or":
		return &Node{Op: OpOr, Args: args, Pos: at}, nil
	case "piecewise":
		return &Node{Op: OpPiecewise, Args: args, Pos: at}, nil
	case "if":
		if err := want(3); err != nil {
			return nil, err
		}
		return &Node{Op: OpPiecewise, Args: []*Node{args[1], args[0], args[2]}, Pos: at}, nil
	case "implies":
		if err := want(2); err != nil {
			return nil, err
		}
		return &Node{Op: OpOr, Args: []*Node{{Op: OpNot, Args: args[:1], Pos: at}, args[1]}, Pos: at}, nil
	case "pow", "power":
		if err := want(2); err != nil {
			return nil, err
		}
		return &Node{Op: OpPow, Args: args, Pos: at}, nil
	case "log":
		if len(args) == 1 {
			return &Node{Op: OpCall, Name: "ln", Args: args, Pos: at}, nil
		}
		if len(args) != 2 {
			return nil, p.errf(t, "function log takes 1 argument (natural log) or 2 (base, x), got %d", len(args))
		}
	}
	if c, ok := aliases[name]; ok {
		name = c
	}
	if b, ok := builtins[name]; ok {
		if len(args) < b.min || b.max >= 0 && len(args) > b.max {
			switch {
			case b.min == b.max:
				return nil, p.errf(t, "function %s takes %d argument%s, got %d", name, b.min, plural(b.min), len(args))
			default:
				return nil, p.errf(t, "function %s takes at least %d argument%s, got %d", name, b.min, plural(b.min), len(args))
			}
		}
		return &Node{Op: OpCall, Name: name, Args: args, Pos: at}, nil
	}
	if p.scope.Funcs != nil {
		return nil, p.errf(t, "unknown function %q", name)
	}
	return &Node{Op: OpCall, Name: name, Args: args, Pos: at}, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// isIdent reports whether s is a valid infix identifier.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || !isLetter(part[0]) {
			return false
		}
		for i := 1; i < len(part); i++ {
			if !isLetter(part[i]) && !isDigit(part[i]) {
				return false
			}
		}
	}
	return true
}
