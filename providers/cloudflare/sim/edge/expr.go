package edge

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// This file is a small evaluator for the part of Cloudflare's Rules language that
// launchready writes and that simple hand-made rules use: fields of the request,
// comparison operators (eq ne == != lt le gt ge contains matches ~ wildcard
// "strict wildcard" in), logical operators (not ! and && xor ^^ or ||, with that
// precedence), parentheses, string/raw-string/integer literals, sets {"a" "b"}, and the
// functions lower, upper, len, starts_with, ends_with, concat, wildcard_replace,
// regex_replace and url_decode. Anything else is a parse error: the rule does not match.

// reqFields are the request's field values an expression can read.
type reqFields struct {
	Scheme    string // "http" or "https"
	Host      string // lower case, no port
	Path      string // escaped path
	Query     string // raw query, without "?"
	Method    string
	UserAgent string
	Referer   string
	Cookie    string
	SrcIP     string
}

// uri is path?query.
func (f reqFields) uri() string {
	if f.Query == "" {
		return f.Path
	}
	return f.Path + "?" + f.Query
}

// value is an evaluated operand.
type value struct {
	kind valueKind
	s    string
	n    int64
	b    bool
	// noQuery is the value without its query string, for the URI fields. A wildcard,
	// eq or ne comparison against a pattern without "?" (and wildcard_replace with
	// such a pattern) uses it, so that the query stays apart from wildcard captures
	// and preserve_query_string decides what happens to it (see the package doc).
	noQuery *string
}

type valueKind int

const (
	kindString valueKind = iota
	kindInt
	kindBool
	kindSet
)

func strVal(s string) value { return value{kind: kindString, s: s} }

// node is a parsed expression.
type node interface {
	eval(f reqFields) (value, error)
}

// parseExpr parses a filter expression (a rule's expression).
func parseExpr(src string) (node, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, fmt.Errorf("unexpected %q at offset %d", t.text, t.pos)
	}
	return n, nil
}

// parseValueExpr parses an expression that yields a value (a redirect target
// expression): a literal, a field or a function call.
func parseValueExpr(src string) (node, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	n, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, fmt.Errorf("unexpected %q at offset %d", t.text, t.pos)
	}
	return n, nil
}

// evalBool evaluates a filter.
func evalBool(n node, f reqFields) (bool, error) {
	v, err := n.eval(f)
	if err != nil {
		return false, err
	}
	if v.kind != kindBool {
		return false, fmt.Errorf("the expression is not a condition")
	}
	return v.b, nil
}

// evalString evaluates a target expression.
func evalString(n node, f reqFields) (string, error) {
	v, err := n.eval(f)
	if err != nil {
		return "", err
	}
	if v.kind != kindString {
		return "", fmt.Errorf("the expression does not yield a string")
	}
	return v.s, nil
}

// --- lexer ---

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokInt
	tokPunct // ( ) { } ,
	tokOp    // == != < <= > >= ~ ! && || ^^
)

type token struct {
	kind tokKind
	text string // identifier, operator or punctuation; the unescaped string
	pos  int
}

