provider "rfc2136" "corp" {
  server          = "127.0.0.1:53"
  tsig_key        = "k."
  tsig_secret_env = "TSIG"
}
zone "corp.example" {
  provider = "rfc2136.corp"
  record "a" "A" {
    value = "192.0.2.1"
    ttl   = 0 # ERROR: Invalid TTL
  }
  record "b" "A" {
    value = "192.0.2.2"
    ttl   = 2147483648 # ERROR: Invalid TTL
  }
}
