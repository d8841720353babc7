zone "example.com" {
  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  cache "bypass-ttl" {
    hosts    = ["example.com"]
    bypass   = true
    edge_ttl = "1h" # ERROR: TTL on a bypass rule
  }
  cache "bad-duration" {
    hosts    = ["example.com"]
    edge_ttl = "30x" # ERROR: Invalid edge_ttl
  }
  cache "too-long" {
    hosts       = ["example.com"]
    browser_ttl = "400d" # ERROR: Invalid browser_ttl
  }
  cache "zero" {
    hosts    = ["example.com"]
    edge_ttl = 0 # ERROR: Invalid edge_ttl
  }
  cache "path" {
    hosts       = ["example.com"]
    path_prefix = "assets/" # ERROR: Invalid path prefix
  }
  cache "hosts" {
    hosts = [
      "https://example.com/", # ERROR: Invalid cache host
      "*.example.com", # ERROR: Wildcard cache host
    ]
  }
  cache "empty" {
    hosts = [] # ERROR: Empty hosts
  }
  cache "missing" { # ERROR: Missing required argument
    edge_ttl = "1d"
  }
}
