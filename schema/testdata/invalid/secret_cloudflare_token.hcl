# The API token is aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3gH5jK7m # ERROR: Literal secret
variable "cloudflare_api_token" {
  default = "not-a-real-token-but-named-like-one" # ERROR: Literal secret
}
# ENV: LAUNCHREADY_VAR_api_token=from-the-environment
variable "api_token" {
  description = "set LAUNCHREADY_VAR_api_token; no default, so no secret here"
  default     = null
}

zone "example.com" {
  record "@" "TXT" {
    value = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3gH5jK7m" # ERROR: Literal secret
  }
  record "key" "TXT" {
    value = "0123456789abcdef0123456789abcdef01234" # ERROR: Literal secret
  }
  record "gh" "TXT" {
    value = "token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789" # ERROR: Literal secret
  }
  record "pem" "TXT" {
    value = "-----BEGIN RSA PRIVATE KEY-----MIIEow" # ERROR: Literal secret
  }
}
