# Imported from the live zone example.com by `launchready import`.
# Review it, then run `launchready plan`: existing records become launchready's
# only when you apply, and the plan shows each adoption.

zone "example.com" {
  provider      = "cloudflare"
  authoritative = true

  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
    comment = "marketing site"
  }

  record "@" "AAAA" {
    value   = "2001:db8::10"
    proxied = true
    comment = "marketing site"
  }

  record "@" "MX" {
    values = ["10 mx1.mailhost.net", "20 mx2.mailhost.net"]
    ttl    = 3600
  }

  record "@" "TXT" {
    # NOTE: the live records carry different comments; none is kept.
    values = ["google-site-verification=abc", "v=spf1 include:_spf.google.com -all"]
  }

  record "@" "CAA" {
    values = ["0 iodef \"mailto:security@example.com\"", "0 issue \"letsencrypt.org\""]
  }

  record "*.preview" "CNAME" {
    value   = "previews.hosting.net"
    ttl     = 120
    comment = "branch previews"
  }

  record "10.hosts" "PTR" {
    value = "host10.example.net"
  }

  record "_sip._tcp" "SRV" {
    value = "10 5 5060 sip.example.com"
  }

  record "api" "A" {
    values  = ["203.0.113.20", "203.0.113.21"]
    ttl     = 300
    comment = "API"
  }

  record "dev" "NS" {
    values = ["ns1.dev-dns.net", "ns2.dev-dns.net"]
    ttl    = 86400
  }

  record "google._domainkey" "TXT" {
    value = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0NCgUV7DwBrR2YGRfPUVOuK/zHDJuAnQa/GPp4FASSqTS7nf2s5mNwXHDID1qP9+XN5lE0xgz/TWDfsbPMI3LxdKuVc7WeFVDsA0D98yuf+L8X+jnQtCjcF3xwLSKQijfoS4XjCbmtv7pkryn1aKixvGkIUzn5qYaxCZO8hci8OzG1FMeM4o3F+A4XCFUUE5StX4VSdv42ntYex1O/QBTjtfAkewFnzlgG17Rw6idaWHarfjbkSJd37etzAlr7EP4i+0LLfJ1LIWmrrDrMT/Icb3nyYbeGJcIz7446SU48kQpDVaDRJPqJ8HwznRrdQxs1Wm9xH9740LL3E2ZHRRkwIDAQAB"
  }

  record "mixed" "A" {
    # NOTE: the live records have different TTLs (300, 600); the smallest is kept.
    # NOTE: the live records carry different comments; none is kept.
    values = ["192.0.2.1", "192.0.2.2"]
    ttl    = 300
  }

  record "quotes" "TXT" {
    value   = "say \"hi\" \\ $${var} %%{if x} $5 100%"
    comment = "a \"quoted\" comment"
  }

  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
  }

  record "xn--bcher-kva" "TXT" {
    value = "idn name"
  }

  redirect "www-to-apex" {
    from           = "https://www.example.com/*"
    to             = "https://example.com/$${1}"
    status         = 301
    preserve_query = true
  }

  redirect "old-blog" {
    expression = "(http.host eq \"blog.example.com\")"
    to         = "https://example.com/blog"
    status     = 302
  }

  redirect "lang" {
    expression        = "(http.request.uri.path eq \"/de\")"
    target_expression = "concat(\"https://example.com\", \"/de/\")"
    status            = 307
  }

  redirect "old-site" {
    from   = "https://old.example.com/*"
    to     = "https://example.com/"
    status = 301
  }

  redirect "force-https" {
    # Made by hand (rule id r10, description "Force HTTPS").
    from   = "http://*.example.com/*"
    to     = "https://$${1}.example.com/$${2}"
    status = 308
  }

  redirect "legacy-docs" {
    # Made by hand (rule id r4, description "Legacy docs").
    expression = "(http.host eq \"docs.example.com\")"
    to         = "https://example.com/docs"
    status     = 301
  }

  redirect "shop-example-com" {
    # Made by hand (rule id r5).
    expression = "(http.host eq \"shop.example.com\")"
    to         = "https://store.example.net/"
    status     = 308
  }

  cache "assets" {
    hosts       = ["example.com"]
    path_prefix = "/assets/"
    edge_ttl    = "30d"
    browser_ttl = "1d"
  }

  cache "app-bypass" {
    hosts  = ["api.example.com", "app.example.com"]
    bypass = true
  }

  cache "images" {
    # Made by hand (rule id c3, description "Images").
    hosts       = ["img.example.com"]
    path_prefix = "/i/"
    edge_ttl    = "1h"
  }

  # Not imported (launchready leaves these as they are):
  #   @ NS "ns1.cloudflare.com" (the zone's own name servers, kept by the DNS host)
  #   @ SOA "ns1.cloudflare.com dns.cloudflare.com 2024010101 10000 2400 604800 3600" (kept by the DNS host)
  #   @ SPF "v=spf1 -all" (type SPF cannot be declared in launch.hcl)
  #   _launchready TXT "v=launchready1 A:7d358223" (launchready's ownership registry)
  #   _launchready-wildcard.preview TXT "v=launchready1 CNAME:837744a4" (launchready's ownership registry)
  #   _launchready.api TXT "v=launchready1 A:c49ac2b3 A:f152ecbc" (launchready's ownership registry)
  #   _launchready.other TXT "something else" (at a name reserved for launchready's ownership registry; WARNING: as the zone is authoritative, the next apply deletes it unless you declare it or add an ignore pattern)
  #   bad A "not-an-address" (invalid value: "not-an-address" is not a valid IP address; WARNING: as the zone is authoritative, the next apply deletes it unless you declare it or add an ignore pattern)
  #   bytes TXT "caf\xe9" (TXT text that is not UTF-8 cannot be written in launch.hcl; WARNING: as the zone is authoritative, the next apply deletes it unless you declare it or add an ignore pattern)
  #   other.org. A "192.0.2.9" (outside the zone)
  #   redirect rule "Paused campaign" (disabled; launch.hcl declares only enabled rules)
  #   redirect rule "Bulk list" (its parameters go beyond what a redirect block can express)
  #   redirect rule "Block bots" (action "block" cannot be declared in launch.hcl)
  #   cache rule c4 (its expression is not a list of hosts with an optional path prefix, which is what a cache block declares)
  #   cache rule "Custom key" (its cache settings go beyond what a cache block can express)
}
