# TXT values that look random but are not secrets, and must not be flagged.
zone "example.com" {
  record "@" "TXT" {
    values = [
      "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ",
      "MS=ms93844938",
      "facebook-domain-verification=abcdefghij1234567890abcdefghij",
      "apple-domain-verification=AbCdEfGh12345678",
      "atlassian-domain-verification=Yl1MmXy3bs8Tz0jk/KVLEOwS1kQKSmnQ4dZRHLb0zzXAUrZv+n0lACf2JeDQxfhR",
      "stripe-verification=5ba4c7b1c7a31a7b0a5a9c8e2a4b3a2e7c4a1b8e",
      "da39a3ee5e6b4b0d3255bfef95601890afd80709",
      "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
      "keybase-site-verification=aBcD_eFgH-iJkLmNoPqRsTuVwXyZ0123456789aBcDe",
    ]
  }
  record "_github-challenge-example-org" "TXT" { value = "82f3b1c0e5" }
  # A DKIM key published by hand as a TXT record: public, not a secret.
  record "legacy._domainkey" "TXT" {
    value = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0NCgUV7DwBrR2YGRfPUVOuK/zHDJuAnQa/GPp4FASSqTS7nf2s5mNwXHDID1qP9+XN5lE0xgz/TWDfsbPMI3LxdKuVc7WeFVDsA0D98yuf+L8X+jnQtCjcF3xwLSKQijfoS4XjCbmtv7pkryn1aKixvGkIUzn5qYaxCZO8hci8OzG1FMeM4o3F+A4XCFUUE5StX4VSdv42ntYex1O/QBTjtfAkewFnzlgG17Rw6idaWHarfjbkSJd37etzAlr7EP4i+0LLfJ1LIWmrrDrMT/Icb3nyYbeGJcIz7446SU48kQpDVaDRJPqJ8HwznRrdQxs1Wm9xH9740LL3E2ZHRRkwIDAQAB"
  }
  record "docs" "CNAME" {
    value   = "example.gitbook.io"
    comment = "docs; see https://example.com/help?topic=dns"
  }
}
