# Imported from the live zone corp.example by `launchready import`.
# Review it, then run `launchready plan`: existing records become launchready's
# only when you apply, and the plan shows each adoption.

provider "rfc2136" "corp" {
  server          = "127.0.0.1:5353"
  tsig_key        = "launch-key."
  tsig_algorithm  = "hmac-sha256"
  tsig_secret_env = "LAUNCH_TSIG_SECRET"
}

zone "corp.example" {
  provider      = "rfc2136.corp"
  authoritative = true

  record "@" "A" {
    value = "198.51.100.7"
    ttl   = 300
  }

  record "@" "MX" {
    value = "10 mail.corp.example"
    ttl   = 3600
  }

  record "@" "TXT" {
    value = "v=spf1 mx -all"
    ttl   = 300
  }

  record "@" "CAA" {
    value = "0 issue \"letsencrypt.org\""
    ttl   = 300
  }

  record "7" "PTR" {
    value = "host7.corp.example"
    ttl   = 300
  }

  record "_ldap._tcp" "SRV" {
    value = "0 100 389 ldap.corp.example"
    ttl   = 300
  }

  record "intranet" "CNAME" {
    value = "corp.example"
    ttl   = 60
  }

  record "lab" "NS" {
    value = "ns.lab.corp.example"
    ttl   = 300
  }

  record "ldap" "AAAA" {
    value = "2001:db8::389"
    ttl   = 300
  }

  record "mail" "A" {
    value = "198.51.100.3"
    ttl   = 300
  }

  record "ns.lab" "A" {
    value = "198.51.100.50"
    ttl   = 300
  }

  record "ns1" "A" {
    value = "198.51.100.2"
    ttl   = 300
  }

  # Not imported (launchready leaves these as they are):
  #   @ NS "ns1.corp.example" (the zone's own name servers, kept by the DNS host)
  #   @ SOA "ns1.corp.example. hostmaster.corp.example. 2024010107 3600 600 604800 300" (kept by the DNS host)
  #   _launchready.intranet TXT "v=launchready1 CNAME:c33006df" (launchready's ownership registry)
}
