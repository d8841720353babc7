// Package email is launchready's email-authentication analysis: the `email` block's
// policy and the records it publishes, SPF (RFC 7208), DKIM key records (RFC 6376) and
// DMARC (RFC 7489) parsing and validation, and SPF check_host() evaluation against DNS.
//
// It is used offline by schema (syntax and policy validation), online by plan and
// verify (include trees, lookup limits, report authorisation), and by handover (the
// sending matrix). It does not read HCL or talk to any provider API.
package email
