package expr

// Names of the two internal functions into which HillPower and HillGiven
// split hill(x, K, n). They contain a character that no identifier may
// hold, so neither front end produces them and no model function can
// shadow them; Builtins does not list them.
const (
	hillPowerName = "hill:power"
	hillGivenName = "hill:given"
)

// HillPower returns a call computing K^n exactly as hill(x, K, n) computes
// it: by repeated multiplication when n is a small integer constant of the
// compiled expression, by math.Pow otherwise.
//
// With HillGiven it lets a caller evaluate K^n once when K and n stay
// constant over many evaluations of hill(x, K, n) with varying x (Hill
// constants and coefficients are usually parameters): assign HillPower(K,
// n) to a variable kn where K and n change, and use HillGiven(x, kn, n) in
// place of hill(x, K, n). Compiled, HillGiven(x, kn, n) equals hill(x, K, n)
// bit for bit as long as n is the same expression in both (so that both
// agree on whether it is a small integer constant).
func HillPower(k, n *Node) *Node {
	return &Node{Op: OpCall, Name: hillPowerName, Args: []*Node{k, n}, Pos: k.Pos}
}

// HillGiven returns a call computing hill(x, K, n) = x^n / (K^n + x^n) from
// kn = K^n (see HillPower).
func HillGiven(x, kn, n *Node) *Node {
	return &Node{Op: OpCall, Name: hillGivenName, Args: []*Node{x, kn, n}, Pos: x.Pos}
}
