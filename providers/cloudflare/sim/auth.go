package sim

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
)

// tokenRE is the b64token syntax of RFC 6750 bearer tokens; Cloudflare's own tokens
// are 40 characters of [A-Za-z0-9_-], but any such token is accepted so that a
// short development token ("dev") works with the simulator.
var tokenRE = regexp.MustCompile(`^[A-Za-z0-9\-._~+/]+=*$`)

type credentialKey struct{}

// credential is who made a request: the bearer token, or the legacy key.
type credential struct {
	token string // bearer token; "" for legacy key auth
	key   string // identifies the caller for rate limiting; never logged
}

func credentialFrom(ctx context.Context) credential {
	c, _ := ctx.Value(credentialKey{}).(credential)
	return c
}

// authenticate checks the request's credentials the way Cloudflare does and answers
// with Cloudflare's codes: 9106 without any auth header, 6003 (with 6111, 6102 or
// 6103 in error_chain) for malformed headers, 9109 (401) for a token the simulator
// does not accept, 9103 (403) for a legacy key it does not accept. verify selects the
// answers of /user/tokens/verify, which takes only tokens (1000, 401).
func (s *Server) authenticate(r *http.Request, verify bool) (credential, *apiError) {
	authz := r.Header.Get("Authorization")
	email := r.Header.Get("X-Auth-Email")
	key := r.Header.Get("X-Auth-Key")
	if authz == "" && email == "" && key == "" {
		return credential{}, errf(http.StatusBadRequest, CodeMissingAuth, "Missing X-Auth-Key, X-Auth-Email or Authorization headers")
	}
	if authz != "" {
		scheme, tok, ok := strings.Cut(authz, " ")
		tok = strings.TrimSpace(tok)
		if !ok || !strings.EqualFold(scheme, "Bearer") || !tokenRE.MatchString(tok) {
			return credential{}, &apiError{Status: http.StatusBadRequest, Errors: []apiMessage{{
				Code: CodeInvalidHeaders, Message: "Invalid request headers",
				ErrorChain: []apiMessage{{Code: CodeBadAuthorization, Message: "Invalid format for Authorization header"}},
			}}}
		}
		if s.opts.Token != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.Token)) != 1 {
			if verify {
				return credential{}, errf(http.StatusUnauthorized, CodeInvalidAPIToken, "Invalid API Token")
			}
			return credential{}, errf(http.StatusUnauthorized, CodeInvalidAccessToken, "Invalid access token")
		}
		return credential{token: tok, key: "token:" + tok}, nil
	}
	// legacy X-Auth-Email + X-Auth-Key
	var chain []apiMessage
	if !strings.Contains(email, "@") {
		chain = append(chain, apiMessage{Code: CodeBadAuthEmail, Message: "Invalid format for X-Auth-Email header"})
	}
	if key == "" || strings.ContainsAny(key, " \t") {
		chain = append(chain, apiMessage{Code: CodeBadAuthKey, Message: "Invalid format for X-Auth-Key header"})
	}
	if chain != nil {
		return credential{}, &apiError{Status: http.StatusBadRequest, Errors: []apiMessage{{
			Code: CodeInvalidHeaders, Message: "Invalid request headers", ErrorChain: chain,
		}}}
	}
	if verify {
		return credential{}, errf(http.StatusUnauthorized, CodeInvalidAPIToken, "Invalid API Token")
	}
	if s.opts.Token != "" && subtle.ConstantTimeCompare([]byte(key), []byte(s.opts.Token)) != 1 {
		return credential{}, errf(http.StatusForbidden, CodeUnknownAuthKey, "Unknown X-Auth-Key or X-Auth-Email")
	}
	return credential{key: "key:" + email + ":" + key}, nil
}

// handleVerify serves GET /user/tokens/verify.
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	c := credentialFrom(r.Context())
	sum := sha256.Sum256([]byte(c.token))
	writeResult(w, map[string]any{"id": hex.EncodeToString(sum[:16]), "status": "active"}, nil,
		apiMessage{Code: CodeTokenValid, Message: "This API Token is valid and active"})
}
