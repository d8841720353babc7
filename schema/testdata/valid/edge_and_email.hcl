# Settings, redirects, cache rules, email and checks together.
zone "example.com" {
  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  record "app" "CNAME" {
    value   = "app-prod.fly.dev"
    proxied = true
  }
  record "api" "CNAME" {
    value   = "api-prod.fly.dev"
    proxied = true
  }
  record "old" "A" {
    value   = "203.0.113.99"
    proxied = true
  }
  record "*.shop" "A" {
    value   = "203.0.113.50"
    proxied = true
  }
  record "@" "TXT" { value = "google-site-verification=abc" }

  settings {
    ssl                      = "strict"
    always_use_https         = true
    min_tls_version          = "1.3"
    tls_1_3                  = "zrt"
    automatic_https_rewrites = false
    security_level           = "under_attack"
    hsts {
      max_age            = 31536000
      include_subdomains = true
      preload            = true
      nosniff            = true
    }
  }

  redirect "www-to-apex" {
    from           = "https://www.example.com/*"
    to             = "https://example.com/$${1}"
    status         = 308
    preserve_query = true
  }
  redirect "old-site" {
    from = "https://old.example.com/*"
    to   = "https://example.com/"
  }
  redirect "shop" {
    from = "https://*.shop.example.com/*"
    to   = "https://example.com/shop/$${1}/$${2}"
  }
  redirect "legacy" {
    expression        = "(http.host eq \"example.com\" and http.request.uri.path eq \"/legacy\")"
    target_expression = "concat(\"https://example.com\", \"/new\")"
    status            = 302
  }

  cache "assets" {
    hosts       = ["example.com", "www.example.com"]
    path_prefix = "/assets/"
    edge_ttl    = "30d"
    browser_ttl = 3600
  }
  cache "app-bypass" {
    hosts  = ["app.example.com", "api.example.com"]
    bypass = true
  }
  cache "app-static" {
    hosts       = ["app.example.com"]
    path_prefix = "/static/"
    edge_ttl    = "1h30m"
  }

  email {
    spf {
      include = ["_spf.google.com", "sendgrid.net."]
      ip4     = ["203.0.113.5", "198.51.100.0/24"]
      ip6     = ["2001:DB8::1"]
      mx      = true
      all     = "fail"
    }
    dkim "google" {
      public_key = <<-KEY
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0NCgUV7DwBrR2YGRfPUVOuK/zHDJuAnQa/GPp4FASSqTS7nf2s5mNwXHDID1qP9+XN5lE0xgz/TWDfsbPMI3LxdKuVc7WeFVDsA0D98yuf+L8X+jnQtCjcF3xwLSKQijfoS4XjCbmtv7pkryn1aKixvGkIUzn5qYaxCZO8hci8OzG1FMeM4o3F+A4XCFUUE5StX4VSdv42ntYex1O/QBTjtfAkewFnzlgG17Rw6idaWHarfjbkSJd37etzAlr7EP4i+0LLfJ1LIWmrrDrMT/Icb3nyYbeGJcIz7446SU48kQpDVaDRJPqJ8HwznRrdQxs1Wm9xH9740LL3E2ZHRRkwIDAQAB
      KEY
    }
    dkim "ed" { public_key = "pW9DJRs/X1lzxQY7zcOQuddaPx8+toKp0xE8u3UGojA=" }
    dkim "s1" { cname = "s1.domainkey.u123.wl.sendgrid.net" }
    dmarc {
      policy           = "reject"
      subdomain_policy = "reject"
      rua              = ["mailto:dmarc@example.com", "mailto:reports@dmarc.example.net!10m"]
      ruf              = ["mailto:forensic@example.com"]
      pct              = 100
      adkim            = "strict"
      aspf             = "relaxed"
    }
  }

  check "dashboard" {
    url    = "https://app.example.com/api/me"
    method = "get"
    headers = {
      Authorization   = env("LAUNCH_CHECK_TOKEN")
      "X-Api-Key"     = (env("LAUNCH_API_KEY"))
      Accept          = "application/json"
      "X-Request-Via" = "launchready"
    }
    expect_status    = 200
    requests         = 50
    concurrency      = 5
    p95_ms           = 250
    max_error_rate   = 0
    never_cached     = true
    no_mixed_content = true
    noindex          = true
  }
  check "static" {
    url = "https://app.example.com/static/app.js"
  }
}
