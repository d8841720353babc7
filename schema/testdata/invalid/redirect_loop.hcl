zone "example.com" {
  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  redirect "apex-to-www" {
    from = "https://example.com/*"
    to   = "https://www.example.com/$${1}" # ERROR: Redirect loop
  }
  redirect "www-to-apex" {
    from = "https://www.example.com/*"
    to   = "https://example.com/$${1}" # ERROR: Redirect loop
  }
}

zone "example.org" {
  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  redirect "self" {
    from = "https://example.org/*"
    to   = "https://EXAMPLE.org/home/$${1}" # ERROR: Redirect loop
  }
}