func lex(src string) ([]token, error) {
	var out []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == 'r' && i+1 < len(src) && (src[i+1] == '"' || src[i+1] == '#'):
			// raw string r"…" or r#"…"#
			j := i + 1
			hashes := 0
			for j < len(src) && src[j] == '#' {
				hashes++
				j++
			}
			if j >= len(src) || src[j] != '"' {
				return nil, fmt.Errorf("bad raw string at offset %d", i)
			}
			end := `"` + strings.Repeat("#", hashes)
			k := strings.Index(src[j+1:], end)
			if k < 0 {
				return nil, fmt.Errorf("unterminated raw string at offset %d", i)
			}
			out = append(out, token{kind: tokString, text: src[j+1 : j+1+k], pos: i})
			i = j + 1 + k + len(end)
		case c == '"':
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(src) {
				if src[j] == '\\' && j+1 < len(src) {
					b.WriteByte(src[j+1])
					j += 2
					continue
				}
				if src[j] == '"' {
					closed = true
					j++
					break
				}
				b.WriteByte(src[j])
				j++
			}
			if !closed {
				return nil, fmt.Errorf("unterminated string at offset %d", i)
			}
			out = append(out, token{kind: tokString, text: b.String(), pos: i})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			out = append(out, token{kind: tokInt, text: src[i:j], pos: i})
			i = j
		case c == '_' || unicode.IsLetter(rune(c)):
			j := i
			for j < len(src) && (src[j] == '_' || src[j] == '.' || unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j]))) {
				j++
			}
			out = append(out, token{kind: tokIdent, text: src[i:j], pos: i})
			i = j
		case strings.ContainsRune("(){},", rune(c)):
			out = append(out, token{kind: tokPunct, text: string(c), pos: i})
			i++
		default:
			two := ""
			if i+1 < len(src) {
				two = src[i : i+2]
			}
			switch two {
			case "==", "!=", "<=", ">=", "&&", "||", "^^":
				out = append(out, token{kind: tokOp, text: two, pos: i})
				i += 2
				continue
			}
			if strings.ContainsRune("<>~!", rune(c)) {
				out = append(out, token{kind: tokOp, text: string(c), pos: i})
				i++
				continue
			}
			return nil, fmt.Errorf("unexpected character %q at offset %d", c, i)
		}
	}
	return append(out, token{kind: tokEOF, pos: len(src)}), nil
}

// --- parser ---

type parser struct {
	toks []token
	i    int
}

func newParser(src string) (*parser, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return &parser{toks: toks}, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// is reports whether the next token is a keyword or operator among words.
func (p *parser) is(words ...string) bool {
	t := p.peek()
	if t.kind != tokIdent && t.kind != tokOp {
		return false
	}
	for _, w := range words {
		if t.text == w {
			return true
		}
	}
	return false
}

func (p *parser) expect(text string) error {
	t := p.next()
	if t.text != text || (t.kind != tokPunct && t.kind != tokOp) {
		return fmt.Errorf("expected %q at offset %d, found %q", text, t.pos, t.text)
	}
	return nil
}

func (p *parser) parseOr() (node, error) {
	return p.parseBinary(p.parseXor, "or", "||")
}

func (p *parser) parseXor() (node, error) {
	return p.parseBinary(p.parseAnd, "xor", "^^")
}

func (p *parser) parseAnd() (node, error) {
	return p.parseBinary(p.parseNot, "and", "&&")
}

func (p *parser) parseBinary(sub func() (node, error), words ...string) (node, error) {
	left, err := sub()
	if err != nil {
		return nil, err
	}
	for p.is(words...) {
		p.next()
		right, err := sub()
		if err != nil {
			return nil, err
		}
		left = logicNode{op: words[0], l: left, r: right}
	}
	return left, nil
}

func (p *parser) parseNot() (node, error) {
	if p.is("not", "!") {
		p.next()
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return notNode{x: x}, nil
	}
	return p.parseComparison()
}

// comparison operators, by their spelling, to a canonical name.
var compareOps = map[string]string{
	"eq": "eq", "==": "eq", "ne": "ne", "!=": "ne",
	"lt": "lt", "<": "lt", "le": "le", "<=": "le", "gt": "gt", ">": "gt", "ge": "ge", ">=": "ge",
	"contains": "contains", "matches": "matches", "~": "matches", "wildcard": "wildcard", "in": "in",
}

func (p *parser) parseComparison() (node, error) {
	if t := p.peek(); t.kind == tokPunct && t.text == "(" {
		p.next()
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return x, nil
	}
	left, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	op := ""
	switch {
	case t.kind == tokIdent && t.text == "strict":
		p.next()
		if !p.is("wildcard") {
			return nil, fmt.Errorf("expected wildcard after strict at offset %d", t.pos)
		}
		p.next()
		op = "strict wildcard"
	case t.kind == tokIdent || t.kind == tokOp:
		if c, ok := compareOps[t.text]; ok {
			p.next()
			op = c
		}
	}
	if op == "" {
		return left, nil // a bare boolean field or function
	}
	if op == "in" {
		set, err := p.parseSet()
		if err != nil {
			return nil, err
		}
		return inNode{l: left, set: set}, nil
	}
	right, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	c := compareNode{op: op, l: left, r: right}
	if op == "matches" {
		lit, ok := right.(litNode)
		if !ok || lit.v.kind != kindString {
			return nil, fmt.Errorf("matches needs a string literal")
		}
		re, err := regexp.Compile(lit.v.s)
		if err != nil {
			return nil, fmt.Errorf("bad regular expression %q: %v", lit.v.s, err)
		}
		c.re = re
	}
	return c, nil
}

func (p *parser) parseSet() ([]value, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	var out []value
	for {
		t := p.next()
		switch {
		case t.kind == tokPunct && t.text == "}":
			return out, nil
		case t.kind == tokPunct && t.text == ",":
		case t.kind == tokString:
			out = append(out, strVal(t.text))
		case t.kind == tokInt:
			n, err := strconv.ParseInt(t.text, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("bad number %q", t.text)
			}
			out = append(out, value{kind: kindInt, n: n})
		default:
			return nil, fmt.Errorf("unexpected %q in a set at offset %d", t.text, t.pos)
		}
	}
}

// parseOperand reads a literal, a field or a function call.
func (p *parser) parseOperand() (node, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return litNode{v: strVal(t.text)}, nil
	case tokInt:
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q", t.text)
		}
		return litNode{v: value{kind: kindInt, n: n}}, nil
	case tokIdent:
		if nt := p.peek(); nt.kind == tokPunct && nt.text == "(" {
			return p.parseCall(t)
		}
		if _, ok := fieldGetters[t.text]; !ok {
			return nil, fmt.Errorf("unsupported field %q", t.text)
		}
		return fieldNode{name: t.text}, nil
	}
	return nil, fmt.Errorf("unexpected %q at offset %d", t.text, t.pos)
}

