zone "example.com" {
  record "www.example.org." "A" { value = "203.0.113.1" } # ERROR: Invalid record name
  record "a.*.b" "A" { value = "203.0.113.2" } # ERROR: Invalid wildcard
  record "a*" "A" { value = "203.0.113.3" } # ERROR: Invalid wildcard
  record "_launchready" "TXT" { value = "v=launchready1" } # ERROR: Reserved record name
  record "_launchready-wildcard.preview" "TXT" { value = "x" } # ERROR: Reserved record name
  record "bad..name" "A" { value = "203.0.113.4" } # ERROR: Invalid record name
  record "this-label-is-far-too-long-for-dns-because-it-has-more-than-63-bytes" "A" { value = "203.0.113.5" } # ERROR: Invalid record name
}
