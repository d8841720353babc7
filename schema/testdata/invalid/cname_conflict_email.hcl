zone "example.com" {
  record "s1._domainkey" "TXT" { value = "v=DKIM1; p=" } # WARNING: DKIM key record warning
  email {
    dkim "s1" { cname = "s1.domainkey.u1.wl.sendgrid.net" } # ERROR: CNAME shares its name
  }
}
