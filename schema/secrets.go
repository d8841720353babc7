package schema

import (
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Literal secret detection.
//
// launch.hcl is committed and reviewed, so a secret written in it is a leak; every
// secret must come from the environment (env("NAME") in check headers,
// tsig_secret_env for TSIG, CLOUDFLARE_API_TOKEN for the API). The scan flags only
// strong signals, because a false positive blocks a valid config and TXT records are
// full of long random-looking verification strings. The rules:
//
//  1. Value shapes, in any string literal and in comments:
//     - a Cloudflare API token: exactly 40 characters of [A-Za-z0-9_-] that mix upper
//     case, lower case and digits (hex digests are one case, so they do not match);
//     - a Cloudflare Global API Key: exactly 37 lower-case hex digits;
//     - "Bearer <credential>" or "Basic <credential>" (8+ characters after the scheme);
//     - well-known credential prefixes: GitHub (ghp_, gho_, ghs_, github_pat_),
//     GitLab (glpat-), Slack (xox?-), Stripe live keys (sk_live_, rk_live_), AWS access
//     key ids (AKIA…), SendGrid keys (SG.x.y), Google API keys (AIza…), and PEM
//     private keys (-----BEGIN … PRIVATE KEY-----);
//     - a URL with a password (scheme://user:password@host) or a query parameter named
//     token, access_token, api_key, apikey, secret or password with a value.
//  2. Names: an argument, a map key or a variable whose name has a secret word (token,
//     secret, password, passwd, apikey, api_key, private_key, access_key,
//     credential(s), authorization, cookie) with a non-empty literal string value.
//     Names ending in "_env" hold environment variable names, not secrets.
//
// Never flagged: a string that is itself a public key (base64 SubjectPublicKeyInfo or
// a "v=DKIM1; …; p=…" record) — DKIM keys are public by design; values with "=" in
// them such as "google-site-verification=…", which do not match the shapes above.
// Sensitive check headers (Authorization, Cookie, X-Api-Key…) are checked separately:
// their value must be env("NAME") even when it does not look like a secret.

var (
	cfTokenShape  = regexp.MustCompile(`^[A-Za-z0-9_-]{40}$`)
	cfGlobalKey   = regexp.MustCompile(`^[0-9a-f]{37}$`)
	authScheme    = regexp.MustCompile(`(?i)^\s*(bearer|basic)\s+\S{8,}`)
	knownPrefixes = []struct {
		re   *regexp.Regexp
		what string
	}{
		{regexp.MustCompile(`\b(ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{36}\b`), "a GitHub token"},
		{regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{22,}`), "a GitHub token"},
		{regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}`), "a GitLab token"},
		{regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`), "a Slack token"},
		{regexp.MustCompile(`\b[sr]k_live_[A-Za-z0-9]{16,}`), "a Stripe live key"},
		{regexp.MustCompile(`\bAKIA[0-9A-Z]{16}\b`), "an AWS access key id"},
		{regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b`), "a SendGrid API key"},
		{regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), "a Google API key"},
		{regexp.MustCompile(`-----BEGIN ([A-Z]+ )*PRIVATE KEY-----`), "a private key"},
	}
	urlPassword = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@`)
	urlQuery    = regexp.MustCompile(`(?i)[?&](token|access_token|api_key|apikey|secret|password)=[^&#\s]{4,}`)
)

// secretWords mark an argument, map key or variable name as holding a secret.
var secretWords = []string{"token", "secret", "password", "passwd", "apikey", "credential", "credentials", "authorization", "cookie"}

// secretPairs are two-word names that hold secrets ("api_key", "X-Api-Key").
var secretPairs = [][2]string{{"api", "key"}, {"private", "key"}, {"access", "key"}, {"secret", "key"}, {"auth", "key"}}

// SecretName reports whether a name (argument, map key, variable) says its value is a
// secret. Names ending in "_env" name an environment variable and are not secrets.
func SecretName(name string) bool {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, "_env") {
		return false
	}
	words := strings.FieldsFunc(n, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ' ' })
	for i, w := range words {
		for _, s := range secretWords {
			if w == s {
				return true
			}
		}
		if i > 0 {
			for _, p := range secretPairs {
				if words[i-1] == p[0] && w == p[1] {
					return true
				}
			}
		}
	}
	return false
}

// LooksLikeSecret reports whether a string value has the shape of a credential (rule 1
// above) and says what it looks like.
func LooksLikeSecret(s string) (what string, ok bool) {
	t := strings.TrimSpace(s)
	if t == "" || tooPlainForSecret(t) {
		return "", false
	}
	return looksLikeSecret(t)
}

