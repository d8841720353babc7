zone "example.com" {
  authoritative = "maybe" # ERROR: Incorrect value type
  ignore        = ["_acme-challenge*", "[unclosed"] # ERROR: Invalid ignore pattern
  email { # WARNING: Empty email block
  }
  email { # ERROR: Duplicate email block
  }
}
