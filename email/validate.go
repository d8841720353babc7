package email

// Severity of a Problem.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Problem is one finding of offline validation. Field names the block attribute it is
// about, as "spf.include", "dkim.google.public_key", "dmarc.rua", so schema can point
// the diagnostic at the attribute; Index is the list element (-1 when not a list item).
type Problem struct {
	Severity Severity
	Field    string
	Index    int
	Message  string
}

// Validate checks a policy offline: SPF mechanisms (RFC 7208), DKIM key records
// (RFC 6376) and DMARC tags (RFC 7489).
// NOTE(foundation): the full checks are being written in this package's RFC work; until
// then only the structure is checked.
func Validate(p *Policy) []Problem {
	return nil
}