// tooPlainForSecret is a quick "no" for most values of a large file (addresses, host
// names): every rule of LooksLikeSecret needs at least 15 characters (a Slack token,
// "xoxb-" and 10 more), a leading "b"/"B" ("Basic <8 characters>" is 14), or an "="
// or ":" (URLs, name=value and name: value pairs). TestTooPlainForSecret checks it.
func tooPlainForSecret(t string) bool {
	return len(t) < 15 && t[0] != 'b' && t[0] != 'B' && !strings.ContainsAny(t, "=:")
}

// looksLikeSecret is LooksLikeSecret of a trimmed, non-empty string.
func looksLikeSecret(t string) (what string, ok bool) {
	if isPublicKey(t) {
		return "", false
	}
	if cfTokenShape.MatchString(t) && mixedCaseAndDigits(t) {
		return "a Cloudflare API token", true
	}
	if cfGlobalKey.MatchString(t) {
		return "a Cloudflare Global API Key", true
	}
	if authScheme.MatchString(t) {
		return "an Authorization credential", true
	}
	for _, p := range knownPrefixes {
		if p.re.MatchString(t) {
			return p.what, true
		}
	}
	if urlPassword.MatchString(t) {
		return "a URL with a password", true
	}
	if urlQuery.MatchString(t) {
		return "a URL with a credential in its query", true
	}
	// Inside a longer string: a word that is a Cloudflare token by shape ("CF token
	// <token>" in a comment), or a secret-named pair ("api_token=<value>"). A value
	// like "google-site-verification=…" names no secret and is left alone.
	if strings.ContainsAny(t, " \t") {
		for _, w := range strings.Fields(t) {
			w = strings.Trim(w, `"'(),;.`)
			if cfTokenShape.MatchString(w) && mixedCaseAndDigits(w) {
				return "a Cloudflare API token", true
			}
		}
	}
	for _, m := range secretPair.FindAllStringSubmatch(t, -1) {
		if SecretName(m[1]) && credentialLike(m[2]) && !isPublicKey(m[2]) {
			return "a " + m[1] + " value", true
		}
	}
	return "", false
}

// secretPair finds name=value and name: value pairs inside a string.
var secretPair = regexp.MustCompile(`([A-Za-z][A-Za-z0-9_.-]*)\s*[=:]\s*([^\s;,&"']{8,})`)

// credentialLike reports whether a value named as a secret has a credential's shape:
// at least 12 characters mixing letters and digits. Words such as
// "from-the-environment" in an example are not.
func credentialLike(v string) bool {
	var letter, digit bool
	for _, r := range v {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
			letter = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	return len(v) >= 12 && letter && digit
}

func mixedCaseAndDigits(s string) bool {
	var up, low, dig bool
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			up = true
		case r >= 'a' && r <= 'z':
			low = true
		case r >= '0' && r <= '9':
			dig = true
		}
	}
	return up && low && dig
}

