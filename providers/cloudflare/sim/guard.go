package sim

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"strings"
)

// CodeNotJSON answers a write whose body is not declared as JSON (415). Cloudflare's
// API is JSON only; the simulator refuses anything else so that a web page the user
// visits cannot drive it with a "simple" cross-site request (a text/plain or form
// POST needs no CORS preflight, an application/json one does).
const CodeNotJSON = 10415

// guard is the local-server hardening every request passes before routing:
//
//   - a write (POST, PUT, PATCH, DELETE) that carries a body or a Content-Type must
//     say Content-Type: application/json, else 415;
//   - when Options.Token is set, /__sim/* (state dumps, zone creation, fault
//     injection, stats) requires "Authorization: Bearer <token>", else 401.
//
// The API under /client/v4 authenticates on its own (see authenticate).
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWrite(r.Method) && !jsonBody(r) {
			if strings.HasPrefix(r.URL.Path, "/__sim/") {
				writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "a write to the simulator must be sent as Content-Type: application/json"})
			} else {
				writeError(w, errf(http.StatusUnsupportedMediaType, CodeNotJSON, "Content-Type must be application/json"))
			}
			return
		}
		if strings.HasPrefix(r.URL.Path, "/__sim/") && s.opts.Token != "" && !s.simAuthorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="launchready sim"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "the simulator was started with --token: send Authorization: Bearer <token>"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// jsonBody reports whether a write's body is acceptable: declared application/json
// (any parameters, e.g. charset), or no body and no Content-Type at all (a DELETE, a
// bodiless POST).
func jsonBody(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return r.ContentLength == 0
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// simAuthorized checks /__sim/* credentials against Options.Token in constant time.
func (s *Server) simAuthorized(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.opts.Token)) == 1
}
