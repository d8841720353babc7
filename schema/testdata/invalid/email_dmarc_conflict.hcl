zone "example.com" {
  record "_dmarc" "TXT" {
    value = "v=DMARC1; p=none" # ERROR: DMARC record declared twice
  }
  email {
    dmarc {
      policy = "reject"
      rua    = ["mailto:dmarc@example.com"]
    }
  }
}