func (p *parser) parseCall(name token) (node, error) {
	arity, ok := functionArity[name.text]
	if !ok {
		return nil, fmt.Errorf("unsupported function %q", name.text)
	}
	p.next() // (
	var args []node
	if t := p.peek(); t.kind == tokPunct && t.text == ")" {
		p.next()
	} else {
		for {
			a, err := p.parseOperand()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			t := p.next()
			if t.kind == tokPunct && t.text == ")" {
				break
			}
			if t.kind != tokPunct || t.text != "," {
				return nil, fmt.Errorf("expected , or ) at offset %d, found %q", t.pos, t.text)
			}
		}
	}
	if len(args) < arity[0] || (arity[1] >= 0 && len(args) > arity[1]) {
		return nil, fmt.Errorf("%s takes %d to %d arguments, not %d", name.text, arity[0], arity[1], len(args))
	}
	c := callNode{name: name.text, args: args}
	if name.text == "regex_replace" {
		lit, ok := args[1].(litNode)
		if !ok || lit.v.kind != kindString {
			return nil, fmt.Errorf("regex_replace needs a string literal pattern")
		}
		re, err := regexp.Compile(lit.v.s)
		if err != nil {
			return nil, fmt.Errorf("bad regular expression %q: %v", lit.v.s, err)
		}
		c.re = re
	}
	return c, nil
}

// functionArity gives the minimum and maximum (-1: any) number of arguments.
var functionArity = map[string][2]int{
	"lower": {1, 1}, "upper": {1, 1}, "len": {1, 1}, "url_decode": {1, 2},
	"starts_with": {2, 2}, "ends_with": {2, 2}, "concat": {1, -1},
	"wildcard_replace": {3, 4}, "regex_replace": {3, 3},
}

// fieldGetters are the supported request fields.
var fieldGetters = map[string]func(f reqFields) value{
	"http.host": func(f reqFields) value { return strVal(f.Host) },
	"http.request.full_uri": func(f reqFields) value {
		base := f.Scheme + "://" + f.Host + f.Path
		v := strVal(base)
		if f.Query != "" {
			v.s += "?" + f.Query
		}
		v.noQuery = &base
		return v
	},
	"http.request.uri": func(f reqFields) value {
		v := strVal(f.uri())
		p := f.Path
		v.noQuery = &p
		return v
	},
	"http.request.uri.path": func(f reqFields) value { return strVal(f.Path) },
	"http.request.uri.path.extension": func(f reqFields) value {
		return strVal(pathExtension(f.Path))
	},
	"http.request.uri.query": func(f reqFields) value { return strVal(f.Query) },
	"http.request.method":    func(f reqFields) value { return strVal(f.Method) },
	"http.request.scheme":    func(f reqFields) value { return strVal(f.Scheme) },
	"http.user_agent":        func(f reqFields) value { return strVal(f.UserAgent) },
	"http.referer":           func(f reqFields) value { return strVal(f.Referer) },
	"http.cookie":            func(f reqFields) value { return strVal(f.Cookie) },
	"ip.src":                 func(f reqFields) value { return strVal(f.SrcIP) },
	"ssl":                    func(f reqFields) value { return value{kind: kindBool, b: f.Scheme == "https"} },
}

