package schema

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Options configure Load. The zero value loads with variable defaults only.
type Options struct {
	// Vars are the --var name=value overrides; they win over the environment and
	// over defaults. A name no `variable` block declares is an error.
	Vars map[string]string
	// LookupEnv reads the environment, for LAUNCHREADY_VAR_<name> overrides. nil
	// means no environment (tests); the CLI passes os.LookupEnv. env("NAME") calls
	// in check headers are never resolved at load time: only the name is kept.
	LookupEnv func(string) (string, bool)
}

// VarEnvPrefix starts the environment variables that set `variable` values.
const VarEnvPrefix = "LAUNCHREADY_VAR_"

// source is one configuration file: the name diagnostics use and its bytes.
type source struct {
	name string
	src  []byte
}

// Load reads the configuration at path in fsys. path is a file, or a directory whose
// *.hcl files are read in name order (they form one configuration). The returned
// Config is never nil; it is complete only when the diagnostics hold no error.
func Load(fsys fs.FS, path string, opts Options) (*Config, hcl.Diagnostics) {
	st, err := fs.Stat(fsys, path)
	if err != nil {
		return &Config{}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration",
			Detail:   fmt.Sprintf("Reading %s: %v.", path, err),
		}}
	}
	if !st.IsDir() {
		return LoadFiles(fsys, []string{path}, opts)
	}
	entries, err := fs.ReadDir(fsys, path)
	if err != nil {
		return &Config{}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration directory",
			Detail:   fmt.Sprintf("Listing %s: %v.", path, err),
		}}
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") {
			files = append(files, joinFSPath(path, e.Name()))
		}
	}
	if len(files) == 0 {
		return &Config{}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No configuration files",
			Detail:   fmt.Sprintf("The directory %s holds no .hcl file.", path),
		}}
	}
	return LoadFiles(fsys, files, opts)
}

func joinFSPath(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return path.Join(dir, name)
}

// LoadFiles reads the given files of fsys as one configuration (in the order
// given). Diagnostics name each file by its path in fsys.
func LoadFiles(fsys fs.FS, paths []string, opts Options) (*Config, hcl.Diagnostics) {
	var srcs []source
	var diags hcl.Diagnostics
	for _, p := range paths {
		b, err := readFSConfigFile(fsys, p)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read configuration file",
				Detail:   fmt.Sprintf("Reading %s: %v.", p, err),
			})
			continue
		}
		srcs = append(srcs, source{name: p, src: b})
	}
	if diags.HasErrors() {
		return &Config{Files: paths}, diags
	}
	return loadSources(srcs, opts)
}

// LoadFile reads one file from the operating system's file system; diagnostics name
// it exactly as filename was given (relative or absolute), which is what the CLI's
// --config flag wants.
func LoadFile(filename string, opts Options) (*Config, hcl.Diagnostics) {
	b, err := readConfigFile(filename)
	if err != nil {
		return &Config{Files: []string{filename}}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration file",
			Detail:   fmt.Sprintf("Reading %s: %v.", filename, err),
		}}
	}
	return loadSources([]source{{name: filename, src: b}}, opts)
}

// LoadSource parses and validates one in-memory file (an embedded demo config, an
// import round trip). filename is used in diagnostics.
func LoadSource(filename string, src []byte, opts Options) (*Config, hcl.Diagnostics) {
	return loadSources([]source{{name: filename, src: src}}, opts)
}

// rootSchema is the top level of launch.hcl.
var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "provider", LabelNames: []string{"kind", "name"}},
		{Type: "zone", LabelNames: []string{"name"}},
		{Type: "alert", LabelNames: []string{"name"}},
		{Type: "preflight"},
	},
}

// loader holds the state of one Load: the diagnostics so far, the evaluation
// context, and side tables of source ranges that semantic checks point at.
type loader struct {
	opts  Options
	diags hcl.Diagnostics
	cfg   *Config

	vars map[string]*variable
	ctx  *hcl.EvalContext

	// flagged records values already reported as literal secrets (file:offset), so
	// a later, more specific check does not report the same value twice.
	flagged map[string]bool

	zones []*zoneState
}

