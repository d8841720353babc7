zones "example.com" { # ERROR: Unsupported block type
}

zone "example.com" {
  records "www" "A" { # ERROR: Unsupported block type
    value = "203.0.113.10"
  }
  setting { # ERROR: Unsupported block type
    ssl = "strict"
  }
}
