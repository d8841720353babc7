package schema

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

var zoneSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "provider"},
		{Name: "authoritative"},
		{Name: "ignore"},
		{Name: "owner"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "record", LabelNames: []string{"name", "type"}},
		{Type: "settings"},
		{Type: "redirect", LabelNames: []string{"name"}},
		{Type: "cache", LabelNames: []string{"name"}},
		{Type: "email"},
		{Type: "check", LabelNames: []string{"name"}},
	},
}

// zoneState is a zone being decoded, with the source ranges later checks and the
// lint point at.
type zoneState struct {
	z        *Zone
	caps     model.Capabilities
	records  []*recordDecl
	email    *emailDecl
	settings *settingsDecl
	redirect []*redirectDecl
	cache    []*cacheDecl
	checks   []*checkDecl
	// ignoreRanges[i] is where z.IgnoreRules[i] was written.
	ignoreRanges []hcl.Range
}

// decodeZoneBlock reads a `zone "<name>"` block and everything in it.
func (l *loader) decodeZoneBlock(b *hcl.Block) *zoneState {
	name, err := model.CanonicalZone(b.Labels[0])
	if err != nil {
		l.errorf(b.LabelRanges[0], "Invalid zone name", "%q is not a valid zone name: %v.", b.Labels[0], err)
		return nil
	}
	if strings.ContainsAny(name, "*") {
		l.errorf(b.LabelRanges[0], "Invalid zone name", "A zone name cannot contain a wildcard.")
		return nil
	}
	zs := &zoneState{
		z:    &Zone{Name: name, Provider: "cloudflare", ProviderKind: "cloudflare", Owner: ownership.DefaultOwner, DeclRange: b.DefRange},
		caps: model.ProviderKinds["cloudflare"],
	}
	c := l.content(b.Body, zoneSchema)

	if a, ok := c.Attributes["provider"]; ok {
		if ref, good := l.str(a); good {
			l.resolveZoneProvider(zs, ref, a.Expr.Range())
		}
	}
	if a, ok := c.Attributes["authoritative"]; ok {
		if v, good := l.boolean(a); good {
			zs.z.Authoritative = v
		}
	}
	if a, ok := c.Attributes["owner"]; ok {
		if o, good := l.str(a); good {
			if err := ownership.CheckOwner(o); err != nil {
				l.errorf(a.Expr.Range(), "Invalid owner", "%s. An owner names who manages this zone's records from this file (e.g. \"marketing\"); two files with different owners manage one zone side by side.", capitalize(err.Error()))
			} else {
				zs.z.Owner = o
			}
		}
	}
	if a, ok := c.Attributes["ignore"]; ok {
		l.decodeIgnore(zs, a)
	}

	for _, blk := range c.Blocks {
		if blk.Type == "record" {
			if r := l.decodeRecordBlock(zs, blk); r != nil {
				zs.records = append(zs.records, r)
			}
		}
	}
	if blk := l.singleBlock(c.Blocks, "settings"); blk != nil {
		l.decodeSettingsBlock(zs, blk)
	}
	redirectNames := map[string]hcl.Range{}
	cacheNames := map[string]hcl.Range{}
	checkNames := map[string]hcl.Range{}
	for _, blk := range c.Blocks {
		switch blk.Type {
		case "redirect":
			if !l.uniqueName(redirectNames, blk, "redirect") {
				continue
			}
			if r := l.decodeRedirectBlock(zs, blk); r != nil {
				zs.redirect = append(zs.redirect, r)
				zs.z.Redirects = append(zs.z.Redirects, r.r)
			}
		case "cache":
			if !l.uniqueName(cacheNames, blk, "cache") {
				continue
			}
			if r := l.decodeCacheBlock(zs, blk); r != nil {
				zs.cache = append(zs.cache, r)
				zs.z.Caches = append(zs.z.Caches, r.c)
			}
		case "check":
			if !l.uniqueName(checkNames, blk, "check") {
				continue
			}
			if ch := l.decodeCheckBlock(zs, blk); ch != nil {
				zs.checks = append(zs.checks, ch)
				zs.z.Checks = append(zs.z.Checks, ch.c)
			}
		}
	}
	if blk := l.singleBlock(c.Blocks, "email"); blk != nil {
		l.decodeEmailBlock(zs, blk)
	}

	l.checkRecordSets(zs)
	l.checkIgnoredSets(zs)
	for _, r := range zs.records {
		zs.z.Records = append(zs.z.Records, r.rec)
	}
	if zs.email != nil {
		for _, g := range zs.email.records {
			zs.z.Records = append(zs.z.Records, g.rec)
		}
	}
	return zs
}

// uniqueName reports a second block of one kind with the same name in a zone.
func (l *loader) uniqueName(seen map[string]hcl.Range, b *hcl.Block, kind string) bool {
	name := b.Labels[0]
	if !isLabel(name) {
		l.errorf(b.LabelRanges[0], "Invalid "+kind+" name",
			"A %s name is letters, digits, dashes and underscores (it becomes part of the rule's ref).", kind)
		return false
	}
	if first, dup := seen[name]; dup {
		l.errorf(b.LabelRanges[0], "Duplicate "+kind+" block",
			"A %s block named %q is already declared in this zone at %s.", kind, name, rangeString(first))
		return false
	}
	seen[name] = b.DefRange
	return true
}

// resolveZoneProvider checks a zone's provider reference and sets its capabilities.
func (l *loader) resolveZoneProvider(zs *zoneState, ref string, rng hcl.Range) {
	if ref == "cloudflare" {
		return
	}
	kind, _, _ := strings.Cut(ref, ".")
	if _, ok := l.cfg.Providers[ref]; !ok {
		known := []string{"cloudflare"}
		for r := range l.cfg.Providers {
			known = append(known, r)
		}
		sort.Strings(known)
		detail := "Use \"cloudflare\", or \"rfc2136.<name>\" with a matching `provider \"rfc2136\" \"<name>\"` block."
		if kind == "rfc2136" && !strings.Contains(ref, ".") {
			detail = "An RFC 2136 zone names its provider block: \"rfc2136.<name>\"."
		}
		l.errorf(rng, "Unknown provider", "No provider %q is declared. %s%s", ref, detail, didYouMean(ref, known))
		return
	}
	zs.z.Provider = ref
	zs.z.ProviderKind = kind
	zs.caps = model.ProviderKinds[kind]
}

// capitalize upper-cases the first letter of an error text for a diagnostic.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
