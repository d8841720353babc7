provider "rfc2136" "corp" {
  server          = "127.0.0.1:53"
  tsig_key        = "launch-key."
  tsig_secret     = "c2VjcmV0c2VjcmV0c2VjcmV0" # ERROR: TSIG secret in the configuration
  tsig_secret_env = "LAUNCH_TSIG_SECRET"
}
provider "rfc2136" "wrong" {
  server          = "127.0.0.1:53"
  tsig_key        = "launch-key."
  tsig_secret_env = "c2VjcmV0c2VjcmV0c2VjcmV0==" # ERROR: Invalid environment variable name
}

zone "corp.example" {
  provider = "rfc2136.corp"
  record "@" "A" { value = "192.0.2.1" }
}
