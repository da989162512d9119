package da

import (
	"fmt"
	"strings"
	"unicode"
)

// Formula is a parsed model formula such as "~ group + age + time:group".
type Formula struct {
	Terms     []FormulaTerm
	Intercept bool // false after "- 1" or "0 +"
}

// FormulaTerm is one term: a single variable, or an interaction (a:b) of
// several.
type FormulaTerm struct {
	Vars []string
}

// Name is the term as written in R ("a", "a:b").
func (t FormulaTerm) Name() string { return strings.Join(t.Vars, ":") }

// Vars returns the distinct variables of f in order of first use.
func (f *Formula) Vars() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range f.Terms {
		for _, v := range t.Vars {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// String writes the formula back in R syntax.
func (f *Formula) String() string {
	var parts []string
	for _, t := range f.Terms {
		parts = append(parts, t.Name())
	}
	s := "~ " + strings.Join(parts, " + ")
	if !f.Intercept {
		s += " - 1"
	}
	return s
}

// FormulaError is a syntax error at a 1-based column of the formula.
type FormulaError struct {
	Formula string
	Col     int
	Msg     string
}

func (e *FormulaError) Error() string {
	return fmt.Sprintf("formula %q, column %d: %s", e.Formula, e.Col, e.Msg)
}

type token struct {
	kind byte // 'n' name, '1', '0', or one of "+-:*~()"
	text string
	col  int
}

// ParseFormula parses a one-sided R model formula: an optional leading "~",
// terms joined by "+", interactions with ":" and crossing with "*"
// (a*b = a + b + a:b), "- 1" or "0 +" to drop the intercept and "+ 1" to
// keep it. A variable is a run of letters, digits, '_', '.' and '-' (a
// hyphen inside a name, as in body-site, belongs to the name) or any text
// in backquotes. Repeated terms count once; a:b and b:a are the same term.
func ParseFormula(s string) (*Formula, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{src: s, toks: toks}
	return p.parse()
}

func lex(s string) ([]token, error) {
	var toks []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		c := rs[i]
		col := i + 1
		switch {
		case unicode.IsSpace(c):
			i++
		case strings.ContainsRune("+-:*~()", c):
			toks = append(toks, token{kind: byte(c), text: string(c), col: col})
			i++
		case c == '`':
			j := i + 1
			for j < len(rs) && rs[j] != '`' {
				j++
			}
			if j == len(rs) {
				return nil, &FormulaError{s, col, "unterminated backquote"}
			}
			name := string(rs[i+1 : j])
			if strings.TrimSpace(name) == "" {
				return nil, &FormulaError{s, col, "empty name in backquotes"}
			}
			toks = append(toks, token{kind: 'n', text: name, col: col})
			i = j + 1
		case isNameRune(c):
			j := i
			for j < len(rs) && (isNameRune(rs[j]) || rs[j] == '-' && j > i && j+1 < len(rs) && isNameRune(rs[j+1])) {
				j++
			}
			name := string(rs[i:j])
			kind := byte('n')
			switch name {
			case "1":
				kind = '1'
			case "0":
				kind = '0'
			}
			toks = append(toks, token{kind: kind, text: name, col: col})
			i = j
		default:
			return nil, &FormulaError{s, col, fmt.Sprintf("unexpected character %q (names are letters, digits, _ . and -; quote others in backquotes)", c)}
		}
	}
	return toks, nil
}

func isNameRune(c rune) bool {
	return unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_' || c == '.'
}

type parser struct {
	src  string
	toks []token
	pos  int
}

func (p *parser) peek() *token {
	if p.pos < len(p.toks) {
		return &p.toks[p.pos]
	}
	return nil
}

func (p *parser) errAt(t *token, msg string) error {
	col := len([]rune(p.src)) + 1
	if t != nil {
		col = t.col
	}
	return &FormulaError{p.src, col, msg}
}

func (p *parser) parse() (*Formula, error) {
	f := &Formula{Intercept: true}
	if t := p.peek(); t != nil && t.kind == '~' {
		p.pos++
	}
	if p.peek() == nil {
		return nil, p.errAt(nil, "no terms (write e.g. \"~ group + age\")")
	}
	seen := map[string]bool{}
	add := func(vars []string) {
		key := canonical(vars)
		if !seen[key] {
			seen[key] = true
			f.Terms = append(f.Terms, FormulaTerm{Vars: vars})
		}
	}
	sign := byte('+')
	first := true
	for {
		t := p.peek()
		if !first {
			if t == nil {
				break
			}
			if t.kind != '+' && t.kind != '-' {
				return nil, p.errAt(t, fmt.Sprintf("expected + or - before %q", t.text))
			}
			sign = t.kind
			p.pos++
			t = p.peek()
		} else if t != nil && t.kind == '-' {
			sign = '-'
			p.pos++
			t = p.peek()
		}
		first = false
		if t == nil {
			return nil, p.errAt(nil, "formula ends after an operator")
		}
		switch t.kind {
		case '1', '0':
			p.pos++
			keep := (t.kind == '1') == (sign == '+')
			f.Intercept = keep
			continue
		}
		if sign == '-' {
			return nil, p.errAt(t, "only \"- 1\" (drop the intercept) may follow a minus")
		}
		terms, err := p.product()
		if err != nil {
			return nil, err
		}
		for _, vs := range terms {
			add(vs)
		}
	}
	if len(f.Terms) == 0 && !f.Intercept {
		return nil, p.errAt(nil, "the formula has no terms and no intercept")
	}
	return f, nil
}

// product parses a*b:c*... into its expanded list of terms.
func (p *parser) product() ([][]string, error) {
	terms, err := p.interaction()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t == nil || t.kind != '*' {
			return terms, nil
		}
		p.pos++
		rhs, err := p.interaction()
		if err != nil {
			return nil, err
		}
		out := append([][]string(nil), terms...)
		out = append(out, rhs...)
		for _, a := range terms {
			for _, b := range rhs {
				out = append(out, mergeVars(a, b))
			}
		}
		terms = out
	}
}

