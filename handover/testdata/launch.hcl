provider "rfc2136" "corp" {
  server          = "127.0.0.1:5353"
  tsig_key        = "launch-key."
  tsig_secret_env = "LAUNCH_TSIG_SECRET"
}

zone "example.com" {
  provider = "cloudflare"
  ignore   = ["_acme-challenge*"]

  settings {
    ssl              = "strict"
    always_use_https = true
    min_tls_version  = "1.2"
    hsts {
      max_age            = 31536000
      include_subdomains = true
    }
  }

  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
    comment = "marketing site | landing"
  }
  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  record "app" "CNAME" {
    value   = "app-prod.fly.dev"
    proxied = true
    comment = "dashboard (`app`) <main>"
  }
  record "api" "A" {
    values  = ["203.0.113.20", "203.0.113.21"]
    ttl     = 300
    comment = "public API"
  }
  record "status" "CNAME" { value = "statuspage.example.net" }
  record "@" "MX" { values = ["10 mx1.mailhost.net.", "20 mx2.mailhost.net."] }

  redirect "www-to-apex" {
    from           = "https://www.example.com/*"
    to             = "https://example.com/$${1}"
    status         = 301
    preserve_query = true
  }

  cache "assets" {
    hosts       = ["example.com"]
    path_prefix = "/assets/"
    edge_ttl    = "30d"
  }
  cache "app-bypass" {
    hosts  = ["app.example.com"]
    bypass = true
  }

  email {
    spf {
      include = ["_spf.google.com", "sendgrid.net"]
      ip4     = ["203.0.113.5"]
      all     = "fail"
    }
    dkim "google" { public_key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1AhV9ozncUOa6EfRnKK0JbzQiIkUzbnYnIYKdT9ldj4dAi4tfoeBXKpFV6BP8dJpThbI2ZeSvgcYGEBN+8KSSseP24ZQJ3wreQXvE1FFDfsym7CDC3MaTjvv5BRa/GDLG0A/e19b6jK95PgsvJl9Bv0iUICgIkrryVWrmcYCzmEtEeGOHGsLyGFaHnqnoIeVJweSe1WcST1u9S12GzbzSykfrwkaZ5XzWEiyGYgxLEJOVh2DPqHWdEjpEGfL5MUMfidTHYLRN1fR51ChzngQphDN8bqJWxAYDfEnLhQeox0iwGnvwGNPy42dzub3IIOAxCj2QBdFsRezzqEBjXnnZwIDAQAB" }
    dkim "s1" { cname = "s1.domainkey.u123.wl.sendgrid.net" }
    dmarc {
      policy = "quarantine"
      rua    = ["mailto:dmarc@example.com"]
    }
  }

  check "dashboard" {
    url          = "https://app.example.com/api/me"
    headers      = { Authorization = env("LAUNCH_CHECK_TOKEN") }
    p95_ms       = 300
    never_cached = true
  }
}

zone "corp.example" {
  provider      = "rfc2136.corp"
  authoritative = true

  record "@" "A" { value = "198.51.100.7" }
  record "intranet" "CNAME" {
    value = "corp.example"
    ttl   = 60
  }
}
