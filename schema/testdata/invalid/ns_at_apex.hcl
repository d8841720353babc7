zone "example.com" {
  record "@" "NS" { values = ["ns1.example.net", "ns2.example.net"] } # ERROR: NS record at the zone apex
  record "dev" "NS" { values = ["ns1.example.net", "ns2.example.net"] }
}
