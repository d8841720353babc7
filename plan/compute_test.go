package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// cfMark is the op string of a Cloudflare ownership mark record (without id).
func cfMark(name string, entries ...string) string {
	return fmt.Sprintf("%s TXT %q ttl=0 comment=%q", RegistryName(fqdn(name)), markText(entries), "[launchready:default]")
}

// liveMark is the op string of a live mark as markRec builds it.
func liveMark(id, name string, entries ...string) string {
	r := markRec(id, name, entries...)
	return recString(&r)
}

var longText = strings.Repeat("0123456789abcdef", 20) + "-tail" // 325 bytes: two character-strings

func TestComputeRecords(t *testing.T) {
	tests := []struct {
		name          string
		zone          *schema.Zone
		live          *model.LiveZone
		wantChanges   []string
		wantOps       []string
		wantUnmanaged []string
		wantWarnings  []string
		wantManaged   int
		wantRewrites  int
	}{
		{
			name: "create proxied CNAME",
			zone: cfZone(proxied(rr("app", "CNAME", "app-prod.fly.dev"))),
			live: live(),
			wantChanges: []string{
				"create record app.example.com CNAME | values:  -> app-prod.fly.dev | ttl:  -> auto | proxied:  -> true",
			},
			wantOps: []string{
				`create app.example.com CNAME "app-prod.fly.dev" ttl=0 proxied comment="[launchready:default]"`,
			},
		},
		{
			name: "a CNAME under a TXT mark edited in the dashboard is no longer launchready's: a conflict, never reclaimed",
			zone: cfZone(proxied(rr("app", "CNAME", "app-prod.fly.dev"))),
			live: live(one(recProxied(rec("r1", "app", "CNAME", "hijack.example.net", 0)), markRec("m1", "app", "CNAME app-prod.fly.dev"))),
			wantChanges: []string{
				"delete ownership _launchready.app.example.com TXT",
			},
			wantOps: []string{
				`delete m1 _launchready.app.example.com TXT "v=launchready1 CNAME:10f2c121" ttl=0`,
			},
			wantUnmanaged: []string{
				`r1 app.example.com CNAME "hijack.example.net" ttl=0 proxied`,
			},
			wantWarnings: []string{
				"conflict: app.example.com CNAME cannot be written: app.example.com CNAME hijack.example.net is a record launchready did not create, and a CNAME cannot share its name with other records; launchready never rewrites or deletes it: to adopt it, declare app.example.com CNAME with its value hijack.example.net; otherwise delete it by hand",
				"app.example.com: the CNAME record with ownership mark CNAME:10f2c121 is no longer live: it was edited or deleted outside launchready; the mark is dropped",
			},
		},
		{
			name: "a TXT value edited in the dashboard is not reclaimed: another value may be someone else's",
			zone: cfZone(rr("@", "TXT", "v=spf1 -all")),
			live: live(one(rec("r1", "@", "TXT", "google-site-verification=x", 0), markRec("m1", "@", "TXT v=spf1 -all"))),
			wantChanges: []string{
				"create record example.com TXT | values:  -> v=spf1 -all | ttl:  -> auto",
				"delete ownership _launchready.example.com TXT",
			},
			wantOps: []string{
				`delete m1 _launchready.example.com TXT "v=launchready1 TXT:27160f4d" ttl=0`,
				`create example.com TXT "v=spf1 -all" ttl=0 comment="[launchready:default]"`,
			},
			wantUnmanaged: []string{
				`r1 example.com TXT "google-site-verification=x" ttl=0`,
			},
			wantWarnings: []string{
				"example.com TXT v=spf1 -all was created by launchready but is no longer live: it was edited or deleted outside launchready; it will be created again",
			},
		},
		{
			name:        "owned and in sync",
			zone:        cfZone(withTTL(rr("api", "A", "192.0.2.1"), 300)),
			live:        live(owned("m1", rec("r1", "api", "A", "192.0.2.1", 300))),
			wantManaged: 1,
		},
		{
			name: "update ttl",
			zone: cfZone(withTTL(rr("api", "A", "192.0.2.1"), 600)),
			live: live(owned("m1", rec("r1", "api", "A", "192.0.2.1", 300))),
			wantChanges: []string{
				"update record api.example.com A | ttl: 300 -> 600",
			},
			wantOps: []string{
				`update r1 api.example.com A "192.0.2.1" ttl=300 comment="[launchready:default]" => r1 api.example.com A "192.0.2.1" ttl=600 comment="[launchready:default]"`,
			},
			wantManaged:  1,
			wantRewrites: 1,
		},
		{
			name: "update proxied makes ttl automatic",
			zone: cfZone(proxied(rr("@", "A", "192.0.2.1"))),
			live: live(owned("m1", rec("r1", "@", "A", "192.0.2.1", 300))),
			wantChanges: []string{
				"update record example.com A | ttl: 300 -> auto | proxied: false -> true",
			},
			wantOps: []string{
				`update r1 example.com A "192.0.2.1" ttl=300 comment="[launchready:default]" => r1 example.com A "192.0.2.1" ttl=0 proxied comment="[launchready:default]"`,
			},
			wantManaged:  1,
			wantRewrites: 1,
		},
		{
			name: "update comment",
			zone: cfZone(withComment(withTTL(rr("api", "A", "192.0.2.1"), 300), "public API")),
			live: live(owned("m1", recComment(rec("r1", "api", "A", "192.0.2.1", 300), "old"))),
			wantChanges: []string{
				"update record api.example.com A | comment: old -> public API",
			},
			wantOps: []string{
				`update r1 api.example.com A "192.0.2.1" ttl=300 comment="old [launchready:default]" => r1 api.example.com A "192.0.2.1" ttl=300 comment="public API [launchready:default]"`,
			},
			wantManaged:  1,
			wantRewrites: 1,
		},
		{
			name:        "comment not declared leaves the live comment alone",
			zone:        cfZone(withTTL(rr("api", "A", "192.0.2.1"), 300)),
			live:        live(owned("m1", recComment(rec("r1", "api", "A", "192.0.2.1", 300), "edited in the dashboard"))),
			wantManaged: 1,
		},
		{
			name: "value replaced in place keeps the record id and comment",
			zone: cfZone(withTTL(rr("api", "A", "192.0.2.2"), 300)),
			live: live(owned("m1", recComment(rec("r1", "api", "A", "192.0.2.1", 300), "hand note"))),
			wantChanges: []string{
				"update record api.example.com A | values: 192.0.2.1 -> 192.0.2.2",
			},
			wantOps: []string{
				`update r1 api.example.com A "192.0.2.1" ttl=300 comment="hand note [launchready:default]" => r1 api.example.com A "192.0.2.2" ttl=300 comment="hand note [launchready:default]"`,
			},
			wantManaged:  1,
			wantRewrites: 1,
		},
		{
			name: "one value of several replaced",
			zone: cfZone(withTTL(rr("api", "A", "192.0.2.2", "192.0.2.3"), 300)),
			live: live(owned("m1", rec("r1", "api", "A", "192.0.2.1", 300), rec("r2", "api", "A", "192.0.2.2", 300))),
			wantChanges: []string{
				"update record api.example.com A | values: 192.0.2.1, 192.0.2.2 -> 192.0.2.2, 192.0.2.3",
			},
			wantOps: []string{
				`update r1 api.example.com A "192.0.2.1" ttl=300 comment="[launchready:default]" => r1 api.example.com A "192.0.2.3" ttl=300 comment="[launchready:default]"`,
			},
			wantManaged:  2,
			wantRewrites: 1,
		},
		{
			name: "values added and removed: extra deletes and creates",
			zone: cfZone(rr("@", "MX", "10 mx1.example.net", "20 mx2.example.net", "30 mx3.example.net")),
			live: live(owned("m1", rec("r1", "@", "MX", "5 old.example.net", 0))),
			wantChanges: []string{
				"update record example.com MX | values: 5 old.example.net -> 10 mx1.example.net, 20 mx2.example.net, 30 mx3.example.net",
			},
			wantOps: []string{
				`update r1 example.com MX "5 old.example.net" ttl=0 comment="[launchready:default]" => r1 example.com MX "10 mx1.example.net" ttl=0 comment="[launchready:default]"`,
				`create example.com MX "20 mx2.example.net" ttl=0 comment="[launchready:default]"`,
				`create example.com MX "30 mx3.example.net" ttl=0 comment="[launchready:default]"`,
			},
			wantManaged:  1,
			wantRewrites: 1,
		},
		{
			name: "block removed deletes what it created",
			zone: cfZone(),
			live: live(owned("m1", rec("r1", "old", "A", "192.0.2.9", 300))),
			wantChanges: []string{
				"delete record old.example.com A | values: 192.0.2.9 -> ",
			},
			wantOps: []string{
				`delete r1 old.example.com A "192.0.2.9" ttl=300 comment="[launchready:default]"`,
			},
			wantManaged:  1,
			wantRewrites: 1,
		},
		{
			name: "adopt an existing value",
			zone: cfZone(rr("www", "CNAME", "example.com")),
			live: live(one(rec("r1", "www", "CNAME", "example.com", 0))),
			wantChanges: []string{
				"adopt record www.example.com CNAME",
			},
			wantOps: []string{
				`update r1 www.example.com CNAME "example.com" ttl=0 => r1 www.example.com CNAME "example.com" ttl=0 comment="[launchready:default]"`,
			},
		},
		{
			name: "adopt and update",
			zone: cfZone(rr("www", "CNAME", "example.com")),
			live: live(one(rec("r1", "www", "CNAME", "example.com", 3600))),
			wantChanges: []string{
				"adopt record www.example.com CNAME | ttl: 3600 -> auto",
			},
			wantOps: []string{
				`update r1 www.example.com CNAME "example.com" ttl=3600 => r1 www.example.com CNAME "example.com" ttl=0 comment="[launchready:default]"`,
			},
		},
		{
			name: "unmanaged records are left alone",
			zone: cfZone(withTTL(rr("api", "A", "192.0.2.1"), 300)),
			live: live(
				owned("m1", rec("r1", "api", "A", "192.0.2.1", 300)),
				one(rec("r2", "api", "A", "192.0.2.50", 300), rec("r3", "@", "TXT", "google-site-verification=x", 0)),
			),
			wantUnmanaged: []string{
				`r2 api.example.com A "192.0.2.50" ttl=300`,
				`r3 example.com TXT "google-site-verification=x" ttl=0`,
			},
			wantManaged: 1,
		},
		{
			name: "authoritative deletes undeclared records and marks what it keeps",
			zone: func() *schema.Zone {
				z := cfZone(withTTL(rr("api", "A", "192.0.2.1"), 300))
				z.Authoritative = true
				return z
			}(),
			live: live(one(rec("r1", "api", "A", "192.0.2.1", 300), rec("r2", "@", "TXT", "stale", 0))),
			wantChanges: []string{
				"delete record example.com TXT | values: stale -> ",
			},
			wantOps: []string{
				`delete r2 example.com TXT "stale" ttl=0`,
				`update r1 api.example.com A "192.0.2.1" ttl=300 => r1 api.example.com A "192.0.2.1" ttl=300 comment="[launchready:default]"`,
			},
			wantManaged:  2,
			wantRewrites: 1,
		},
		{
			name: "authoritative spares ignore globs, the apex NS set and undeclarable types",
			zone: func() *schema.Zone {
				z := cfZone()
				z.Authoritative = true
				z.Ignore = []string{"_acme-challenge*"}
				return z
			}(),
			live: live(one(
				rec("r1", "_acme-challenge", "TXT", "token", 0),
				rec("r2", "@", "NS", "ns1.example.net", 0),
				rec("r3", "@", "HINFO", "\"PC\" \"Linux\"", 0),
				rec("r4", "tmp", "A", "192.0.2.7", 0),
			)),
			wantChanges: []string{
				"delete record tmp.example.com A | values: 192.0.2.7 -> ",
			},
			wantOps: []string{
				`delete r4 tmp.example.com A "192.0.2.7" ttl=0`,
			},
			wantUnmanaged: []string{
				`r1 _acme-challenge.example.com TXT "token" ttl=0`,
				`r3 example.com HINFO "\"PC\" \"Linux\"" ttl=0`,
				`r2 example.com NS "ns1.example.net" ttl=0`,
			},
			wantManaged:  1,
			wantRewrites: 1,
		},
		{
			name: "ignore globs protect even a record launchready created",
			zone: func() *schema.Zone {
				z := cfZone()
				z.Ignore = []string{"legacy*"}
				return z
			}(),
			live: live(owned("m1", rec("r1", "legacy", "A", "192.0.2.8", 0))),
			wantUnmanaged: []string{
				`r1 legacy.example.com A "192.0.2.8" ttl=0 comment="[launchready:default]"`,
			},
			wantManaged: 1,
		},
		{
			name: "type change A to CNAME deletes first",
			zone: cfZone(rr("www", "CNAME", "example.com")),
			live: live(owned("m1", rec("r1", "www", "A", "192.0.2.1", 0))),
			wantChanges: []string{
				"delete record www.example.com A | values: 192.0.2.1 -> ",
				"create record www.example.com CNAME | values:  -> example.com | ttl:  -> auto",
			},
			wantOps: []string{
				`delete r1 www.example.com A "192.0.2.1" ttl=0 comment="[launchready:default]"`,
				`create www.example.com CNAME "example.com" ttl=0 comment="[launchready:default]"`,
			},
			wantManaged:  1,
			wantRewrites: 1,
		},
		{
			name:        "long TXT compared unquoted",
			zone:        cfZone(rr("@", "TXT", longText)),
			live:        live(owned("m1", rec("r1", "@", "TXT", longText, 0))),
			wantManaged: 1,
		},
		{
			name: "long DKIM key created as one value, labelled email",
			zone: cfZone(withOrigin(rr("google._domainkey", "TXT", "v=DKIM1; k=rsa; p="+longText), "email.dkim.google")),
			live: live(),
			wantChanges: []string{
				"create email google._domainkey.example.com TXT | values:  -> v=DKIM1; k=rsa; p=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef-tail | ttl:  -> auto",
			},
			wantOps: []string{
				`create google._domainkey.example.com TXT "v=DKIM1; k=rsa; p=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef-tail" ttl=0 comment="[launchready:default]"`,
			},
		},
		{
			name: "email records labelled, removed SPF recognised",
			zone: cfZone(withOrigin(rr("_dmarc", "TXT", "v=DMARC1; p=quarantine"), "email.dmarc")),
			live: live(owned("m1", rec("r1", "@", "TXT", "v=spf1 -all", 0))),
			wantChanges: []string{
				"create email _dmarc.example.com TXT | values:  -> v=DMARC1; p=quarantine | ttl:  -> auto",
				"delete email example.com TXT | values: v=spf1 -all -> ",
			},
			wantOps: []string{
				`delete r1 example.com TXT "v=spf1 -all" ttl=0 comment="[launchready:default]"`,
				`create _dmarc.example.com TXT "v=DMARC1; p=quarantine" ttl=0 comment="[launchready:default]"`,
			},
			wantManaged:  1,
			wantRewrites: 1,
		},
		{
			name:        "proxied desired TTL compared as automatic",
			zone:        cfZone(proxied(withTTL(rr("@", "A", "192.0.2.1"), 300))),
			live:        live(owned("m1", recProxied(rec("r1", "@", "A", "192.0.2.1", 0)))),
			wantManaged: 1,
		},
		{
			name: "wildcard names carry their mark at _launchready-wildcard",
			zone: cfZone(rr("*.preview", "CNAME", "previews.hosting.net")),
			live: live(),
			wantChanges: []string{
				"create record *.preview.example.com CNAME | values:  -> previews.hosting.net | ttl:  -> auto",
			},
			wantOps: []string{
				`create *.preview.example.com CNAME "previews.hosting.net" ttl=0 comment="[launchready:default]"`,
			},
		},
		{
			name:        "wildcard in sync",
			zone:        cfZone(rr("*.preview", "CNAME", "previews.hosting.net")),
			live:        live(owned("m1", rec("r1", "*.preview", "CNAME", "previews.hosting.net", 0))),
			wantManaged: 1,
		},
		{
			name: "mark naming a value edited outside launchready",
			zone: cfZone(withTTL(rr("api", "A", "192.0.2.2"), 300)),
			live: live(one(
				rec("r2", "api", "A", "192.0.2.2", 300),
				rec("r3", "api", "A", "192.0.2.3", 300),
				markRec("m1", "api", "A 192.0.2.1", "A 192.0.2.2"),
			)),
			wantChanges: []string{
				"delete ownership _launchready.api.example.com TXT",
				"update ownership [launchready:default]",
			},
			wantOps: []string{
				`delete m1 _launchready.api.example.com TXT "v=launchready1 A:de3aaa65 A:df6a5992" ttl=0`,
				`update r2 api.example.com A "192.0.2.2" ttl=300 => r2 api.example.com A "192.0.2.2" ttl=300 comment="[launchready:default]"`,
			},
			wantUnmanaged: []string{
				`r3 api.example.com A "192.0.2.3" ttl=300`,
			},
			wantWarnings: []string{
				"api.example.com: the A record with ownership mark A:df6a5992 is no longer live: it was edited or deleted outside launchready; the mark is dropped",
			},
			wantManaged: 1,
		},
		{
			name: "mark naming a declared value deleted outside launchready",
			zone: cfZone(withTTL(rr("api", "A", "192.0.2.1", "192.0.2.2"), 300)),
			live: live(one(rec("r2", "api", "A", "192.0.2.2", 300), markRec("m1", "api", "A 192.0.2.1", "A 192.0.2.2"))),
			wantChanges: []string{
				"update record api.example.com A | values: 192.0.2.2 -> 192.0.2.1, 192.0.2.2",
				"delete ownership _launchready.api.example.com TXT",
				"update ownership [launchready:default]",
			},
			wantOps: []string{
				`delete m1 _launchready.api.example.com TXT "v=launchready1 A:de3aaa65 A:df6a5992" ttl=0`,
				`update r2 api.example.com A "192.0.2.2" ttl=300 => r2 api.example.com A "192.0.2.2" ttl=300 comment="[launchready:default]"`,
				`create api.example.com A "192.0.2.1" ttl=300 comment="[launchready:default]"`,
			},
			wantWarnings: []string{
				"api.example.com A 192.0.2.1 was created by launchready but is no longer live: it was edited or deleted outside launchready; it will be created again",
			},
			wantManaged: 1,
		},
		{
			name: "another tool's text at a mark name is an unmanaged record",
			zone: cfZone(),
			live: live(one(rec("r1", "_launchready.www", "TXT", "owner=other-tool", 0))),
			wantUnmanaged: []string{
				`r1 _launchready.www.example.com TXT "owner=other-tool" ttl=0`,
			},
		},
		{
			name: "another tool's text at a mark name is deleted in an authoritative zone",
			zone: func() *schema.Zone {
				z := cfZone()
				z.Authoritative = true
				return z
			}(),
			live: live(one(rec("r1", "_launchready.www", "TXT", "owner=other-tool", 0))),
			wantChanges: []string{
				"delete record _launchready.www.example.com TXT | values: owner=other-tool -> ",
			},
			wantOps: []string{
				`delete r1 _launchready.www.example.com TXT "owner=other-tool" ttl=0`,
			},
			wantManaged:  1,
			wantRewrites: 1,
		},
		{
			name: "duplicate marks are merged into one",
			zone: cfZone(withTTL(rr("api", "A", "192.0.2.1"), 300)),
			live: live(owned("m1", rec("r1", "api", "A", "192.0.2.1", 300)), one(markRec("m2", "api", "A 192.0.2.1"))),
			wantChanges: []string{
				"delete ownership _launchready.api.example.com TXT",
			},
			wantOps: []string{
				`delete m2 _launchready.api.example.com TXT "v=launchready1 A:df6a5992" ttl=0`,
			},
			wantManaged: 1,
		},
		{
			name: "CNAME next to an unmanaged record is a warning",
			zone: cfZone(rr("app", "CNAME", "x.example.net")),
			live: live(one(rec("r1", "app", "A", "192.0.2.1", 0))),
			wantUnmanaged: []string{
				`r1 app.example.com A "192.0.2.1" ttl=0`,
			},
			wantWarnings: []string{
				"conflict: app.example.com CNAME cannot be written: app.example.com A 192.0.2.1 is a record launchready did not create, and a CNAME cannot share its name with other records; launchready never rewrites or deletes it: to adopt it, declare app.example.com A with its value 192.0.2.1; otherwise delete it by hand",
			},
		},
		{
			name: "live values and names compared in canonical form",
			zone: cfZone(withTTL(rr("v6", "AAAA", "2001:db8::1"), 300), rr("@", "MX", "10 mx1.example.net"), rr("@", "CAA", `0 issue "letsencrypt.org"`)),
			live: live(one(
				model.Record{ID: "r1", Name: "V6.Example.COM.", Type: "AAAA", Value: "2001:DB8:0::1", TTL: 300},
				rec("r2", "@", "MX", "10 MX1.Example.NET.", 0),
				rec("r3", "@", "CAA", `0 ISSUE "letsencrypt.org"`, 0),
				markRec("m1", "v6", "AAAA 2001:db8::1"),
				markRec("m2", "@", "MX 10 mx1.example.net", `CAA 0 issue "letsencrypt.org"`),
			)),
			wantChanges: []string{
				"delete ownership _launchready.example.com TXT",
				"delete ownership _launchready.v6.example.com TXT",
				"update ownership [launchready:default]",
			},
			wantOps: []string{
				`delete m2 _launchready.example.com TXT "v=launchready1 CAA:dae9092b MX:05977ba6" ttl=0`,
				`update r2 example.com MX "10 MX1.Example.NET." ttl=0 => r2 example.com MX "10 mx1.example.net" ttl=0 comment="[launchready:default]"`,
				`update r3 example.com CAA "0 ISSUE \"letsencrypt.org\"" ttl=0 => r3 example.com CAA "0 issue \"letsencrypt.org\"" ttl=0 comment="[launchready:default]"`,
				`delete m1 _launchready.v6.example.com TXT "v=launchready1 AAAA:ae25ad90" ttl=0`,
				`update r1 V6.Example.COM. AAAA "2001:DB8:0::1" ttl=300 => r1 v6.example.com AAAA "2001:db8::1" ttl=300 comment="[launchready:default]"`,
			},
			wantManaged: 3,
		},
		{
			name: "RFC 2136: automatic TTL is the provider default and comments are not managed",
			zone: dnsZone(withComment(rr("api", "A", "192.0.2.1"), "not stored by DNS servers"), withTTL(rr("www", "A", "192.0.2.2"), 600)),
			live: live(
				ownedTXT("", rec("", "api", "A", "192.0.2.1", 300)),
				ownedTXT("", rec("", "www", "A", "192.0.2.2", 3600)),
			),
			wantChanges: []string{
				"update record www.example.com A | ttl: 3600 -> 600",
			},
			wantOps: []string{
				`update www.example.com A "192.0.2.2" ttl=3600 => www.example.com A "192.0.2.2" ttl=600`,
			},
			wantManaged:  2,
			wantRewrites: 1,
		},
		{
			name: "RFC 2136: marks use the default TTL and no comment",
			zone: dnsZone(rr("api", "A", "192.0.2.1")),
			live: live(),
			wantChanges: []string{
				"create record api.example.com A | values:  -> 192.0.2.1 | ttl:  -> 300",
				"create ownership _launchready.api.example.com TXT",
			},
			wantOps: []string{
				`create api.example.com A "192.0.2.1" ttl=300`,
				`create _launchready.api.example.com TXT "v=launchready1 A:df6a5992" ttl=300`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustCompute(t, tt.zone, tt.live)
			if len(p.Zones) != 1 {
				t.Fatalf("got %d zone plans, want 1", len(p.Zones))
			}
			zp := p.Zones[0]
			if diff := cmp.Diff(tt.wantChanges, changeStrings(zp.Changes)); diff != "" {
				t.Errorf("changes mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantOps, opStrings(zp.RecordOps)); diff != "" {
				t.Errorf("record ops mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantUnmanaged, recordStrings(zp.Unmanaged)); diff != "" {
				t.Errorf("unmanaged mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWarnings, zp.Warnings); diff != "" {
				t.Errorf("warnings mismatch (-want +got):\n%s", diff)
			}
			if zp.ManagedRecords != tt.wantManaged || zp.ManagedRewrites != tt.wantRewrites {
				t.Errorf("ManagedRecords, ManagedRewrites = %d, %d; want %d, %d", zp.ManagedRecords, zp.ManagedRewrites, tt.wantManaged, tt.wantRewrites)
			}
			wantChanges := len(tt.wantChanges) > 0 || len(tt.wantOps) > 0
			if p.HasChanges() != wantChanges {
				t.Errorf("HasChanges() = %v, want %v", p.HasChanges(), wantChanges)
			}
		})
	}
}

func TestComputeChangeObjects(t *testing.T) {
	z := cfZone(withComment(withTTL(rr("api", "A", "192.0.2.2"), 300), "API"))
	lz := live(ownedTXT("m1", recComment(rec("r1", "api", "A", "192.0.2.1", 600), "API")))
	p := mustCompute(t, z, lz)
	got := p.Zones[0].Changes[0]
	want := Change{
		Action: ActionUpdate,
		Kind:   KindRecord,
		Zone:   zn,
		Key:    "api.example.com A",
		Before: &Object{RRSet: &model.RRSet{Name: "api.example.com", Type: "A", TTL: 600, Comment: "API", Values: []string{"192.0.2.1"}}},
		After:  &Object{RRSet: &model.RRSet{Name: "api.example.com", Type: "A", TTL: 300, Comment: "API", Values: []string{"192.0.2.2"}, Origin: "record"}},
		Fields: []FieldChange{
			{Field: "values", Before: "192.0.2.1", After: "192.0.2.2"},
			{Field: "ttl", Before: "600", After: "300"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("change mismatch (-want +got):\n%s", diff)
	}
	if p.FormatVersion != FormatVersion || p.ConfigFingerprint != "cfg-fingerprint" || p.LiveFingerprint != Fingerprint(map[string]*model.LiveZone{zn: lz}) {
		t.Errorf("plan header = %q, %q, %q", p.FormatVersion, p.ConfigFingerprint, p.LiveFingerprint)
	}
}

func TestComputeErrors(t *testing.T) {
	tests := []struct {
		name    string
		cfg     *schema.Config
		live    map[string]*model.LiveZone
		wantErr string
	}{
		{
			name:    "no config",
			wantErr: "no config",
		},
		{
			name:    "zone without live state",
			cfg:     cfgOf(cfZone()),
			live:    map[string]*model.LiveZone{},
			wantErr: "no live state for zone example.com",
		},
		{
			name:    "record at a mark name",
			cfg:     cfgOf(cfZone(rr("_launchready.www", "TXT", "x"))),
			live:    map[string]*model.LiveZone{zn: live()},
			wantErr: "reserved for launchready's ownership marks",
		},
		{
			name:    "set declared twice",
			cfg:     cfgOf(cfZone(rr("www", "A", "192.0.2.1"), rr("www", "A", "192.0.2.2"))),
			live:    map[string]*model.LiveZone{zn: live()},
			wantErr: "www.example.com A is declared twice",
		},
		{
			name: "bad ignore glob",
			cfg: func() *schema.Config {
				z := cfZone()
				z.Ignore = []string{"[x"}
				return cfgOf(z)
			}(),
			live:    map[string]*model.LiveZone{zn: live(one(rec("r1", "a", "A", "192.0.2.1", 0)))},
			wantErr: `ignore pattern "[x"`,
		},
		{
			name: "unknown provider kind",
			cfg: func() *schema.Config {
				z := cfZone()
				z.ProviderKind = "route53"
				return cfgOf(z)
			}(),
			live:    map[string]*model.LiveZone{zn: live()},
			wantErr: `unknown provider kind "route53"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compute(tt.cfg, tt.live)
			if err == nil {
				t.Fatalf("Compute = %+v, want an error containing %q", p, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Compute error = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestComputeZonesInConfigOrder(t *testing.T) {
	a := cfZone(rr("www", "A", "192.0.2.1"))
	a.Name = "b.example"
	a.Records[0].Name = "www.b.example"
	b := dnsZone()
	b.Name = "a.example"
	p, err := Compute(cfgOf(a, b), map[string]*model.LiveZone{
		"b.example": {Name: "b.example"},
		"a.example": {Name: "a.example"},
		"unused":    {Name: "unused"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, z := range p.Zones {
		got = append(got, z.Zone+" "+z.Provider)
	}
	want := []string{"b.example cloudflare", "a.example rfc2136.corp"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("zones mismatch (-want +got):\n%s", diff)
	}
}
