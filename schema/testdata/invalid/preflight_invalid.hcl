preflight {
  required_env = [
    "DATABASE_URL",
    "STRIPE SECRET", # ERROR: Invalid environment variable name
    "DATABASE_URL",  # ERROR: Duplicate environment variable
    "1PASSWORD",     # ERROR: Invalid environment variable name
  ]
  public_env_prefixes = ["NEXT_PUBLIC_", "NEXT-PUBLIC-", "NEXT_PUBLIC_"] # ERROR: Invalid public prefix # ERROR: Duplicate public prefix
  public_env_allow    = ["NEXT_PUBLIC_MAPS_KEY", "SERVER_KEY"]            # ERROR: Not a public variable
  public_env_prefix   = ["VITE_"]                                         # ERROR: Unsupported argument
}

preflight { # ERROR: Duplicate preflight block
  required_env = ["DATABASE_URL"]
}

zone "example.com" {
  record "@" "A" {
    value = "203.0.113.10"
  }
}
