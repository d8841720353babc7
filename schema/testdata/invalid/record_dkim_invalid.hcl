# DKIM key records written in record blocks are checked like the email block's dkim.
zone "example.com" {
  record "bad._domainkey" "TXT" { value = "v=DKIM1; k=rsa; p=not*base64" } # ERROR: Invalid DKIM key record
  record "short._domainkey" "TXT" { value = "k=rsa; p=MIIB" } # ERROR: Invalid DKIM key record
  record "typo._domainkey" "TXT" { value = "v=DKIM1; k=rsa256; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0NCgUV7DwBrR2YGRfPUVOuK/zHDJuAnQa/GPp4FASSqTS7nf2s5mNwXHDID1qP9+XN5lE0xgz/TWDfsbPMI3LxdKuVc7WeFVDsA0D98yuf+L8X+jnQtCjcF3xwLSKQijfoS4XjCbmtv7pkryn1aKixvGkIUzn5qYaxCZO8hci8OzG1FMeM4o3F+A4XCFUUE5StX4VSdv42ntYex1O/QBTjtfAkewFnzlgG17Rw6idaWHarfjbkSJd37etzAlr7EP4i+0LLfJ1LIWmrrDrMT/Icb3nyYbeGJcIz7446SU48kQpDVaDRJPqJ8HwznRrdQxs1Wm9xH9740LL3E2ZHRRkwIDAQAB" } # ERROR: Invalid DKIM key record
  # A 1024-bit RSA key: verifiers accept it, RFC 8301 asks for 2048.
  record "weak._domainkey" "TXT" { value = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCgTdhLhVK0F33Cj2VOxqRrQo5MS1cVsbQ0WPULxTbYDXEyGh/p6YJpMxXY5uz0WusavnBAJd0MNRYm+EJ5flTCYmpvh4RAPoRlVmKKqHfEFko4VJWMZEYxNAnGFOcz5p3TlhtUyarFnZA9vvqc6I2bshdFEvQbmjIULxHToBpFkwIDAQAB" } # WARNING: DKIM key record warning
  # An empty p= retires a selector: a warning, not an error.
  record "old._domainkey" "TXT" { value = "v=DKIM1; p=" } # WARNING: DKIM key record warning
  record "mail" "TXT" { value = "v=DKIM1; k=ed25519; p=RF9f9Jvxf6Ulp9Y1cnn7Xjp0cEHlMZvjY/nX5W0Eqyw=" } # WARNING: DKIM key outside _domainkey
}