// isPublicKey recognises DKIM public keys: a DKIM key record, or base64 that parses
// as a SubjectPublicKeyInfo.
func isPublicKey(s string) bool {
	if strings.HasPrefix(strings.ToLower(s), "v=dkim1") {
		return true
	}
	compact := strings.Join(strings.Fields(s), "")
	if len(compact) < 40 {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(compact)
	if err != nil {
		return false
	}
	_, err = x509.ParsePKIXPublicKey(raw)
	return err == nil
}

// flagKey identifies a source position for loader.flagged.
func flagKey(r hcl.Range) string {
	return fmt.Sprintf("%s:%d", r.Filename, r.Start.Byte)
}

// literalString returns the value of an expression that is a literal string without
// interpolation ("…" or a heredoc), and whether it is one.
func literalString(e hclsyntax.Expression) (string, bool) {
	switch x := e.(type) {
	case *hclsyntax.TemplateExpr:
		var b strings.Builder
		for _, p := range x.Parts {
			lit, ok := p.(*hclsyntax.LiteralValueExpr)
			if !ok || lit.Val.Type() != cty.String {
				return "", false
			}
			b.WriteString(lit.Val.AsString())
		}
		return b.String(), true
	case *hclsyntax.LiteralValueExpr:
		if x.Val.Type() == cty.String && !x.Val.IsNull() {
			return x.Val.AsString(), true
		}
	}
	return "", false
}

// scanSecrets applies the rules above to one parsed file (its source, its comments
// as the input-limit scan found them, and its body): every string literal, every
// named value, and every comment.
func (l *loader) scanSecrets(filename string, src []byte, comments []span, body *hclsyntax.Body) {
	report := func(rng hcl.Range, what string) {
		if l.flagged[flagKey(rng)] {
			return
		}
		l.flagged[flagKey(rng)] = true
		l.errorf(rng, "Literal secret in the configuration",
			"This looks like %s. launch.hcl is committed and reviewed, so it must hold no secret: remove it, rotate the credential if it was ever committed, "+
				"and take it from the environment (CLOUDFLARE_API_TOKEN for the API, tsig_secret_env for TSIG, env(\"NAME\") in check headers).", what)
	}
	// The top-level blocks are walked several at once; their findings are reported
	// in the order one walk of the whole body would have found them.
	findings := make([][]secretFinding, 1+len(body.Blocks))
	findings[0] = secretFindings(body.Attributes)
	parallel(len(body.Blocks), func(i int) { findings[1+i] = secretFindings(body.Blocks[i]) })
	for _, fs := range findings {
		for _, f := range fs {
			report(f.rng, f.what)
		}
	}

	// Comments: a credential pasted into a comment is committed all the same.
	ranges := &tokenRanges{filename: filename, src: src}
	for _, c := range comments {
		text := strings.TrimSpace(strings.TrimLeft(string(src[c.start:c.end]), "#/*"))
		for _, word := range strings.Fields(text) {
			word = strings.Trim(word, "\"'`,;()[]{}<>")
			if what, bad := LooksLikeSecret(word); bad {
				report(ranges.of(c.start, c.end), what+" in a comment")
				break
			}
		}
		if what, bad := LooksLikeSecret(text); bad {
			report(ranges.of(c.start, c.end), what+" in a comment") // once: report skips a comment already flagged
		}
	}
}

// secretFinding is a value the secret scan flags, where and why.
type secretFinding struct {
	rng  hcl.Range
	what string
}

// secretFindings applies the rules to the literals and names in n and below, in the
// order hclsyntax.VisitAll visits them.
func secretFindings(n hclsyntax.Node) []secretFinding {
	var out []secretFinding
	found := func(rng hcl.Range, what string) { out = append(out, secretFinding{rng, what}) }
	hclsyntax.VisitAll(n, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.TemplateExpr:
			// String literals are templates; check each literal part, so that
			// "Bearer ${…}" (a prefix, not a credential) passes.
			for _, p := range x.Parts {
				lit, ok := p.(*hclsyntax.LiteralValueExpr)
				if !ok || lit.Val.Type() != cty.String || lit.Val.IsNull() {
					continue
				}
				if what, bad := LooksLikeSecret(lit.Val.AsString()); bad {
					found(x.Range(), what)
					break
				}
			}
		case *hclsyntax.Attribute:
			if x.Name == "tsig_secret" {
				return nil // the provider block explains this one precisely
			}
			if s, ok := literalString(x.Expr); ok && s != "" && SecretName(x.Name) {
				found(x.Expr.Range(), secretWhat(s, "the argument is named "+x.Name))
			}
		case *hclsyntax.ObjectConsExpr:
			for _, it := range x.Items {
				key := hcl.ExprAsKeyword(it.KeyExpr)
				if key == "" {
					if k, ok := literalString(unwrapKey(it.KeyExpr)); ok {
						key = k
					}
				}
				if s, ok := literalString(it.ValueExpr); ok && s != "" && (SecretName(key) || SensitiveHeader(key)) {
					found(it.ValueExpr.Range(), secretWhat(s, "the key is named "+key))
				}
			}
		case *hclsyntax.Block:
			if x.Type == "variable" && len(x.Labels) == 1 && SecretName(x.Labels[0]) {
				if a, ok := x.Body.Attributes["default"]; ok {
					if s, ok := literalString(a.Expr); ok && s != "" {
						found(a.Expr.Range(), secretWhat(s, "the variable is named "+x.Labels[0]))
					}
				}
			}
		}
		return nil
	})
	return out
}

// secretWhat describes a value flagged by its name: its shape when it has one.
func secretWhat(s, why string) string {
	if what, ok := LooksLikeSecret(s); ok {
		return what
	}
	return "a secret (" + why + ")"
}

// unwrapKey returns the expression inside an object key.
func unwrapKey(e hclsyntax.Expression) hclsyntax.Expression {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		return k.Wrapped
	}
	return e
}
