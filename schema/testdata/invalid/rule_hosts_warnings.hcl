zone "example.com" {
  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  record "direct" "A" { value = "203.0.113.11" }
  record "*.preview" "CNAME" {
    value   = "previews.example.net"
    proxied = true
  }
  redirect "ghost" {
    from = "https://ghost.example.com/*" # WARNING: No record for redirect host
    to   = "https://example.com/"
  }
  redirect "direct" {
    from = "https://direct.example.com/*" # WARNING: Host not proxied
    to   = "https://example.com/"
  }
  redirect "preview" {
    from = "https://pr-1.preview.example.com/*"
    to   = "https://example.com/"
  }
  cache "assets" {
    hosts = [
      "example.com",
      "cdn.example.com", # WARNING: No record for cache rule host
    ]
    edge_ttl = "1d"
  }
  cache "outside" {
    hosts = ["example.org"] # ERROR: Cache host outside the zone
  }
}
