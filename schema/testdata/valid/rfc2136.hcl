# A zone on a standard DNS server through RFC 2136.
provider "rfc2136" "corp" {
  server          = "ns1.corp.example:53"
  tsig_key        = "launch-key."
  tsig_algorithm  = "hmac-sha256"
  tsig_secret_env = "LAUNCH_TSIG_SECRET"
}

provider "rfc2136" "lab" {
  server          = "127.0.0.1"
  tsig_key        = "lab-key"
  tsig_secret_env = "LAB_TSIG"
}

zone "corp.example" {
  provider      = "rfc2136.corp"
  authoritative = true
  ignore        = ["_acme-challenge*"]

  record "@" "A" {
    value   = "192.0.2.10"
    ttl     = 1
    comment = "kept for the DNS map"
  }
  record "www" "A" {
    value = "192.0.2.10"
    ttl   = 2147483647
  }
  record "@" "MX" { value = "10 mail.corp.example." } # WARNING: MX target has no address record
  email {
    spf {
      mx  = true
      all = "softfail"
    }
  }
}

zone "lab.example" {
  provider = "rfc2136.lab"
  record "ns" "A" { value = "127.0.0.1" }
}
