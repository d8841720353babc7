preflight { # WARNING: Empty preflight block
}

preflight "prod" { # ERROR: Extraneous label
  required_env = ["A"]
}

zone "example.com" {
  record "@" "A" {
    value = "203.0.113.10"
  }
}
