zone "example.com" {
  email {
    spf {
      include = ["_spf.google.com", "not a domain"] # ERROR: Invalid SPF include
      ip4     = ["203.0.113.5", "2001:db8::1"] # ERROR: Invalid SPF ip4
      ip6     = ["203.0.113.0/24"] # ERROR: Invalid SPF ip6
      all     = "pass" # ERROR: SPF all = "pass"
    }
    dkim "both" {
      public_key = "pW9DJRs/X1lzxQY7zcOQuddaPx8+toKp0xE8u3UGojA="
      cname      = "both.domainkey.example.net" # ERROR: Both public_key and cname
    }
    dkim "none" { # ERROR: Missing DKIM key
    }
    dkim "garbage" {
      public_key = "this is not base64!" # ERROR: Invalid DKIM public key
    }
    dkim "bad_selector!" { # ERROR: Invalid DKIM selector
      cname = "x.example.net"
    }
    dmarc {
      policy           = "quarantin" # ERROR: Invalid DMARC policy
      subdomain_policy = "block" # ERROR: Invalid DMARC subdomain policy
      rua              = ["dmarc@example.com", "mailto:ok@example.com"] # ERROR: Invalid DMARC report address
      ruf              = ["mailto:not an address"] # ERROR: Invalid DMARC report address
      pct              = 101 # ERROR: Invalid DMARC pct
      adkim            = "loose" # ERROR: Invalid DKIM alignment
      aspf             = "r" # ERROR: Invalid SPF alignment
    }
  }
}