func loadSources(srcs []source, opts Options) (*Config, hcl.Diagnostics) {
	l := &loader{
		opts:    opts,
		cfg:     &Config{Providers: map[string]*Provider{}},
		vars:    map[string]*variable{},
		flagged: map[string]bool{},
	}
	var bodies []*hclsyntax.Body
	syntaxErrors := false
	for _, s := range srcs {
		l.cfg.Files = append(l.cfg.Files, s.name)
		sc, diags := scanSource(s.name, s.src)
		if diags.HasErrors() {
			l.diags = append(l.diags, diags...)
			syntaxErrors = true
			continue
		}
		body, diags := parseSource(s.name, s.src, sc.pieces)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			syntaxErrors = true
			continue
		}
		bodies = append(bodies, body)
		l.scanSecrets(s.name, s.src, sc.comments, body)
	}
	if syntaxErrors {
		// Syntax errors: the tree is incomplete, and semantic errors on top of it
		// would mostly be noise.
		return l.cfg, l.diags
	}

	var varBlocks, providerBlocks, zoneBlocks, alertBlocks []*hcl.Block
	var preflightBlocks hcl.Blocks
	for _, b := range bodies {
		content, diags := b.Content(rootSchema)
		l.diags = append(l.diags, diags...)
		for _, blk := range content.Blocks {
			switch blk.Type {
			case "variable":
				varBlocks = append(varBlocks, blk)
			case "provider":
				providerBlocks = append(providerBlocks, blk)
			case "zone":
				zoneBlocks = append(zoneBlocks, blk)
			case "alert":
				alertBlocks = append(alertBlocks, blk)
			case "preflight":
				preflightBlocks = append(preflightBlocks, blk)
			}
		}
	}

	for _, b := range varBlocks {
		l.decodeVariableBlock(b)
	}
	l.resolveVariables()
	l.ctx = &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": l.varObject()},
		Functions: functions(),
	}

	for _, b := range providerBlocks {
		l.decodeProviderBlock(b)
	}
	seenZones := map[string]*Zone{}
	for i, zs := range l.decodeZones(zoneBlocks) {
		b := zoneBlocks[i]
		if zs == nil {
			continue
		}
		if first, dup := seenZones[zs.z.Name]; dup {
			l.errorf(b.LabelRanges[0], "Duplicate zone",
				"The zone %s is already declared at %s. Declare each zone once.", zs.z.Name, rangeString(first.DeclRange))
			continue
		}
		seenZones[zs.z.Name] = zs.z
		l.zones = append(l.zones, zs)
		l.cfg.Zones = append(l.cfg.Zones, zs.z)
	}

	for _, b := range alertBlocks {
		l.decodeAlertBlock(b)
	}
	if b := l.singleBlock(preflightBlocks, "preflight"); b != nil {
		l.cfg.Preflight = l.decodePreflightBlock(b)
	}

	l.lint()
	l.cfg.Fingerprint = fingerprint(l.cfg)
	l.sortDiagnostics()
	return l.cfg, l.diags
}

// decodeZones decodes zone blocks (nil where a block is not a zone), several at once
// when there are several: each is decoded by a copy of the loader that keeps its own
// diagnostics (decoding a zone only reads the rest of the loader: variables,
// providers, flagged secrets), and the diagnostics are added in the blocks' order.
func (l *loader) decodeZones(blocks []*hcl.Block) []*zoneState {
	out := make([]*zoneState, len(blocks))
	diags := make([]hcl.Diagnostics, len(blocks))
	parallel(len(blocks), func(i int) {
		zl := *l
		zl.diags = nil
		out[i] = zl.decodeZoneBlock(blocks[i])
		diags[i] = zl.diags
	})
	for _, d := range diags {
		l.diags = append(l.diags, d...)
	}
	return out
}

// sortDiagnostics orders diagnostics by position (files in load order, then offset),
// stably, so output reads top to bottom; diagnostics without a position come first.
func (l *loader) sortDiagnostics() {
	sort.SliceStable(l.diags, func(i, j int) bool {
		a, b := l.diags[i].Subject, l.diags[j].Subject
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		default:
			return l.before(*a, *b)
		}
	})
}

// errorf appends an error diagnostic whose subject is rng.
func (l *loader) errorf(rng hcl.Range, summary, detail string, args ...any) {
	l.diag(hcl.DiagError, rng, summary, detail, args...)
}

// warnf appends a warning diagnostic whose subject is rng.
func (l *loader) warnf(rng hcl.Range, summary, detail string, args ...any) {
	l.diag(hcl.DiagWarning, rng, summary, detail, args...)
}

func (l *loader) diag(sev hcl.DiagnosticSeverity, rng hcl.Range, summary, detail string, args ...any) {
	if len(args) > 0 {
		detail = fmt.Sprintf(detail, args...)
	}
	r := rng
	l.diags = append(l.diags, &hcl.Diagnostic{Severity: sev, Summary: summary, Detail: detail, Subject: &r})
}

// rangeString is a range's start as file:line, for "declared at" details.
func rangeString(r hcl.Range) string {
	return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line)
}

// before reports whether range a starts before range b in the configuration (file
// order first, then offset).
func (l *loader) before(a, b hcl.Range) bool {
	if a.Filename != b.Filename {
		ia, ib := l.fileIndex(a.Filename), l.fileIndex(b.Filename)
		if ia != ib {
			return ia < ib
		}
		return a.Filename < b.Filename
	}
	return a.Start.Byte < b.Start.Byte
}

// fileIndex is a file's position in load order (files not loaded sort last).
func (l *loader) fileIndex(name string) int {
	for i, f := range l.cfg.Files {
		if f == name {
			return i
		}
	}
	return len(l.cfg.Files)
}

// content decodes a block body against s, appending diagnostics (unknown arguments
// and blocks, with hcl's "Did you mean" suggestions).
// An argument written as the literal null is treated as absent, as in Terraform.
func (l *loader) content(body hcl.Body, s *hcl.BodySchema) *hcl.BodyContent {
	c, diags := body.Content(s)
	l.diags = append(l.diags, diags...)
	for name, a := range c.Attributes {
		if lit, ok := a.Expr.(*hclsyntax.LiteralValueExpr); ok && lit.Val.IsNull() {
			delete(c.Attributes, name)
		}
	}
	return c
}

// singleBlock returns the first block of type typ and reports any further one as a
// duplicate.
func (l *loader) singleBlock(blocks hcl.Blocks, typ string) *hcl.Block {
	var first *hcl.Block
	for _, b := range blocks {
		if b.Type != typ {
			continue
		}
		if first != nil {
			l.errorf(b.DefRange, "Duplicate "+typ+" block",
				"A %s block is already declared at %s; merge them into one.", typ, rangeString(first.DefRange))
			continue
		}
		first = b
	}
	return first
}
