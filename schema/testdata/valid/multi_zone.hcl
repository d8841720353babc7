# Several zones in one file; redirects between them.
zone "example.com" {
  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  settings {
    always_use_https = true
  }
}

zone "example.org" {
  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  redirect "to-com" {
    from = "https://example.org/*"
    to   = "https://example.com/$${1}"
  }
  redirect "plain" {
    from = "http://example.org/plain"
    to   = "http://example.net/"
  }
}

zone "sub.example.com" {
  record "@" "AAAA" { value = "2001:db8::10" }
}
