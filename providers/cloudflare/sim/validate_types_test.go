package sim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/model"
)

func body(t *testing.T, s string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Data-typed records are written with Cloudflare's data shapes and refused the way
// Cloudflare refuses them.
func TestBuildRecordDataTypes(t *testing.T) {
	z := &zone{ID: "z", Name: "example.com"}
	now := time.Now()
	hex := strings.Repeat("ab", 32)
	ok := []struct {
		body, content string
	}{
		{`{"type":"NAPTR","name":"sip","data":{"order":100,"preference":10,"flags":"u","service":"E2U+sip","regex":"!^.*$!sip:a@example.com!","replacement":"."}}`,
			`100 10 "U" "E2U+sip" "!^.*$!sip:a@example.com!" .`},
		{`{"type":"TLSA","name":"_25._tcp.mx","data":{"usage":3,"selector":1,"matching_type":1,"certificate":"` + hex + `"}}`, "3 1 1 " + strings.ToUpper(hex)},
		{`{"type":"HTTPS","name":"@","data":{"priority":1,"target":".","value":"alpn=\"h3,h2\""}}`, `1 . alpn="h3,h2"`},
		{`{"type":"URI","name":"_ftp._tcp","priority":10,"data":{"weight":1,"target":"ftp://x.example/"}}`, `10 1 "ftp://x.example/"`},
		{`{"type":"LOC","name":"office","data":{"lat_degrees":52,"lat_direction":"N","long_degrees":4,"long_direction":"E","altitude":0}}`, "52 00 0.000 N 04 00 0.000 E 0m 0.00m 0.00m 0.00m"},
		{`{"type":"OPENPGPKEY","name":"k._openpgpkey","content":"mDMEZbq2ZBYJKwYBBAHaRw8BAQdA0r5Hz3Lq1A=="}`, "mDMEZbq2ZBYJKwYBBAHaRw8BAQdA0r5Hz3Lq1A=="},
	}
	for _, c := range ok {
		r, e := buildRecord(z, nil, body(t, c.body), modeCreate, now)
		if e != nil {
			t.Errorf("%s: %v", c.body, e.Errors)
			continue
		}
		if r.Content != c.content {
			t.Errorf("%s: content %q, want %q", c.body, r.Content, c.content)
		}
		w := z.wire(r)
		if info, _ := model.TypeInfo(r.Type); len(info.Data) > 0 && w.Data == nil {
			t.Errorf("%s: no data in the answer", r.Type)
		}
	}
	if r, _ := buildRecord(z, nil, body(t, ok[0].body), modeCreate, now); z.wire(r).Data.(map[string]any)["flags"] != "U" {
		t.Errorf("NAPTR data.flags is not the string \"U\": %#v", z.wire(r).Data)
	}

	bad := []struct {
		body string
		code int
		msg  string
	}{
		{`{"type":"TLSA","name":"t","data":{"usage":3,"selector":1}}`, CodeDataFieldRequired, "matching_type is a required data field."},
		{`{"type":"TLSA","name":"t"}`, CodeDataFieldRequired, "usage is a required data field."},
		{`{"type":"TLSA","name":"t","data":{"usage":"x","selector":1,"matching_type":1,"certificate":"ab"}}`, CodeFieldType, "'usage'"},
		{`{"type":"TLSA","name":"t","data":{"usage":4,"selector":1,"matching_type":1,"certificate":"` + hex + `"}}`, CodeContentInvalid, "TLSA usage"},
		{`{"type":"SSHFP","name":"t","data":{"algorithm":300,"type":2,"fingerprint":"` + hex + `"}}`, CodeContentInvalid, "algorithm must be"},
		{`{"type":"NAPTR","name":"t","data":{"order":1,"preference":1,"flags":7,"service":"","regex":"","replacement":"."}}`, CodeFieldType, "'flags'"},
		{`{"type":"URI","name":"t","data":{"weight":1,"target":"ftp://x/"}}`, CodeDataFieldRequired, "priority is a required data field."},
		{`{"type":"LOC","name":"t","data":{"lat_degrees":52,"lat_direction":"X","long_degrees":4,"long_direction":"E","altitude":0}}`, CodeContentInvalid, "lat_direction"},
		{`{"type":"HINFO","name":"t","content":"PC Linux"}`, CodeTypeInvalid, "HINFO"},
	}
	for _, c := range bad {
		_, e := buildRecord(z, nil, body(t, c.body), modeCreate, now)
		if e == nil {
			t.Errorf("%s: accepted", c.body)
			continue
		}
		found := false
		var all []string
		for _, m := range e.Errors {
			for _, x := range append([]apiMessage{m}, m.ErrorChain...) {
				all = append(all, x.Message)
				if x.Code == c.code && strings.Contains(x.Message, c.msg) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("%s: errors %v, want code %d with %q", c.body, all, c.code, c.msg)
		}
	}

	// A patch without data keeps it; a patch of the priority alone changes URI.
	r, _ := buildRecord(z, nil, body(t, ok[3].body), modeCreate, now)
	p, e := buildRecord(z, r, body(t, `{"priority":20}`), modePatch, now)
	if e != nil || p.Content != `20 1 "ftp://x.example/"` {
		t.Errorf("patching URI's priority: %q, %v", p.Content, e)
	}
}