// pathExtension is the lower-case extension of the last path segment, without dot.
func pathExtension(path string) string {
	seg := path[strings.LastIndex(path, "/")+1:]
	i := strings.LastIndex(seg, ".")
	if i < 0 {
		return ""
	}
	return strings.ToLower(seg[i+1:])
}

// --- nodes ---

type litNode struct{ v value }

func (n litNode) eval(reqFields) (value, error) { return n.v, nil }

type fieldNode struct{ name string }

func (n fieldNode) eval(f reqFields) (value, error) { return fieldGetters[n.name](f), nil }

type notNode struct{ x node }

func (n notNode) eval(f reqFields) (value, error) {
	b, err := evalBool(n.x, f)
	return value{kind: kindBool, b: !b}, err
}

type logicNode struct {
	op   string // "or", "xor", "and"
	l, r node
}

func (n logicNode) eval(f reqFields) (value, error) {
	l, err := evalBool(n.l, f)
	if err != nil {
		return value{}, err
	}
	switch {
	case n.op == "and" && !l:
		return value{kind: kindBool}, nil
	case n.op == "or" && l:
		return value{kind: kindBool, b: true}, nil
	}
	r, err := evalBool(n.r, f)
	if err != nil {
		return value{}, err
	}
	if n.op == "xor" {
		return value{kind: kindBool, b: l != r}, nil
	}
	return value{kind: kindBool, b: r}, nil
}

type inNode struct {
	l   node
	set []value
}

func (n inNode) eval(f reqFields) (value, error) {
	l, err := n.l.eval(f)
	if err != nil {
		return value{}, err
	}
	for _, v := range n.set {
		if v.kind == l.kind && v.s == l.s && v.n == l.n {
			return value{kind: kindBool, b: true}, nil
		}
	}
	return value{kind: kindBool}, nil
}

type compareNode struct {
	op   string
	l, r node
	re   *regexp.Regexp
}

func (n compareNode) eval(f reqFields) (value, error) {
	l, err := n.l.eval(f)
	if err != nil {
		return value{}, err
	}
	r, err := n.r.eval(f)
	if err != nil {
		return value{}, err
	}
	res := func(b bool) (value, error) { return value{kind: kindBool, b: b}, nil }
	if l.kind != r.kind {
		return value{}, fmt.Errorf("%s compares values of different types", n.op)
	}
	if l.kind == kindInt {
		switch n.op {
		case "eq":
			return res(l.n == r.n)
		case "ne":
			return res(l.n != r.n)
		case "lt":
			return res(l.n < r.n)
		case "le":
			return res(l.n <= r.n)
		case "gt":
			return res(l.n > r.n)
		case "ge":
			return res(l.n >= r.n)
		}
		return value{}, fmt.Errorf("%s does not apply to numbers", n.op)
	}
	if l.kind == kindBool {
		switch n.op {
		case "eq":
			return res(l.b == r.b)
		case "ne":
			return res(l.b != r.b)
		}
		return value{}, fmt.Errorf("%s does not apply to booleans", n.op)
	}
	ls := l.s
	if l.noQuery != nil && !strings.Contains(r.s, "?") {
		switch n.op {
		case "eq", "ne", "wildcard", "strict wildcard":
			ls = *l.noQuery
		}
	}
	switch n.op {
	case "eq":
		return res(ls == r.s)
	case "ne":
		return res(ls != r.s)
	case "lt":
		return res(ls < r.s)
	case "le":
		return res(ls <= r.s)
	case "gt":
		return res(ls > r.s)
	case "ge":
		return res(ls >= r.s)
	case "contains":
		return res(strings.Contains(ls, r.s))
	case "matches":
		return res(n.re.MatchString(ls))
	case "wildcard":
		_, ok := wildcardMatch(r.s, ls, false)
		return res(ok)
	case "strict wildcard":
		_, ok := wildcardMatch(r.s, ls, true)
		return res(ok)
	}
	return value{}, fmt.Errorf("unsupported operator %s", n.op)
}

