# DMARC records written in record blocks are checked like the email block's dmarc.
zone "example.com" {
  record "_dmarc" "TXT" { value = "v=DMARC1; rua=mailto:dmarc@example.com" } # ERROR: Invalid DMARC record
  record "_dmarc.shop" "TXT" { value = "v=DMARC1; p=reject; pct=150" } # ERROR: Invalid DMARC record
  record "_dmarc.blog" "TXT" { value = "p=reject; v=DMARC1" } # ERROR: Invalid DMARC record
  record "_dmarc.news" "TXT" { value = "v=DMARC1; p=none; fo=1; foo=bar" } # WARNING: DMARC record warning
  record "_dmarc.help" "TXT" {
    values = [
      "note=ok",
      "v=DMARC1; p=quarantine; adkim=x", # ERROR: Invalid DMARC record
    ]
  }
  record "@" "TXT" { value = "v=DMARC1; p=reject" } # WARNING: DMARC record outside _dmarc
}

zone "reports.example.net" {
  record "example.com._report._dmarc" "TXT" { value = "v=DMARC1" }
  record "example.org._report._dmarc" "TXT" { value = "v=DMARC1; rua=dmarc@reports.example.net" } # ERROR: Invalid DMARC report authorisation
}
