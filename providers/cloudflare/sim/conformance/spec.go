package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// EnvCI is the variable that, set to "true", makes a missing schema a failure
// rather than a skip (see Default).
const EnvCI = "CI"

// Spec is the patched schema, ready to route and validate exchanges. It is safe for
// concurrent use.
type Spec struct {
	path   string
	doc    *openapi3.T
	router routers.Router
}

// Path is the file the schema was loaded from.
func (s *Spec) Path() string { return s.path }

// Load reads the schema at path, applies the named patches (Patches) and checks
// that the result is valid OpenAPI 3.0. A missing file gives an error wrapping
// os.ErrNotExist; a patch whose quirk is gone, or a broken file, any other error.
func Load(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the Cloudflare schema: %w", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	for _, p := range schemaPatches {
		if err := p.apply(raw); err != nil {
			return nil, fmt.Errorf("%s: schema patch %s: %w", path, p.Name, err)
		}
	}
	if b, err = json.Marshal(raw); err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("loading the patched schema %s: %w", path, err)
	}
	// The schema's own examples are not checked: upstream's target_url example
	// matches both oneOf branches, which says nothing about an exchange.
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("the patched schema %s is not valid OpenAPI: %w", path, err)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing the schema %s: %w", path, err)
	}
	return &Spec{path: path, doc: doc, router: r}, nil
}

// Find returns where the schema lies for the repository holding dir: the nearest
// directory at or above dir with a go.mod is the repository root, and shared/ lies
// beside it (/work/main ↔ /work/shared; <dir>/<clone> ↔ <dir>/shared in CI). It does
// not check that the file exists.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared", "cloudflare-api", "openapi-subset.json"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above " + dir)
		}
		dir = parent
	}
}

var (
	defaultOnce sync.Once
	defaultSpec *Spec
	defaultErr  error
)

// Default loads, once per process, the schema Find locates from the working
// directory: what tests use. A missing file gives an error wrapping os.ErrNotExist;
// Required says whether the caller must then fail rather than skip.
func Default() (*Spec, error) {
	defaultOnce.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			defaultErr = err
			return
		}
		path, err := Find(wd)
		if err != nil {
			defaultErr = fmt.Errorf("locating the Cloudflare schema: %w", err)
			return
		}
		defaultSpec, defaultErr = Load(path)
	})
	return defaultSpec, defaultErr
}

// Required reports whether a missing schema is a failure: in CI (CI=true) it must be
// present; elsewhere (a developer machine without ../shared) checks may be skipped
// with a message.
func Required() bool { return os.Getenv(EnvCI) == "true" }

// Operations returns the schema's operation ids, sorted.
func (s *Spec) Operations() []string {
	var ids []string
	for _, item := range s.doc.Paths.Map() {
		for _, op := range item.Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	sort.Strings(ids)
	return ids
}
