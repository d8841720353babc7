zone "example.com" {
  record "@" "TXT" {
    values = [
      "v=spf1 include:_spf.google.com -all",
      "google-site-verification=abc",
      "V=SPF1 ip4:203.0.113.5 -all", # ERROR: Several SPF records
    ]
  }
}
