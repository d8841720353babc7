# Internationalised names become Punycode.
zone "bücher.example" {
  record "@" "A" { value = "192.0.2.1" }
  record "straße" "CNAME" { value = "bücher.example" }
  record "mail" "MX" { value = "10 münchen.example." }
}
