# launchready demo: the public surface of a small SaaS, "example.com", on Cloudflare.
#
# `launchready demo` applies this file to a local Cloudflare simulator. To try it by
# hand: launchready validate --config examples/demo/launch.hcl

variable "origin_ip" {
  default     = "203.0.113.10"
  description = "Public address of the web origin (marketing site and dashboard)."
}

zone "example.com" {
  provider      = "cloudflare"
  authoritative = false
  ignore        = ["_acme-challenge*"]

  # --- DNS records ------------------------------------------------------------

  record "@" "A" {
    value   = var.origin_ip
    proxied = true
    comment = "marketing site"
  }
  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
    comment = "redirected to the apex"
  }
  record "app" "CNAME" {
    value   = "app-prod.fly.dev"
    proxied = true
    comment = "customer dashboard"
  }
  record "api" "A" {
    values  = ["203.0.113.20", "203.0.113.21"]
    ttl     = 300
    comment = "public API, DNS round robin"
  }
  record "@" "MX" {
    values = ["10 mx1.mailhost.net.", "20 mx2.mailhost.net."]
  }
  record "@" "TXT" {
    value = "google-site-verification=3Xq9d0demo0token0for0launchready"
  }
  record "@" "CAA" {
    values = ["0 issue \"letsencrypt.org\"", "0 issue \"pki.goog\""]
  }
  record "_sip._tcp" "SRV" {
    value = "10 5 5060 sip.example.com."
  }
  record "sip" "A" {
    value = "203.0.113.30"
  }
  record "*.preview" "CNAME" {
    value   = "previews.hosting.net"
    comment = "pull-request preview deployments"
  }

  # --- Edge -------------------------------------------------------------------

  settings {
    ssl                      = "strict"
    always_use_https         = true
    min_tls_version          = "1.2"
    automatic_https_rewrites = true
    hsts {
      max_age            = 31536000
      include_subdomains = true
      nosniff            = true
    }
  }

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
    browser_ttl = "1d"
  }
  cache "app-bypass" {
    hosts  = ["app.example.com"]
    bypass = true
  }

  # --- Email ------------------------------------------------------------------

  email {
    spf {
      include = ["_spf.mailhost.net"]
      ip4     = ["203.0.113.5"]
      all     = "fail"
    }
    dkim "mail" {
      public_key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0NCgUV7DwBrR2YGRfPUVOuK/zHDJuAnQa/GPp4FASSqTS7nf2s5mNwXHDID1qP9+XN5lE0xgz/TWDfsbPMI3LxdKuVc7WeFVDsA0D98yuf+L8X+jnQtCjcF3xwLSKQijfoS4XjCbmtv7pkryn1aKixvGkIUzn5qYaxCZO8hci8OzG1FMeM4o3F+A4XCFUUE5StX4VSdv42ntYex1O/QBTjtfAkewFnzlgG17Rw6idaWHarfjbkSJd37etzAlr7EP4i+0LLfJ1LIWmrrDrMT/Icb3nyYbeGJcIz7446SU48kQpDVaDRJPqJ8HwznRrdQxs1Wm9xH9740LL3E2ZHRRkwIDAQAB"
    }
    dmarc {
      policy = "quarantine"
      rua    = ["mailto:dmarc@example.com"]
    }
  }

  # --- Checks verify runs after apply ------------------------------------------

  check "dashboard" {
    url              = "https://app.example.com/"
    expect_status    = 200
    requests         = 20
    p95_ms           = 300
    max_error_rate   = 0.01
    never_cached     = true
    no_mixed_content = true
  }
}
