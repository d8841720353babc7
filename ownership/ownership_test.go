package ownership

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/model"
)

func TestCheckOwner(t *testing.T) {
	for _, ok := range []string{"default", "marketing", "app-2", "a"} {
		if err := CheckOwner(ok); err != nil {
			t.Errorf("CheckOwner(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Marketing", "-x", "a b", "a]", strings.Repeat("a", MaxOwnerLen+1)} {
		if CheckOwner(bad) == nil {
			t.Errorf("CheckOwner(%q) accepted", bad)
		}
	}
}

func TestCommentMarker(t *testing.T) {
	for _, tt := range []struct{ comment, user, owner string }{
		{"[launchready:app]", "", "app"},
		{"public API [launchready:app]", "public API", "app"},
		{"public API", "public API", ""},
		{"[launchready:Bad]", "[launchready:Bad]", ""},
		{"note [launchready:a] more", "note [launchready:a] more", ""},
		{"", "", ""},
	} {
		u, o := SplitComment(tt.comment)
		if u != tt.user || o != tt.owner {
			t.Errorf("SplitComment(%q) = %q, %q; want %q, %q", tt.comment, u, o, tt.user, tt.owner)
		}
	}
	if got := WithMarker(" note ", "app"); got != "note [launchready:app]" {
		t.Errorf("WithMarker = %q", got)
	}
	if err := CheckComment(strings.Repeat("x", 100-len(Marker("app"))-1), "app"); err != nil {
		t.Errorf("a comment that just fits: %v", err)
	}
	err := CheckComment(strings.Repeat("x", 100-len(Marker("app"))), "app")
	if err == nil || !strings.Contains(err.Error(), "keep it to 82 characters") {
		t.Errorf("a comment one over: %v", err)
	}
}

func TestLockInfoFitsAFreeComment(t *testing.T) {
	li := LockInfo{Holder: strings.Repeat("h", 80) + "@host", PID: 4194304, Since: time.Date(2026, 12, 4, 7, 0, 0, 0, time.UTC), Token: "0123abcd"}
	s := li.String()
	if len(s) > FreeCommentLimit {
		t.Errorf("lock comment is %d characters: %q", len(s), s)
	}
	back := ParseLockInfo(s)
	if back.PID != li.PID || !back.Since.Equal(li.Since) || back.Token != li.Token || !strings.HasPrefix(li.Holder, back.Holder) {
		t.Errorf("round trip: %+v", back)
	}
	if !IsRegistryName(LockName("example.com")) || !IsLockName("_launchready-lock.example.com") || IsLockName("_launchready.example.com") {
		t.Error("lock names are reserved and recognised")
	}
}

func op(kind model.OpKind, name, typ, value string) model.RecordOp {
	r := model.Record{ID: name + typ + value, Name: name, Type: typ, Value: value}
	switch kind {
	case model.OpDelete:
		return model.RecordOp{Op: kind, Before: &r}
	case model.OpCreate:
		return model.RecordOp{Op: kind, After: &r}
	}
	return model.RecordOp{Op: kind, Before: &r, After: &r}
}

func TestBatchesKeepNamesWhole(t *testing.T) {
	// A plan listing every delete first (as launchready did before): a.example.com
	// changes A → CNAME, b gets a mark.
	ops := []model.RecordOp{
		op(model.OpDelete, "a.example.com", "A", "192.0.2.1"),
		op(model.OpDelete, "c.example.com", "A", "192.0.2.3"),
		op(model.OpCreate, "b.example.com", "A", "192.0.2.2"),
		op(model.OpCreate, "a.example.com", "CNAME", "x.example.net"),
		op(model.OpCreate, "_launchready.b.example.com", "TXT", "v=launchready1 A:00000000"),
	}
	groups := Order(ops)
	var got []string
	for _, g := range groups {
		var s []string
		for _, o := range g.Ops {
			s = append(s, fmt.Sprint(o.Op))
		}
		got = append(got, g.Name+":"+strings.Join(s, ","))
	}
	want := "a.example.com:delete,create c.example.com:delete b.example.com:create,create"
	if strings.Join(got, " ") != want {
		t.Errorf("Order = %v, want %s", got, want)
	}
	batches, split := Batches(ops, 2, nil)
	if len(split) != 0 || len(batches) != 3 {
		t.Fatalf("Batches(limit 2) = %d batches, split %v", len(batches), split)
	}
	for i, b := range batches {
		if n := Names(b); len(n) != 1 {
			t.Errorf("batch %d mixes names %v", i+1, n)
		}
	}
	// A name too heavy for one batch is split, deletes first, and reported.
	var big []model.RecordOp
	for i := 0; i < 3; i++ {
		big = append(big, op(model.OpCreate, "big.example.com", "TXT", fmt.Sprint(i)))
	}
	big = append(big, op(model.OpDelete, "big.example.com", "A", "192.0.2.9"))
	batches, split = Batches(big, 2, nil)
	if len(batches) != 2 || len(split) != 1 || batches[0][0].Op != model.OpDelete {
		t.Errorf("heavy name: %d batches, split %v, first op %s", len(batches), split, batches[0][0].Op)
	}
}

func TestRuleRef(t *testing.T) {
	tests := []struct {
		kind, name, owner string
		wantRef           string
	}{
		{"redirect", "www", DefaultOwner, "launchready:redirect:www"},
		{"redirect", "www", "", "launchready:redirect:www"},
		{"cache", "assets", "marketing", "launchready:cache:assets@marketing"},
	}
	for _, tt := range tests {
		ref := RuleRef(tt.kind, tt.name, tt.owner)
		if ref != tt.wantRef {
			t.Errorf("RuleRef(%q, %q, %q) = %q, want %q", tt.kind, tt.name, tt.owner, ref, tt.wantRef)
		}
		wantOwner := tt.owner
		if wantOwner == "" {
			wantOwner = DefaultOwner
		}
		if got := RuleOwner(ref); got != wantOwner {
			t.Errorf("RuleOwner(%q) = %q, want %q", ref, got, wantOwner)
		}
		if got := RuleName(ref); got != tt.name {
			t.Errorf("RuleName(%q) = %q, want %q", ref, got, tt.name)
		}
	}
	for _, ref := range []string{"", "hand-made", "cf-rule-1"} {
		if o, n := RuleOwner(ref), RuleName(ref); o != "" || n != "" {
			t.Errorf("rule %q not made by launchready: owner %q, name %q, want none", ref, o, n)
		}
	}
}
