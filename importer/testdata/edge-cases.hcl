# Imported from the live zone edge.example by `launchready import`.
# Review it, then run `launchready plan`: existing records become launchready's
# only when you apply, and the plan shows each adoption.

zone "edge.example" {
  provider      = "cloudflare"
  authoritative = false

  record "@" "TXT" {
    values = ["v=spf1 include:a.example -all", "verification=1"]
    ttl    = 300
  }

  record "half" "A" {
    # NOTE: 1 of 2 records are proxied in the live zone; a record set is proxied as a whole.
    values = ["192.0.2.50", "192.0.2.51"]
  }

  record "mixed" "AAAA" {
    value   = "2001:db8::1"
    ttl     = 300
    comment = "padded"
  }

  record "multi" "A" {
    # NOTE: the live comment spans several lines, which launch.hcl does not allow; it is not kept.
    value = "192.0.2.40"
    ttl   = 300
  }

  record "short" "A" {
    # NOTE: the live comment spans several lines, which launch.hcl does not allow; it is not kept.
    # NOTE: the live TTL 30 is outside what launch.hcl accepts (60 to 86400); written as 60.
    value = "192.0.2.30"
    ttl   = 60
  }

  record "www" "CNAME" {
    value = "a.target.example"
    ttl   = 300
  }

  redirect "apex-to-www" {
    # NOTE: the live rule was edited by hand and has parameters this block does not hold; applying resets them.
    from   = "https://edge.example/*"
    to     = "https://www.edge.example/$${1}"
    status = 301
  }

  # Not imported (launchready leaves these as they are):
  #   @ TXT "v=spf1 include:b.example ~all" (a name publishes one SPF record (RFC 7208 §3.2); merge it into the imported one)
  #   www CNAME "b.target.example" (a CNAME record set holds one target; a.target.example is imported)
  #   rule "WAF" (phase http_request_firewall_custom is not managed by launch.hcl)
}
