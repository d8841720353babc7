zone "example.com" {
  record "@" "A" {
    value   = "203.0.113.1"
    comment = "first line\nsecond line" # ERROR: Invalid comment
  }
}
