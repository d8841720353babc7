provider "cloudflare" "main" { # ERROR: Cloudflare needs no provider block
}
provider "route53" "aws" { # ERROR: Unsupported provider kind
}
provider "rfc2136" "corp" {
  server          = "ns1.corp.example:53"
  tsig_key        = "launch-key."
  tsig_algorithm  = "hmac-sha257" # ERROR: Invalid TSIG algorithm
  tsig_secret_env = "LAUNCH TSIG" # ERROR: Invalid environment variable name
}
provider "rfc2136" "corp" { # ERROR: Duplicate provider
  server          = "ns2.corp.example:53"
  tsig_key        = "launch-key."
  tsig_secret_env = "LAUNCH_TSIG"
}
provider "rfc2136" "partial" { # ERROR: Missing required argument # ERROR: Missing required argument
  server = "ns1.corp.example"
}

zone "corp.example" {
  provider = "rfc2136.corpp" # ERROR: Unknown provider
}
zone "example.com" {
  provider = "route53" # ERROR: Unknown provider
}
