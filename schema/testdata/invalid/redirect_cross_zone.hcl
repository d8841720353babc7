zone "example.com" {
  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  redirect "to-org" {
    from = "https://example.com/shop"
    to   = "https://example.org/shop" # ERROR: Redirect chain
  }
}

zone "example.org" {
  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  settings {
    always_use_https = true
  }
  redirect "shop" {
    from = "https://example.org/shop"
    to   = "https://shop.example.net/"
  }
  redirect "insecure" {
    from = "https://example.org/a"
    to   = "http://example.org/b" # ERROR: Redirect to http:// with Always Use HTTPS
  }
}
