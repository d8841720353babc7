zone "example.com" {
  record "@" "A" {
    value = "203.0.113.10" "extra" # ERROR: Missing newline after argument
  }
}
