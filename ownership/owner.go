package ownership

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/model"
)

// DefaultOwner owns a zone whose block names no owner, and every mark written before
// owners existed.
const DefaultOwner = "default"

// MaxOwnerLen bounds an owner name, so the Cloudflare marker leaves room for a user
// comment within the Free plan's 100 characters.
const MaxOwnerLen = 24

// CheckOwner reports why s cannot be an owner name: 1 to MaxOwnerLen characters, lower
// case letters, digits and '-', starting with a letter or digit.
func CheckOwner(s string) error {
	if s == "" {
		return fmt.Errorf("an owner name cannot be empty")
	}
	if len(s) > MaxOwnerLen {
		return fmt.Errorf("owner %q is longer than %d characters", s, MaxOwnerLen)
	}
	for i, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0
		if !ok {
			return fmt.Errorf("owner %q may only hold lower-case letters, digits and '-' (not first)", s)
		}
	}
	return nil
}

// RuleRef returns the ref of the rule an owner's block declares:
// "launchready:<kind>:<name>", with "@<owner>" appended for owners other than
// DefaultOwner (so rules written before owners existed stay the default owner's).
func RuleRef(kind, name, owner string) string {
	ref := model.RefPrefix + kind + ":" + name
	if owner != "" && owner != DefaultOwner {
		ref += "@" + owner
	}
	return ref
}

// RuleOwner returns the owner of a rule by its ref ("" when launchready did not make
// it).
func RuleOwner(ref string) string {
	if !(model.Rule{Ref: ref}).Owned() {
		return ""
	}
	if i := strings.LastIndex(ref, "@"); i > 0 && CheckOwner(ref[i+1:]) == nil {
		return ref[i+1:]
	}
	return DefaultOwner
}

// RuleName returns the block name a rule's ref carries, without its owner
// ("launchready:redirect:www@marketing" → "www"), or "" when launchready did not make
// the rule.
func RuleName(ref string) string {
	owner := RuleOwner(ref)
	if owner == "" {
		return ""
	}
	_, name, ok := strings.Cut(strings.TrimPrefix(ref, model.RefPrefix), ":")
	if !ok {
		return ""
	}
	if owner != DefaultOwner {
		name = strings.TrimSuffix(name, "@"+owner)
	}
	return name
}
