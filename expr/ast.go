package expr

// Op is the kind of an expression node.
type Op uint8

// Node kinds. Arithmetic, relational and logical operators, calls and
// piecewise share one tree so that the YAML infix front end and the SBML
// MathML front end produce the same AST.
const (
	OpInvalid Op = iota
	OpNum        // numeric literal: Value
	OpVar        // identifier (state, parameter, input, rule, or bound function argument): Name
	OpTime       // simulation time (infix "t" or "time" when not shadowed; MathML csymbol time)
	OpNeg        // -Args[0]
	OpAdd        // Args[0] + Args[1] + ... (n-ary)
	OpSub        // Args[0] - Args[1]
	OpMul        // Args[0] * Args[1] * ... (n-ary)
	OpDiv        // Args[0] / Args[1]
	OpPow        // Args[0] ^ Args[1]
	OpLt         // relational, value 1 (true) or 0 (false)
	OpLe
	OpGt
	OpGe
	OpEq
	OpNe
	OpAnd // n-ary logical, value 1 or 0
	OpOr
	OpXor
	OpNot
	OpCall      // function call: Name (builtin like exp, or a model function definition), Args
	OpPiecewise // Args = value0, cond0, value1, cond1, ..., [otherwise]: odd length means the last is "otherwise"
)

// Pos locates a node in its source: 1-based line and column (column within
// the expression string for infix sources, or the line of the XML element).
type Pos struct {
	Line, Col int
}

// Node is one expression tree node. Trees are immutable once built: passes
// that transform expressions return new nodes.
type Node struct {
	Op    Op
	Value float64 // OpNum
	Name  string  // OpVar, OpCall
	Args  []*Node
	Pos   Pos
}

// Num returns a numeric literal node.
func Num(v float64) *Node { return &Node{Op: OpNum, Value: v} }

// Var returns an identifier node.
func Var(name string) *Node { return &Node{Op: OpVar, Name: name} }

// Call returns a function call node.
func Call(name string, args ...*Node) *Node { return &Node{Op: OpCall, Name: name, Args: args} }

// New returns an operator node with the given arguments.
func New(op Op, args ...*Node) *Node { return &Node{Op: op, Args: args} }
