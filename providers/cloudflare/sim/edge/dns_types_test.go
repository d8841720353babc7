package edge

import (
	"testing"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// The simulated edge serves every type of the type table in the value launch.hcl
// wrote (what verify then compares).
func TestDNSServesEveryType(t *testing.T) {
	lz := &model.LiveZone{Name: "example.com", Records: []model.Record{
		{Name: "example.com", Type: "NS", Value: "ns1.example.com"},
		{Name: "ns1.example.com", Type: "A", Value: "127.0.0.1"},
	}}
	for _, ty := range model.AllTypes() {
		if !ty.Presentation {
			continue
		}
		v, err := model.CanonicalValue(ty.Name, ty.Example, "example.com")
		if err != nil {
			t.Fatal(err)
		}
		lz.Records = append(lz.Records, model.Record{Name: "t-" + ty.Name + ".example.com", Type: ty.Name, Value: v})
	}
	e := startEdge(t, Options{Source: newFakeSource(lz)})
	for _, r := range lz.Records[2:] {
		m := query(t, e.DNSAddr(), r.Name, dns.StringToType[r.Type], "tcp")
		if len(m.Answer) != 1 {
			t.Errorf("%s %s: answer %v", r.Name, r.Type, m.Answer)
			continue
		}
		got, err := model.CanonicalValue(r.Type, model.RDataString(m.Answer[0]), "example.com")
		if err != nil || got != r.Value {
			t.Errorf("%s %s: served %q (%v), want %q", r.Name, r.Type, got, err, r.Value)
		}
	}
}
