zone "example.com" {
  record "@" "SPF" { value = "v=spf1 -all" } # ERROR: Unsupported record type
  record "@" "AAA" { value = "2001:db8::1" } # ERROR: Unsupported record type
  record "@" "ALIAS" { value = "example.net" } # ERROR: Unsupported record type
}
