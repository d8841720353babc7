zone "example.com" {
  record "google._domainkey" "TXT" { value = "v=DKIM1; p=MIIB" } # ERROR: DKIM selector written twice # ERROR: Invalid DKIM key record
  record "s1._domainkey" "CNAME" { value = "other.example.net" } # ERROR: Record set written twice
  email {
    dkim "google" { public_key = "pW9DJRs/X1lzxQY7zcOQuddaPx8+toKp0xE8u3UGojA=" }
    dkim "s1" { cname = "s1.domainkey.u1.wl.sendgrid.net" }
  }
}
