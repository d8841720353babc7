zone "example.com" {
  record "api" "A" { value = "203.0.113.20" }
  record "API.example.com." "a" { value = "203.0.113.21" } # ERROR: Duplicate record set
  record "@" "TXT" { value = "one" }
  record "example.com." "TXT" { value = "two" } # ERROR: Duplicate record set
}
