package schema

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// elem is one evaluated string with the range it came from (a list element where the
// list was written literally, otherwise the whole expression).
type elem struct {
	Value string
	Range hcl.Range
}

// envCalls returns the env(...) calls inside expr, found syntactically.
func envCalls(expr hcl.Expression) []*hclsyntax.FunctionCallExpr {
	sx, ok := expr.(hclsyntax.Expression)
	if !ok {
		return nil
	}
	var out []*hclsyntax.FunctionCallExpr
	hclsyntax.VisitAll(sx, func(n hclsyntax.Node) hcl.Diagnostics {
		if c, ok := n.(*hclsyntax.FunctionCallExpr); ok && c.Name == "env" {
			out = append(out, c)
		}
		return nil
	})
	return out
}

// value evaluates expr in the configuration's context. It reports env() calls (only
// check headers may use them, and those are handled before evaluation), references
// to undeclared variables, evaluation errors, and null or unknown results. ok is false
// when a diagnostic was reported.
func (l *loader) value(expr hcl.Expression) (cty.Value, bool) {
	// A literal string (most values in a large file) is its own value: no env() call,
	// no variable, nothing to evaluate. cty.StringVal normalises it as evaluating the
	// template would.
	if sx, ok := expr.(hclsyntax.Expression); ok {
		if s, ok := literalString(sx); ok {
			return cty.StringVal(s), true
		}
	}
	if calls := envCalls(expr); len(calls) > 0 {
		for _, c := range calls {
			l.errorf(c.Range(), "env() not allowed here",
				"env(\"NAME\") reads a secret from the environment and is only allowed as a check header value. "+
					"Other values are part of the reviewed desired state: declare a variable and set it with "+
					"--var or %s<name> if it must come from outside the file.", VarEnvPrefix)
		}
		return cty.NilVal, false
	}
	bad := false
	for _, t := range expr.Variables() {
		if t.RootName() != "var" || len(t) < 2 {
			continue
		}
		attr, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		if v, declared := l.vars[attr.Name]; declared {
			if v.Value == cty.NilVal {
				bad = true // already reported as "No value for variable"
			}
			continue
		}
		detail := fmt.Sprintf("No variable %q is declared. Declare it with a `variable %q { default = … }` block.", attr.Name, attr.Name)
		if s := suggest(attr.Name, l.varNames()); s != "" {
			detail = fmt.Sprintf("No variable %q is declared. Did you mean %q?", attr.Name, s)
		}
		l.errorf(t.SourceRange(), "Reference to undeclared variable", "%s", detail)
		bad = true
	}
	if bad {
		return cty.NilVal, false
	}
	v, diags := expr.Value(l.ctx)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	if v.IsNull() {
		l.errorf(expr.Range(), "Missing value", "This value is null; write a value or remove the argument.")
		return cty.NilVal, false
	}
	if !v.IsWhollyKnown() {
		l.errorf(expr.Range(), "Value not known", "This value cannot be computed when the configuration is loaded.")
		return cty.NilVal, false
	}
	v, _ = v.Unmark()
	return v, true
}

func (l *loader) varNames() []string {
	out := make([]string, 0, len(l.vars))
	for n := range l.vars {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// typeError reports that expr's value is not of the wanted type.
func (l *loader) typeError(expr hcl.Expression, want string, err error) {
	l.errorf(expr.Range(), "Incorrect value type", "%s is required here: %s.", want, strings.TrimSuffix(err.Error(), "."))
}

// str evaluates an attribute as a string.
func (l *loader) str(a *hcl.Attribute) (string, bool) {
	return l.strExpr(a.Expr)
}

func (l *loader) strExpr(e hcl.Expression) (string, bool) {
	v, ok := l.value(e)
	if !ok {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		l.typeError(e, "A string", err)
		return "", false
	}
	return s.AsString(), true
}

// boolean evaluates an attribute as a bool.
func (l *loader) boolean(a *hcl.Attribute) (bool, bool) {
	v, ok := l.value(a.Expr)
	if !ok {
		return false, false
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil {
		l.typeError(a.Expr, "A bool (true or false)", err)
		return false, false
	}
	return b.True(), true
}

// integer evaluates an attribute as a whole number.
func (l *loader) integer(a *hcl.Attribute) (int, bool) {
	v, ok := l.value(a.Expr)
	if !ok {
		return 0, false
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil {
		l.typeError(a.Expr, "A whole number", err)
		return 0, false
	}
	bf := n.AsBigFloat()
	if !bf.IsInt() {
		l.errorf(a.Expr.Range(), "Not a whole number", "This value must be a whole number, not %s.", bf.Text('g', -1))
		return 0, false
	}
	i, acc := bf.Int64()
	if acc != big.Exact || i > 1<<40 || i < -(1<<40) {
		l.errorf(a.Expr.Range(), "Number out of range", "This number is far too large.")
		return 0, false
	}
	return int(i), true
}

// number evaluates an attribute as a number.
func (l *loader) number(a *hcl.Attribute) (float64, bool) {
	v, ok := l.value(a.Expr)
	if !ok {
		return 0, false
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil {
		l.typeError(a.Expr, "A number", err)
		return 0, false
	}
	f, _ := n.AsBigFloat().Float64()
	return f, true
}

// strList evaluates an attribute as a list of strings. When the list is written
// literally ([…]) each element keeps its own range, so diagnostics point at it.
func (l *loader) strList(a *hcl.Attribute) ([]elem, bool) {
	if tup, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok {
		out := make([]elem, 0, len(tup.Exprs))
		good := true
		for _, e := range tup.Exprs {
			s, ok := l.strExpr(e)
			if !ok {
				good = false
				continue
			}
			out = append(out, elem{Value: s, Range: e.Range()})
		}
		return out, good
	}
	v, ok := l.value(a.Expr)
	if !ok {
		return nil, false
	}
	lv, err := convert.Convert(v, cty.List(cty.String))
	if err != nil {
		l.typeError(a.Expr, "A list of strings", err)
		return nil, false
	}
	var out []elem
	for it := lv.ElementIterator(); it.Next(); {
		_, ev := it.Element()
		if ev.IsNull() {
			l.errorf(a.Expr.Range(), "Missing value", "The list holds a null element.")
			return nil, false
		}
		out = append(out, elem{Value: ev.AsString(), Range: a.Expr.Range()})
	}
	return out, true
}

// suggest returns the candidate closest to name (edit distance at most 2, or 1/3 of
// the length), or "".
func suggest(name string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := levenshtein(strings.ToLower(name), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := 2
	if len(name)/3 > limit {
		limit = len(name) / 3
	}
	if bestD <= limit {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// didYouMean is a " Did you mean "x"?" suffix, or "".
func didYouMean(name string, candidates []string) string {
	if s := suggest(name, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}

// oneOf checks s against allowed values and reports a diagnostic at rng otherwise.
func (l *loader) oneOf(rng hcl.Range, what, s string, allowed []string) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	l.errorf(rng, "Invalid "+what, "%q is not a valid %s; use one of %s.%s", s, what, quoteList(allowed), didYouMean(s, allowed))
	return false
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
