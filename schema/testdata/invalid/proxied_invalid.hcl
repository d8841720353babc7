zone "example.com" {
  record "@" "MX" {
    value   = "10 mx.example.net"
    proxied = true # ERROR: Record type cannot be proxied
  }
  record "@" "TXT" {
    value   = "hello"
    proxied = "sometimes" # ERROR: Incorrect value type
  }
  record "api" "A" {
    value   = "203.0.113.20"
    proxied = true
    ttl     = 300 # WARNING: TTL ignored on a proxied record
  }
}
