zone "example.com" {
  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  record "old" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  settings {
    always_use_https = true
  }
  redirect "old-to-www" {
    from = "https://old.example.com/*"
    to   = "https://www.example.com/$${1}" # ERROR: Redirect chain
  }
  redirect "www-to-apex" {
    from = "https://www.example.com/*"
    to   = "https://example.com/$${1}"
  }
  redirect "http-target" {
    from = "https://example.com/insecure"
    to   = "http://example.com/page" # ERROR: Redirect to http:// with Always Use HTTPS
  }
}
