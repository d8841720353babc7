zone "example.com" {
  email {
    spf {
      all = "hardfail" # ERROR: Invalid SPF all qualifier
    }
    spf { # ERROR: Duplicate spf block
    }
    dmarc { # ERROR: Missing required argument
      pct = 0 # ERROR: Invalid DMARC pct
    }
    dkim "dup" { cname = "a.example.net" }
    dkim "DUP" { cname = "b.example.net" } # ERROR: Duplicate DKIM selector
    dkim "size" { cname = "c.example.net" }
  }
}
zone "example.org" {
  email {
    dmarc {
      policy = "none"
      rua    = ["mailto:dmarc@example.org!10q"] # ERROR: Invalid DMARC report address
    }
  }
}
zone "example.net" {
  email {
    dkim "google._domainkey" { cname = "x.example.org" } # ERROR: Invalid DKIM selector
  }
}
