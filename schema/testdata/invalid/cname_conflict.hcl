zone "example.com" {
  record "www" "CNAME" { value = "example.com" }
  record "www" "A" { value = "203.0.113.10" } # ERROR: CNAME shares its name
  record "www.example.com." "TXT" { value = "hello" } # ERROR: CNAME shares its name
  record "docs" "MX" { value = "10 mx.example.net" }
  record "DOCS" "CNAME" { value = "docs.example.net" } # ERROR: CNAME shares its name
}
