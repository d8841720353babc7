# A credential inside a longer string is still a secret in a committed file.
zone "example.com" {
  record "@" "TXT" {
    value = "cloudflare_api_token=Zx81qPf03LmNa7Rt2Yv9Kc5Wb6Hd4Sg1Ju8Eo3Xi" # ERROR: Literal secret
  }
  record "www" "A" {
    value   = "192.0.2.1"
    comment = "CF token Zx81qPf03LmNa7Rt2Yv9Kc5Wb6Hd4Sg1Ju8Eo3Xi for the deploy bot" # ERROR: Literal secret
  }
  record "ok" "TXT" {
    value = "google-site-verification=Zx81qPf03LmNa7Rt2Yv9Kc5Wb6Hd4Sg1Ju8Eo3Xi"
  }
}
