zone "example.com" {
  settings {
    ssl                      = "stric" # ERROR: Invalid SSL mode
    always_use_https         = "yes" # ERROR: Incorrect value type
    min_tls_version          = "1.4" # ERROR: Invalid minimum TLS version
    tls_1_3                  = "enabled" # ERROR: Invalid TLS 1.3 mode
    automatic_https_rewrites = true
    security_level           = "extreme" # ERROR: Invalid security level
    hsts {
      max_age = 63072000 # ERROR: Invalid HSTS max_age
    }
  }
}
