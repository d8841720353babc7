package schema

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// recordContent reads a record block's arguments directly where it can: it must give
// what content (hclsyntax's Content) gives — the same attributes and diagnostics —
// for every record block of the fixtures and of the blocks below (other arguments,
// nested blocks, null values, duplicates).
func TestRecordContentMatchesContent(t *testing.T) {
	srcs := map[string][]byte{
		"inline.hcl": []byte(`zone "example.com" {
  record "a" "A" { value = "192.0.2.1" }
  record "b" "A" {
    values  = ["192.0.2.1", "192.0.2.2"]
    ttl     = 300
    proxied = true
    comment = "x"
  }
  record "c" "A" { value = null }
  record "d" "A" {
    value = "192.0.2.1"
    other = 1
  }
  record "e" "A" {
    value = "192.0.2.1"
    nested { x = 1 }
  }
  record "f" "TXT" {
    value   = "a ${var.x}"
    comment = null
  }
  record "g" "A" {}
  record "h" "A" {
    value = "192.0.2.1"
    value = "192.0.2.2"
  }
}
`),
	}
	for _, dir := range []string{"testdata/valid", "testdata/invalid"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.hcl"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			srcs[f] = b
		}
	}
	blocks := 0
	for name, src := range srcs {
		f, _ := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		if f == nil {
			continue
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, z := range body.Blocks {
			for _, b := range z.Body.Blocks {
				if b.Type != "record" {
					continue
				}
				blocks++
				hb := b.AsHCLBlock()
				fast, slow := &loader{}, &loader{}
				got := fast.recordContent(hb.Body)
				want := slow.content(hb.Body, recordSchema)
				if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(fast.diags, slow.diags) {
					t.Errorf("%s: record block at %s: recordContent gives %#v, diagnostics %v; content gives %#v, diagnostics %v",
						name, b.DefRange(), got, fast.diags, want, slow.diags)
				}
			}
		}
	}
	if blocks < 20 {
		t.Fatalf("only %d record blocks compared", blocks)
	}
}
