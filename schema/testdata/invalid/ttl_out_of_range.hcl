zone "example.com" {
  record "a" "A" {
    value = "203.0.113.1"
    ttl   = 30 # ERROR: Invalid TTL
  }
  record "b" "A" {
    value = "203.0.113.2"
    ttl   = 90000 # ERROR: Invalid TTL
  }
  record "c" "A" {
    value = "203.0.113.3"
    ttl   = 0 # ERROR: Invalid TTL
  }
  record "d" "A" {
    value = "203.0.113.4"
    ttl   = 60.5 # ERROR: Not a whole number
  }
  record "e" "A" {
    value = "203.0.113.5"
    ttl   = 60
  }
}
