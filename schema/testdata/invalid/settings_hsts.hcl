zone "example.com" {
  settings {
    hsts { # ERROR: Missing HSTS max_age
      include_subdomains = true
    }
  }
}
zone "example.org" {
  settings {
    ssl = "off"
    hsts { # ERROR: HSTS without SSL
      max_age = 300
      preload = true # WARNING: HSTS preload requirements not met
    }
  }
}
zone "example.net" {
  settings {
    ssl              = "off"
    always_use_https = true # ERROR: Always Use HTTPS without SSL
  }
  settings { # ERROR: Duplicate settings block
    ssl = "full"
  }
}