type callNode struct {
	name string
	args []node
	re   *regexp.Regexp
}

func (n callNode) eval(f reqFields) (value, error) {
	args := make([]value, len(n.args))
	for i, a := range n.args {
		v, err := a.eval(f)
		if err != nil {
			return value{}, err
		}
		args[i] = v
	}
	str := func(i int) (string, error) {
		if args[i].kind != kindString {
			return "", fmt.Errorf("%s: argument %d is not a string", n.name, i+1)
		}
		return args[i].s, nil
	}
	strs := func() ([]string, error) {
		out := make([]string, len(args))
		for i := range args {
			s, err := str(i)
			if err != nil {
				return nil, err
			}
			out[i] = s
		}
		return out, nil
	}
	ss, err := strs()
	if err != nil {
		return value{}, err
	}
	switch n.name {
	case "lower":
		return strVal(strings.ToLower(ss[0])), nil
	case "upper":
		return strVal(strings.ToUpper(ss[0])), nil
	case "len":
		return value{kind: kindInt, n: int64(len(ss[0]))}, nil
	case "url_decode":
		return strVal(percentDecode(ss[0])), nil
	case "starts_with":
		return value{kind: kindBool, b: strings.HasPrefix(ss[0], ss[1])}, nil
	case "ends_with":
		return value{kind: kindBool, b: strings.HasSuffix(ss[0], ss[1])}, nil
	case "concat":
		return strVal(strings.Join(ss, "")), nil
	case "regex_replace":
		return strVal(n.re.ReplaceAllString(ss[0], cloudflareToGoReplacement(ss[2]))), nil
	case "wildcard_replace":
		src := ss[0]
		if args[0].noQuery != nil && !strings.Contains(ss[1], "?") {
			src = *args[0].noQuery
		}
		strict := len(ss) == 4 && strings.Contains(ss[3], "s")
		caps, ok := wildcardMatch(ss[1], src, strict)
		if !ok {
			return strVal(ss[0]), nil // no match: the source, unchanged
		}
		return strVal(substituteCaptures(ss[2], caps)), nil
	}
	return value{}, fmt.Errorf("unsupported function %s", n.name)
}

// cloudflareToGoReplacement turns ${1} / $1 references into Go's ${1}.
func cloudflareToGoReplacement(s string) string {
	return dollarRef.ReplaceAllString(s, "$${$1}")
}

var dollarRef = regexp.MustCompile(`\$([0-9]+)`)

// percentDecode decodes %XX escapes and leaves malformed ones as they are.
func percentDecode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var captureRef = regexp.MustCompile(`\$\{([0-9]+)\}`)

// substituteCaptures replaces ${n} with the n-th capture (empty when missing).
func substituteCaptures(repl string, caps []string) string {
	return captureRef.ReplaceAllStringFunc(repl, func(m string) string {
		i, _ := strconv.Atoi(m[2 : len(m)-1])
		if i >= 1 && i <= len(caps) {
			return caps[i-1]
		}
		return ""
	})
}

// wildcardMatch matches s against a wildcard pattern: "*" matches any run of
// characters (as few as possible, so that later literals anchor the captures), "\*"
// a literal star, everything else itself; case-insensitively unless strict. It
// returns what each "*" matched.
func wildcardMatch(pattern, s string, strict bool) ([]string, bool) {
	var b strings.Builder
	if !strict {
		b.WriteString("(?i)")
	}
	b.WriteString("^")
	lit := strings.Builder{}
	flush := func() {
		b.WriteString(regexp.QuoteMeta(lit.String()))
		lit.Reset()
	}
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '\\' && i+1 < len(pattern):
			i++
			lit.WriteByte(pattern[i])
		case c == '*':
			flush()
			b.WriteString("(.*?)")
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	b.WriteString("$")
	re, err := regexp.Compile("(?s)" + b.String())
	if err != nil {
		return nil, false
	}
	m := re.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	return m[1:], true
}