// interaction parses a:b:c (or a parenthesised sum) into terms.
func (p *parser) interaction() ([][]string, error) {
	terms, err := p.atom()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t == nil || t.kind != ':' {
			return terms, nil
		}
		p.pos++
		rhs, err := p.atom()
		if err != nil {
			return nil, err
		}
		var out [][]string
		for _, a := range terms {
			for _, b := range rhs {
				out = append(out, mergeVars(a, b))
			}
		}
		terms = out
	}
}

func (p *parser) atom() ([][]string, error) {
	t := p.peek()
	if t == nil {
		return nil, p.errAt(nil, "formula ends where a variable was expected")
	}
	switch t.kind {
	case 'n':
		p.pos++
		return [][]string{{t.text}}, nil
	case '(':
		p.pos++
		var terms [][]string
		for {
			sub, err := p.product()
			if err != nil {
				return nil, err
			}
			terms = append(terms, sub...)
			n := p.peek()
			if n == nil {
				return nil, p.errAt(t, "unclosed parenthesis")
			}
			if n.kind == ')' {
				p.pos++
				return terms, nil
			}
			if n.kind != '+' {
				return nil, p.errAt(n, fmt.Sprintf("expected + or ) before %q", n.text))
			}
			p.pos++
		}
	case '1', '0':
		return nil, p.errAt(t, fmt.Sprintf("%q cannot be part of an interaction", t.text))
	}
	return nil, p.errAt(t, fmt.Sprintf("expected a variable, found %q", t.text))
}

// mergeVars joins two variable lists, dropping repeats (a:a = a).
func mergeVars(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, v := range b {
		dup := false
		for _, w := range out {
			if w == v {
				dup = true
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

func canonical(vars []string) string {
	s := append([]string(nil), vars...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return strings.Join(s, "\x00")
}
