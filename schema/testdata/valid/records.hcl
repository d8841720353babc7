# Every record type, in every accepted spelling.
variable "origin_ip" { default = "203.0.113.10" }

zone "Example.COM." {
  provider      = "cloudflare"
  authoritative = true
  ignore        = ["_acme-challenge*", "legacy-?"]

  record "@" "A" {
    value   = var.origin_ip
    proxied = true
    comment = "marketing site"
  }
  record "www" "cname" {
    value   = "example.com."
    proxied = true
  }
  record "api" "A" {
    values = ["203.0.113.21", "203.0.113.20", "203.0.113.20"] # WARNING: Duplicate record value
    ttl    = 300
  }
  record "v6" "AAAA" {
    values = ["2001:DB8:0:0:0:0:0:1", "2001:db8::2"]
    ttl    = 1
  }
  record "@" "MX" { values = ["10 mx1.mailhost.net.", "20 MX2.mailhost.net"] }
  record "@" "CAA" { value = "0 issue \"letsencrypt.org\"" }
  record "_sip._tcp" "SRV" { value = "10 5 5060 sip.example.com." }
  record "sip.example.com." "A" { value = "203.0.113.30" }
  record "dev" "NS" { values = ["ns1.dev-dns.net", "ns2.dev-dns.net"] }
  record "10" "PTR" { value = "host.example.com" }
  record "*.preview" "CNAME" { value = "previews.hosting.net" }
  record "long" "TXT" {
    value = "a-very-long-value-${join("", [for i in range(30) : "0123456789"])}"
  }
  record "proxied-ttl" "A" {
    value   = "203.0.113.40"
    proxied = true
    ttl     = 1
  }
}
