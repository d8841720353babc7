# SPF, DMARC and DKIM records written by hand in record blocks, all correct.
zone "example.com" {
  record "@" "TXT" {
    values = [
      "v=spf1 mx ip4:203.0.113.0/24 include:_spf.google.com ~all",
      "example-verification=ok",
    ]
  }
  record "mail" "TXT" { value = "v=spf1 redirect=example.com" }
  record "_dmarc" "TXT" { value = "v=DMARC1;p=quarantine; sp=reject; rua=mailto:dmarc@example.com!10m; pct=100; adkim=s" }
  record "google._domainkey" "TXT" { value = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0NCgUV7DwBrR2YGRfPUVOuK/zHDJuAnQa/GPp4FASSqTS7nf2s5mNwXHDID1qP9+XN5lE0xgz/TWDfsbPMI3LxdKuVc7WeFVDsA0D98yuf+L8X+jnQtCjcF3xwLSKQijfoS4XjCbmtv7pkryn1aKixvGkIUzn5qYaxCZO8hci8OzG1FMeM4o3F+A4XCFUUE5StX4VSdv42ntYex1O/QBTjtfAkewFnzlgG17Rw6idaWHarfjbkSJd37etzAlr7EP4i+0LLfJ1LIWmrrDrMT/Icb3nyYbeGJcIz7446SU48kQpDVaDRJPqJ8HwznRrdQxs1Wm9xH9740LL3E2ZHRRkwIDAQAB" }
  record "ed._domainkey" "TXT" { value = "v=DKIM1; k=ed25519; p=RF9f9Jvxf6Ulp9Y1cnn7Xjp0cEHlMZvjY/nX5W0Eqyw=" }
  record "nov.s1._domainkey" "TXT" { value = "k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0NCgUV7DwBrR2YGRfPUVOuK/zHDJuAnQa/GPp4FASSqTS7nf2s5mNwXHDID1qP9+XN5lE0xgz/TWDfsbPMI3LxdKuVc7WeFVDsA0D98yuf+L8X+jnQtCjcF3xwLSKQijfoS4XjCbmtv7pkryn1aKixvGkIUzn5qYaxCZO8hci8OzG1FMeM4o3F+A4XCFUUE5StX4VSdv42ntYex1O/QBTjtfAkewFnzlgG17Rw6idaWHarfjbkSJd37etzAlr7EP4i+0LLfJ1LIWmrrDrMT/Icb3nyYbeGJcIz7446SU48kQpDVaDRJPqJ8HwznRrdQxs1Wm9xH9740LL3E2ZHRRkwIDAQAB" }
  # Not DKIM keys: a policy record at _domainkey itself, a note in a selector.
  record "_domainkey" "TXT" { value = "o=~; r=postmaster@example.com" }
  record "note._domainkey" "TXT" { value = "k=rsa; t=y" }
}

zone "reports.example.net" {
  # Report authorisations (RFC 7489 §7.1) need no p=.
  record "example.com._report._dmarc" "TXT" { value = "v=DMARC1" }
  record "*._report._dmarc" "TXT" { value = "v=DMARC1; rua=mailto:all@reports.example.net" }
}
