package model

import (
	"encoding/json"
	"testing"
)

// A NAPTR regexp with backslashes and parentheses (ENUM) survives Cloudflare's data
// shape unchanged, and the regexp Cloudflare holds is the text itself (one
// backslash), not its zone-file escaping.
func TestNAPTRRegexpEscapes(t *testing.T) {
	v := `100 10 "U" "E2U+sip" "!^\\+1(.*)$!sip:\\1@example.com!" .`
	c, err := CanonicalValue("NAPTR", v, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	data, prio, content, err := CloudflareData("NAPTR", c, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := data["regex"]; got != `!^\+1(.*)$!sip:\1@example.com!` {
		t.Errorf("data.regex = %q", got)
	}
	b, _ := json.Marshal(data)
	var back map[string]any
	_ = json.Unmarshal(b, &back)
	got, err := FromCloudflareData("NAPTR", back, prio, content, "example.com")
	if err != nil || got != c {
		t.Errorf("round trip: %q (%v), want %q", got, err, c)
	}
}
