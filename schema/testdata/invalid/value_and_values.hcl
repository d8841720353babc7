zone "example.com" {
  record "a" "A" {
    value  = "203.0.113.1"
    values = ["203.0.113.2"] # ERROR: Both value and values
  }
  record "b" "A" { # ERROR: Missing record value
    ttl = 300
  }
  record "c" "A" {
    values = [] # ERROR: Empty values
  }
  record "d" "A" {
    values = "203.0.113.4" # ERROR: Incorrect value type
  }
}
