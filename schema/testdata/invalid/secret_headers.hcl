variable "token" {}
# ENV: LAUNCHREADY_VAR_token=value-from-env

zone "example.com" {
  check "bearer" {
    url = "https://app.example.com/"
    headers = {
      Authorization = "Bearer eyJhbGciOiJIUzI1NiJ9.payload" # ERROR: Literal secret
    }
  }
  check "api-key" {
    url = "https://app.example.com/"
    headers = {
      "X-Api-Key" = "short" # ERROR: Literal secret
      Cookie      = "session=abc" # ERROR: Literal secret
    }
  }
  check "var" {
    url = "https://app.example.com/"
    headers = {
      Authorization = var.token # ERROR: Secret header value in the configuration
      "X-Auth-Token" = "Bearer ${var.token}" # ERROR: Secret header value in the configuration
    }
  }
  check "in-url" {
    url = "https://app.example.com/api?access_token=abcdef123456" # ERROR: Literal secret
  }
  check "userinfo" {
    url = "https://admin:hunter22@app.example.com/" # ERROR: Literal secret
  }
}
