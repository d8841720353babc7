# The preflight block: names of environment variables only, never values. Names with
# secret words (STRIPE_SECRET_KEY) are names, not secrets, and pass the literal scan.
preflight {
  required_env        = ["DATABASE_URL", "STRIPE_SECRET_KEY", "NEXT_PUBLIC_APP_URL", "SESSION_PASSWORD"]
  public_env_prefixes = ["NEXT_PUBLIC_", "VITE_", "PUBLIC_"]
  public_env_allow    = ["NEXT_PUBLIC_FIREBASE_API_KEY"]
}

zone "example.com" {
  record "@" "A" {
    value = "203.0.113.10"
  }
}
