zone "example.com" {
  record "@" "A" { value = "203.0.113.10" }
}
zone "EXAMPLE.com." { # ERROR: Duplicate zone
  record "www" "A" { value = "203.0.113.10" }
}
zone "bad_zone..com" { # ERROR: Invalid zone name
}
zone "*.example.net" { # ERROR: Invalid zone name
}
