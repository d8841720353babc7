# Problems found by email.Validate (RFC 7208/6376/7489) land on the attribute or the
# list element they are about.
zone "example.com" {
  email {
    spf {
      include = [ # ERROR: Invalid SPF policy
        "a.example.net", "b.example.net", "c.example.net", "d.example.net", "e.example.net",
        "f.example.net", "g.example.net", "h.example.net", "i.example.net", "j.example.net",
        "a.example.net", # WARNING: SPF policy warning
      ]
    }
    dkim "weak" {
      public_key = "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMi9at9NiqY4HY8UDKupGXk/RAzazPP3Xc/3QgH9OheqZ2rFA4IKoCBoRswIX8ud/VrfC2sAyXFWBlhiFbaQlc8CAwEAAQ==" # ERROR: Invalid DKIM policy
    }
    dkim "short" {
      public_key = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1BJTtM3YVXoDRcqrH/uwoGp1K53ClJMRn+dlges32++d4GagEnZ3vT8iXPNg2tiIHh1Qd9gBWUAbskwQd4SUp4biDEWlim4jkmE8u6vNGcjbxcOf+qeqdSBFDYSwhpvFyJ+q8y/Z7cd3vuPdppznXvvv3Mfyb+y0Zp3oLoajV3QIDAQAB" # WARNING: DKIM policy warning
    }
    dmarc {
      policy = "none" # WARNING: DMARC policy warning
      rua    = ["mailto:dmarc@example.com"]
    }
  }
}
