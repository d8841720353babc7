zone "example.com" {
  providr = "cloudflare" # ERROR: Unsupported argument
  record "www" "A" {
    value  = "203.0.113.10"
    proxie = true # ERROR: Unsupported argument
  }
  settings {
    always_https = true # ERROR: Unsupported argument
  }
}
