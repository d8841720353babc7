zone "example.com" {
  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  redirect "status" {
    from   = "https://www.example.com/*"
    to     = "https://example.com/$${1}"
    status = 303 # ERROR: Invalid redirect status
  }
  redirect "no-scheme" {
    from = "www.example.com/*" # ERROR: Invalid redirect source
    to   = "https://example.com/"
  }
  redirect "bad-ref" {
    from = "https://www.example.com/*"
    to   = "https://example.com/$${2}" # ERROR: Invalid redirect target
  }
  redirect "interpolated" {
    from = "https://www.example.com/*"
    to   = "https://example.com/${1}" # ERROR: Wildcard reference written as interpolation
  }
  redirect "both" {
    from       = "https://www.example.com/*"
    expression = "(http.host eq \"www.example.com\")" # ERROR: Both from and expression
    to         = "https://example.com/"
  }
  redirect "no-target" { # ERROR: Missing redirect target
    from = "https://www.example.com/*"
  }
  redirect "no-source" { # ERROR: Missing redirect source
    to = "https://example.com/"
  }
  redirect "mixed-target" {
    from              = "https://www.example.com/*"
    target_expression = "concat(\"https://example.com\", http.request.uri.path)" # ERROR: target_expression needs expression
  }
  redirect "relative" {
    from = "https://www.example.com/old"
    to   = "/new" # ERROR: Invalid redirect target
  }
  redirect "outside" {
    from = "https://www.example.org/*" # ERROR: Redirect source outside the zone
    to   = "https://example.com/"
  }
  redirect "raw-ref" {
    expression = "(http.host eq \"www.example.com\")"
    to         = "https://example.com/$${1}" # ERROR: Invalid redirect target
  }
  redirect "status" { # ERROR: Duplicate redirect block
    from = "https://www.example.com/x"
    to   = "https://example.com/x"
  }
  redirect "bad name" { # ERROR: Invalid redirect name
    from = "https://www.example.com/y"
    to   = "https://example.com/y"
  }
}
