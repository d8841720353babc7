package plan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRenderEmailFindings(t *testing.T) {
	p := &Plan{FormatVersion: FormatVersion, Zones: []ZonePlan{
		{Zone: "example.com", Provider: "cloudflare", Changes: []Change{}, EmailChecked: true, EmailFindings: []Finding{
			{Severity: "error", Check: "spf", Message: "example.com would publish 2 SPF records", Chain: []string{"example.com"}},
			{Severity: "warning", Check: "dmarc", Message: "report address not authorised", Chain: []string{"_dmarc.example.com", "example.com._report._dmarc.reports.example.net"}},
		}},
		{Zone: "quiet.example", Provider: "cloudflare", Changes: []Change{}, EmailChecked: true},
		{Zone: "nomail.example", Provider: "cloudflare", Changes: []Change{}},
	}}
	var text bytes.Buffer
	if err := RenderText(&text, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  email (checked through DNS as it will be after apply):\n    error spf: example.com would publish 2 SPF records\n    warning dmarc: report address not authorised (via _dmarc.example.com → example.com._report._dmarc.reports.example.net)\n",
		"zone quiet.example (cloudflare): no changes\n  email (checked through DNS as it will be after apply): no problem found\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text plan lacks %q:\n%s", want, text.String())
		}
	}
	if strings.Count(text.String(), "email (checked") != 2 {
		t.Errorf("a zone without the check must not mention it:\n%s", text.String())
	}
	var md bytes.Buffer
	if err := RenderMarkdown(&md, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "- :x: **example.com** error spf: example.com would publish 2 SPF records") {
		t.Errorf("markdown plan lacks the email error:\n%s", md.String())
	}
	var js bytes.Buffer
	if err := RenderJSON(&js, p); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Zones []struct {
			EmailChecked  bool      `json:"email_checked"`
			EmailFindings []Finding `json:"email_findings"`
		} `json:"zones"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Zones[0].EmailChecked || len(doc.Zones[0].EmailFindings) != 2 || doc.Zones[0].EmailFindings[1].Chain[1] != "example.com._report._dmarc.reports.example.net" {
		t.Errorf("JSON email findings: %+v", doc.Zones[0])
	}
}
